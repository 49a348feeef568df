"""OSCAL export end to end: the example organisation applied through the real registers,
keys made through the key store, real checks run and ledgered by the evidence runner,
then the five files written, read back with compliance-trestle and cross-checked against
the database and the ledger."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog as OscalCatalog
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.profile import Profile
from trestle.oscal.ssp import SystemSecurityPlan

from aiattest.assess import Window
from aiattest.catalog import Catalog, load_catalog
from aiattest.config import load_settings
from aiattest.errors import InputError
from aiattest.evidence.registry import REGISTRY
from aiattest.evidence.runner import collect
from aiattest.gateway.keys import create_key
from aiattest.governance.apply import apply_document
from aiattest.governance.document import load_document
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.governance.unit import organisation_id
from aiattest.ledger import Ledger
from aiattest.reports.oscal import export_oscal
from aiattest.roles import Role
from aiattest.store import Database
from aiattest.store.models.evidence import CheckResultRow
from tests.integration.governance.conftest import (  # noqa: F401 (fixtures re-used)
    SQLITE_ONLY,
    _postgres_template,
    _sqlite_template,
    db,
)

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
GENERATED_AT = datetime(2026, 11, 28, 12, tzinfo=UTC)
WANTED = (
    "vendor-risk-management",
    "subservice-organisation-management",
    "ai-incident-response",
    "rbac-separate-roles",
    "model-inventory",
    "rag-knowledge-base-provenance",
    "system-description",
)
"""Controls whose checks read the registers the example file fills (no gateway traffic)."""
MODELS: dict[str, Any] = {
    "catalog.json": OscalCatalog,
    "profile.json": Profile,
    "component-definition.json": ComponentDefinition,
    "ssp.json": SystemSecurityPlan,
    "assessment-results.json": AssessmentResults,
}


@dataclass
class World:
    """The example organisation with check results in its ledger."""

    db: Database
    ledger: Ledger
    catalog: Catalog
    org: uuid.UUID
    collected_on: date


@pytest.fixture
def world(db: Database, tmp_path: Path) -> Iterator[World]:  # noqa: F811 (the fixture)
    """``examples/org.yaml`` applied, three principals with keys, checks collected now."""
    settings = load_settings(data_dir=tmp_path / "data")
    ledger = Ledger.from_settings(db, settings)
    catalog = load_catalog()
    try:
        apply_document(db, LedgerRecorder(ledger), load_document(EXAMPLE), "dana", catalog=catalog)
        create_key(db, principal="ops-bot", role=Role.OPERATOR, tenant="northwind")
        create_key(db, principal="support-web", role=Role.CONSUMER, tenant="northwind")
        create_key(db, principal="auditor-ann", role=Role.AUDITOR, tenant="northwind")
        with db.session() as session:
            org = organisation_id(session, "northwind")
        controls = [
            c for c in WANTED if all(check in REGISTRY for check in catalog.control(c).checks)
        ]
        assert controls, "no check of the wanted controls is registered"
        # The registers were written just now, and checks read them as of ``at``.
        at = datetime.now(UTC)
        collect(db, ledger, settings, catalog, org, at=at, controls=controls)
        yield World(db, ledger, catalog, org, at.date())
    finally:
        ledger.close()


def _export(world: World, directory: Path, window: Window | None = None) -> dict[str, Any]:
    export_oscal(world.db, world.catalog, world.org, directory, window=window,
                 generated_at=GENERATED_AT)  # fmt: skip
    return {name: json.loads((directory / name).read_text("utf-8")) for name in MODELS}


def _rows(world: World) -> list[CheckResultRow]:
    with world.db.session() as session:
        return list(
            session.scalars(
                select(CheckResultRow).where(CheckResultRow.organisation_id == world.org)
            )
        )


def _props(item: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in item["props"]}


@SQLITE_ONLY
def test_every_file_loads_with_trestle(world: World, tmp_path: Path) -> None:
    _export(world, tmp_path / "oscal")
    for name, model in MODELS.items():
        loaded = model.oscal_read(tmp_path / "oscal" / name)
        assert loaded is not None, name
        meta = loaded.metadata.model_dump(mode="json", by_alias=True, exclude_none=True)
        assert meta["oscal-version"] == "1.1.2"
        assert meta["last-modified"].startswith("2026-11-28T12:00:00")


@SQLITE_ONLY
def test_catalog_has_one_control_per_catalog_control(world: World, tmp_path: Path) -> None:
    files = _export(world, tmp_path / "oscal")
    groups = files["catalog.json"]["catalog"]["groups"]
    ids = [c["id"] for g in groups for c in g["controls"]]
    assert sorted(ids) == sorted(c.id for c in world.catalog.controls)


def test_components_follow_the_registers(world: World, tmp_path: Path) -> None:
    files = _export(world, tmp_path / "oscal")
    titles = [
        c["title"] for c in files["component-definition.json"]["component-definition"]["components"]
    ]
    assert titles == [
        "aiattest gateway",
        "credit-precheck",
        "support-assistant",
        "precheck-scorer@4.1",
        "support-llm@gpt-4o-2024-08-06",
        "support-llm-fallback@claude-sonnet-4",
        "RAG pipeline help-centre",
    ]
    plan = files["ssp.json"]["system-security-plan"]
    users = {
        u["title"]: _props(u)["active-principals"] for u in plan["system-implementation"]["users"]
    }
    assert users["operator"] == users["consumer"] == users["auditor"] == "1"
    assert users["admin"] == "0"
    kb = next(
        c
        for c in plan["system-implementation"]["components"]
        if c["title"] == "RAG pipeline help-centre"
    )
    facts = _props(kb)
    assert (facts["documents"], facts["chunks"], facts["system"]) == ("2", "3", "support-assistant")
    boundary = plan["system-characteristics"]["authorization-boundary"]["description"]
    assert "anthropic (carve-out), openai (carve-out)" in boundary


def test_results_match_the_stored_rows_and_the_ledger(world: World, tmp_path: Path) -> None:
    files = _export(world, tmp_path / "oscal")
    (outcome,) = files["assessment-results.json"]["assessment-results"]["results"]
    rows = _rows(world)
    assert rows
    observations = {int(_props(o)["ledger-index"]): o for o in outcome["observations"]}
    assert set(observations) == {r.ledger_index for r in rows}
    for index, observation in observations.items():
        record = world.ledger.entry(index).record()
        assert record["kind"] == "control_result"
        assert record["payload"]["items_sha256"] == _props(observation)["items-sha256"]
        assert record["payload"]["status"] == _props(observation)["result"]
    # One finding per control with results, its state from the latest result of its checks.
    findings = {_props(f)["control"]: f for f in outcome["findings"]}
    assert set(findings) == {r.control_id for r in rows}
    for control, finding in findings.items():
        mine = [r for r in rows if r.control_id == control]
        ok = all(r.status == "pass" for r in mine)  # one run per check: latest is the only one
        assert finding["target"]["status"]["state"] == ("satisfied" if ok else "not-satisfied")


@SQLITE_ONLY
def test_window_selects_results(world: World, tmp_path: Path) -> None:
    files = _export(world, tmp_path / "before", Window(date(2020, 1, 1), date(2020, 12, 31)))
    (outcome,) = files["assessment-results.json"]["assessment-results"]["results"]
    assert "observations" not in outcome
    assert "findings" not in outcome
    assert outcome["start"] == "2020-01-01T00:00:00Z"
    day = world.collected_on
    files = _export(world, tmp_path / "today", Window(day, day))
    (outcome,) = files["assessment-results.json"]["assessment-results"]["results"]
    assert len(outcome["findings"]) == len({r.control_id for r in _rows(world)})


@SQLITE_ONLY
def test_two_exports_of_the_same_data_are_byte_identical(world: World, tmp_path: Path) -> None:
    _export(world, tmp_path / "a")
    _export(world, tmp_path / "b")
    for name in MODELS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@SQLITE_ONLY
def test_a_file_in_the_way_is_refused(world: World, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("x")
    with pytest.raises(InputError, match="not a directory"):
        _export(world, blocker)


@SQLITE_ONLY
def test_trestle_resolves_the_profile_to_every_control(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from trestle.core.profile_resolver import ProfileResolver

    out = tmp_path / "oscal"
    _export(world, out)
    workspace = tmp_path / "trestle"
    (workspace / ".trestle").mkdir(parents=True)
    # trestle reads a relative import href from the working directory.
    monkeypatch.chdir(out)
    resolved = ProfileResolver.get_resolved_profile_catalog(workspace, str(out / "profile.json"))
    controls = [c for g in resolved.groups or [] for c in g.controls or []]
    assert sorted(c.id for c in controls) == sorted(c.id for c in world.catalog.controls)
