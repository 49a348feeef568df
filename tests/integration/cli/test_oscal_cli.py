"""``aiattest oscal export`` through the CLI on SQLite: the example organisation, one real
check run, five files, the same bytes twice for the same timestamp, clear usage errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from aiattest.catalog import load_catalog
from aiattest.cli.app import app, exit_code_for
from aiattest.config import load_settings
from aiattest.errors import Error
from aiattest.evidence.runner import collect
from aiattest.governance.unit import organisation_id
from aiattest.ledger import Ledger
from aiattest.store import Database

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
FILES = ["catalog.json", "profile.json", "component-definition.json", "ssp.json",
         "assessment-results.json"]  # fmt: skip
runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _ok(*args: str) -> Any:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def _exit_code(result: Result) -> int:
    """The exit code ``main`` gives: library errors escape the runner and are mapped there."""
    if isinstance(result.exception, Error):
        return exit_code_for(result.exception)
    return result.exit_code


@pytest.fixture
def northwind() -> None:
    """``init`` and ``apply`` the example file in the test's directory, then one real
    check run (vendor assurance) stored by the evidence runner."""
    _ok("init", "--org", "Northwind")
    _ok("apply", "-f", str(EXAMPLE), "--actor", "dana")
    settings = load_settings()
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    try:
        with db.session() as session:
            org = organisation_id(session, "northwind")
        collect(db, ledger, settings, load_catalog(), org, at=datetime.now(UTC),
                controls=["vendor-risk-management"])  # fmt: skip
    finally:
        ledger.close()
        db.dispose()


def test_export_writes_five_files(northwind: None, tmp_path: Path) -> None:
    out = tmp_path / "oscal"
    summary = _ok("oscal", "export", "-o", str(out), "--org", "northwind", "--json",
                  "--timestamp", "2026-11-28T12:00:00Z")  # fmt: skip
    assert summary["files"] == FILES
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)
    assert summary["controls"] == len(load_catalog().controls)
    assert summary["components"] == 7  # gateway, 2 systems, 3 models, 1 knowledge base
    assert summary["observations"] == 1
    assert summary["findings"] == 1
    assert summary["oscal_version"] == "1.1.2"
    results = json.loads((out / "assessment-results.json").read_text("utf-8"))
    (outcome,) = results["assessment-results"]["results"]
    (finding,) = outcome["findings"]
    assert finding["target"]["target-id"] == "vendor-risk-management_smt"
    meta = results["assessment-results"]["metadata"]
    assert meta["last-modified"] == "2026-11-28T12:00:00Z"

    text = _ok("oscal", "export", "-o", str(tmp_path / "again"), "--org", "northwind",
               "--timestamp", "2026-11-28T12:00:00Z")  # fmt: skip
    assert "1 observations, 1 findings" in text
    for name in FILES:
        assert (out / name).read_bytes() == (tmp_path / "again" / name).read_bytes()


def test_window_without_results(northwind: None, tmp_path: Path) -> None:
    # No --org: northwind is the only organisation (init named the same one).
    summary = _ok("oscal", "export", "-o", str(tmp_path / "o"),
                  "--window", "2020-01-01..2020-03-31", "--json")  # fmt: skip
    assert (summary["observations"], summary["findings"]) == (0, 0)
    assert summary["window"] == "2020-01-01..2020-03-31"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--window", "2026-01-01"], "must look like"),
        (["--window", "2026-02-01..2026-01-01"], "before it starts"),
        (["--timestamp", "yesterday"], "not an ISO date-time"),
        (["--org", "nobody"], "no organisation 'nobody'"),
    ],
)
def test_usage_errors_exit_2(
    northwind: None, tmp_path: Path, args: list[str], message: str
) -> None:
    result = _run("oscal", "export", "-o", str(tmp_path / "o"), *args)
    assert _exit_code(result) == 2
    assert message in str(result.exception)
    assert not (tmp_path / "o").exists()
