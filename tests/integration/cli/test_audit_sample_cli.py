"""``aiattest audit sample`` on a SQLite data dir: deployments made through the change
workflow and uploads become populations; the same seed gives the same sample files."""

from __future__ import annotations

import csv
import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from aiattest.catalog import load_catalog
from aiattest.cli.app import app, main
from aiattest.config import load_settings
from aiattest.evidence import manual
from aiattest.ledger import Ledger
from aiattest.store import Database
from aiattest.store.models import Organisation
from tests.integration.evidence import builders_governance as b
from tests.integration.evidence.conftest import EvidenceEnv

cli = CliRunner()
WINDOW = "2026-11-01..2026-11-30"


def run(*args: str) -> Any:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def rows(path: Path) -> list[dict[str, str]]:
    with path.open() as handle:
        return list(csv.DictReader(handle))


def _world(tmp_path: Path) -> None:
    """Acme with three production deployments and nine weekly review records."""
    run("init", "--org", "Acme")
    settings = load_settings(None)
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    try:
        with db.session() as session:
            org: uuid.UUID = session.scalar(select(Organisation.id))
        env = EvidenceEnv(db, ledger, settings, org, settings.data_dir)
        for n, day in enumerate(("2026-11-03", "2026-11-10", "2026-11-24"), start=1):
            b.model(env, "ranker", str(n))
            b.eval_run(env, f"ev-{n}", f"ranker@{n}", f"{day}T01:00")
            b.change(env, f"CHG-{n}", f"ranker@{n}", b.gated(f"ev-{n}", f"{day}T09:00"),
                     risk_tier="low")  # fmt: skip
        catalog = load_catalog()
        for week in range(9):
            note = tmp_path / f"review-{week}.txt"
            note.write_text(f"human review of week {week}: 50 outputs read")
            start = datetime(2026, 10, 5, tzinfo=UTC) + timedelta(weeks=week)
            manual.upload(db, ledger, settings, catalog, org,
                          manual.Upload("human-review-sampling", note, "ml-lead",
                                        covers_from=start.date(),
                                        expires_on=(start + timedelta(days=6)).date()),
                          now=start + timedelta(days=6))  # fmt: skip
    finally:
        ledger.close()
        db.dispose()


def test_sample_writes_populations_and_is_reproducible(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _world(tmp_path)
    controls = ("-c", "model-change-management", "-c", "human-review-sampling",
                "-c", "software-change-management")  # fmt: skip
    out = run("audit", "sample", "--window", WINDOW, "--seed", "a", "-o", "first", *controls,
              "--json")  # fmt: skip
    summary = {r["control"]: r for r in out["controls"]}
    assert summary["model-change-management"]["population"] == 3
    deployments = rows(Path("first/populations/model-change-management.csv"))
    assert [r["ref"] for r in deployments] == ["CHG-1:ranker@1", "CHG-2:ranker@2",
                                               "CHG-3:ranker@3"]  # fmt: skip
    # The weekly records whose weeks overlap November: 26 Oct to 30 Nov.
    weekly = summary["human-review-sampling"]
    assert (weekly["population"], weekly["sample_size"]) == (6, 5)
    assert summary["software-change-management"]["sample_size"] == 1
    assert "tested separately" in summary["software-change-management"]["note"]
    assert rows(Path("first/samples.csv"))[0].keys() == {
        "control",
        "frequency",
        "automation",
        "population",
        "sample_size",
        "note",
    }

    run("audit", "sample", "--window", WINDOW, "--seed", "a", "-o", "again", *controls)
    run("audit", "sample", "--window", WINDOW, "--seed", "b", "-o", "other", *controls)
    name = "samples/human-review-sampling.csv"
    assert Path("again", name).read_bytes() == Path("first", name).read_bytes()
    assert Path("other", name).read_bytes() != Path("first", name).read_bytes()
    assert len(rows(Path("first", name))) == 5

    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["audit", "sample", "--window", "2026-11", "--seed", "a", "-o", "bad"])
    assert exit_info.value.code == 2
    assert "window" in capsys.readouterr().err
    assert not Path("bad").exists()
