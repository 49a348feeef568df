"""``aiattest assess`` on a SQLite data dir: the readiness table, full JSON, a Type II
window with a hole in the evidence, the roadmap SVG, and refused input (exit 2)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aiattest.assess import Window
from aiattest.catalog import load_catalog
from aiattest.cli.app import app, main
from aiattest.config import load_settings
from aiattest.evidence.runner import collect_window
from aiattest.ledger import Ledger
from aiattest.store import Database
from aiattest.store.models import Organisation

runner = CliRunner()


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def collect(days: list[str]) -> None:
    """Run encryption-transit-rest's checks with the real runner on each of ``days``."""
    settings = load_settings(None)
    db = Database(settings.db_url)
    try:
        with db.session() as session:
            org = session.query(Organisation).one().id
        with Ledger.from_settings(db, settings) as ledger:
            for d in days:
                one = Window(date.fromisoformat(d), date.fromisoformat(d))
                collect_window(db, ledger, settings, load_catalog(), org, one,
                               controls=["encryption-transit-rest"],
                               now=datetime(2026, 6, 10, tzinfo=UTC))  # fmt: skip
    finally:
        db.dispose()


def test_type_one_table_json_and_roadmap(tmp_path: Path) -> None:
    run("init", "--org", "Acme")
    text = run("assess", "--as-of", "2026-06-10")
    assert "Type 1 readiness on 2026-06-10" in text
    for word in ("security", "availability", "processing_integrity", "privacy", "overall"):
        assert word in text
    assert "top gaps (10 of 72)" in text
    data = run("assess", "--as-of", "2026-06-10", "--json")
    assert (data["organisation"], data["type"], data["window"]) == ("acme", "1", None)
    assert len(data["controls"]) == len(data["gaps"]) == 72
    assert [c["category"] for c in data["categories"]] == [
        "security", "availability", "processing_integrity", "confidentiality", "privacy",
    ]  # fmt: skip
    assert data["roadmap"][0] == {
        "name": "Gap assessment",
        "start": "2026-06-10",
        "end": "2026-08-09",
        "days": 61,
        "note": "72 of 72 controls not ready: 61 days x 100% = 61 days",
    }
    svg = tmp_path / "roadmap.svg"
    run("assess", "--as-of", "2026-06-10", "--roadmap-svg", str(svg))
    root = ET.fromstring(svg.read_text(encoding="utf-8"))  # noqa: S314 (our own output)
    bars = root.findall(".//{http://www.w3.org/2000/svg}rect[@class='bar']")
    assert len(bars) == len(data["roadmap"])


def test_type_two_window_shows_the_missing_day() -> None:
    run("init", "--org", "Acme")
    collect(["2026-06-01", "2026-06-02", "2026-06-04"])
    data = run("assess", "--type", "2", "--window", "2026-06-01..2026-06-04",
               "--as-of", "2026-06-10", "--org", "acme", "--json")  # fmt: skip
    assert data["window"] == ["2026-06-01", "2026-06-04"]
    control = next(c for c in data["controls"] if c["control_id"] == "encryption-transit-rest")
    assert control["operation"]["required"] == 4
    assert control["operation"]["passed"] == 3
    assert control["operation"]["exceptions"] == [
        {"period": "2026-06-03", "outcome": None, "refs": []}
    ]
    gap = next(g for g in data["gaps"] if g["control_id"] == "encryption-transit-rest")
    assert gap["exceptions"] == ["2026-06-03"]
    # Without --window a Type II assessment covers the 90 days before the day.
    default = run("assess", "--type", "2", "--as-of", "2026-06-10", "--json")
    assert default["window"] == ["2026-03-12", "2026-06-09"]


def test_refused_input_exits_two(capsys: pytest.CaptureFixture[str]) -> None:
    run("init", "--org", "Acme")
    assert "--type must be 1 or 2" in refused(capsys, "assess", "--type", "3")
    err = refused(capsys, "assess", "--window", "2026-01-01..2026-02-01", "--as-of", "2026-06-10")
    assert "Type II assessment only" in err
    err = refused(capsys, "assess", "--type", "2", "--window", "2026-06-01..2026-06-30",
                  "--as-of", "2026-06-10")  # fmt: skip
    assert "after the assessment day" in err
    assert "must look like" in refused(capsys, "assess", "--type", "2", "--window", "June")
    assert "no organisation" in refused(capsys, "assess", "--org", "nobody").lower()
