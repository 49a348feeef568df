"""Populations over real data: deployments built through the change workflow, check runs
stored by the runner, uploads; and the sample files an auditor receives."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

from aiattest.assess import Window
from aiattest.catalog import load_catalog
from aiattest.evidence import manual, runner
from aiattest.evidence.populations import ITGC_NOTE, PopulationBuilder, audit_sample, write_samples
from aiattest.gateway.keys import create_key
from aiattest.roles import Role
from tests.integration.evidence import builders_governance as b
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

CATALOG = load_catalog()
WINDOW = Window(date(2026, 11, 1), date(2026, 11, 30))
NOW = datetime(2026, 12, 5, tzinfo=UTC)


def _three_deployments(env: EvidenceEnv) -> None:
    """Three model versions through evaluate, approve, stage, promote; the third's eval run
    is dated after its promotion (the workflow does not compare dates, the check does)."""
    for n, (day, evaluated) in enumerate(
        [("2026-11-04T09:00", "2026-11-01T09:00"), ("2026-11-12T09:00", "2026-11-09T09:00"),
         ("2026-11-25T09:00", "2026-11-26T09:00")], start=1,
    ):  # fmt: skip
        b.model(env, "scorer", str(n))
        b.eval_run(env, f"ev-{n}", f"scorer@{n}", evaluated)
        b.change(env, f"CHG-{n}", f"scorer@{n}", b.gated(f"ev-{n}", day), risk_tier="low")


def test_every_production_deployment_is_in_the_population(env: EvidenceEnv) -> None:
    _three_deployments(env)
    builder = PopulationBuilder(env.db, env.ledger, env.settings, CATALOG, env.org, WINDOW,
                                now=NOW)  # fmt: skip
    population = builder.population("model-change-management")
    deployments = {m.ref: m for m in population if m.kind == "deployment"}
    # A deployment missing from the population fails here.
    assert set(deployments) == {"CHG-1:scorer@1", "CHG-2:scorer@2", "CHG-3:scorer@3"}
    # The change behind each deployment is the same occurrence, not a second member.
    assert len(population) == 3
    assert all(m.source == "model-deployments-gated+changes-approved" for m in population)
    assert deployments["CHG-3:scorer@3"].outcome == "fail"  # evaluated too late
    assert deployments["CHG-1:scorer@1"].outcome == "pass"
    assert deployments["CHG-1:scorer@1"].at == datetime(2026, 11, 4, 9, tzinfo=UTC)
    # A window that ends before the third deployment leaves it out.
    early = PopulationBuilder(env.db, env.ledger, env.settings, CATALOG, env.org,
                              Window(date(2026, 11, 1), date(2026, 11, 20)), now=NOW)  # fmt: skip
    assert [m.ref for m in early.population("model-change-management")] == [
        "CHG-1:scorer@1",
        "CHG-2:scorer@2",
    ]


@SQLITE_ONLY
def test_state_controls_have_their_runs_and_manual_ones_their_uploads(
    env: EvidenceEnv, tmp_path: Path
) -> None:
    create_key(env.db, principal="svc", role=Role.CONSUMER, tenant="acme")
    window = Window(date(2026, 11, 1), date(2026, 11, 3))
    runner.collect_window(env.db, env.ledger, env.settings, CATALOG, env.org, window,
                          controls=["rbac-separate-roles"], now=NOW)  # fmt: skip
    # A second run of a day is not a second member: the run that looked latest stands.
    runner.collect(env.db, env.ledger, env.settings, CATALOG, env.org,
                   at=datetime(2026, 11, 2, 23, tzinfo=UTC),
                   controls=["rbac-separate-roles"])  # fmt: skip
    builder = PopulationBuilder(env.db, env.ledger, env.settings, CATALOG, env.org, window,
                                now=NOW)  # fmt: skip
    runs = builder.population("rbac-separate-roles")
    assert sorted(m.ref for m in runs) == sorted(
        f"{check}@2026-11-0{d}" for check in ("api-key-roles", "api-key-rotation")
        for d in (1, 2, 3)
    )  # fmt: skip
    second = next(m for m in runs if m.ref == "api-key-roles@2026-11-02")
    assert second.at == datetime(2026, 11, 3, tzinfo=UTC)  # the back-fill's, as of day end
    assert {m.kind for m in runs} == {"check-run"}

    artefact = tmp_path / "minutes.txt"
    artefact.write_text("board minutes")
    manual.upload(env.db, env.ledger, env.settings, CATALOG, env.org,
                  manual.Upload("governance-board-oversight", artefact, "dana",
                                covers_from=date(2026, 10, 1), expires_on=date(2026, 12, 31)),
                  now=datetime(2026, 11, 20, tzinfo=UTC))  # fmt: skip
    board = builder.population("governance-board-oversight")
    assert [(m.kind, m.outcome) for m in board] == [("upload", "pass")]


@SQLITE_ONLY
def test_audit_sample_writes_the_files(env: EvidenceEnv, tmp_path: Path) -> None:
    _three_deployments(env)
    samples = audit_sample(env.db, env.ledger, env.settings, CATALOG, env.org, WINDOW, "s1",
                           controls=["model-change-management", "software-change-management",
                                     "governance-board-oversight"], now=NOW)  # fmt: skip
    written = write_samples(tmp_path / "out", samples)
    assert tmp_path / "out" / "samples.csv" in written
    with (tmp_path / "out" / "samples.csv").open() as handle:
        summary = {r["control"]: r for r in csv.DictReader(handle)}
    assert summary["model-change-management"]["population"] == "3"
    # Hybrid per-event: many occurrences a day would need 40; three are all tested.
    assert summary["model-change-management"]["sample_size"] == "3"
    assert summary["software-change-management"]["sample_size"] == "1"  # automated
    assert summary["software-change-management"]["note"] == ITGC_NOTE
    assert summary["governance-board-oversight"]["population"] == "0"
    with (tmp_path / "out" / "populations" / "model-change-management.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [r["ref"] for r in rows] == ["CHG-1:scorer@1", "CHG-2:scorer@2", "CHG-3:scorer@3"]
    assert list(rows[0]) == ["ref", "kind", "at", "outcome", "source", "note"]
    with (tmp_path / "out" / "samples" / "software-change-management.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == 1
