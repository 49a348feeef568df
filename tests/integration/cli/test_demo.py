"""``aiattest demo`` initialises a data dir and reports full catalog coverage."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from aiattest.cli.app import app


def test_demo_reports_61_of_61_criteria(tmp_path: Path) -> None:
    env = {"AIATTEST_DATA_DIR": str(tmp_path / "demo-data")}
    result = CliRunner().invoke(app, ["demo", "--no-serve", "--json"], env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["summary"]["criteria_covered"] == report["summary"]["criteria_total"] == 61
    assert report["summary"]["risks_covered"] == report["summary"]["risks_total"]
    per_category = {row["category"]: row for row in report["by_category"]}
    assert per_category["security"]["criteria_total"] == 33
    assert per_category["privacy"]["criteria_total"] == 18
    assert sum(row["criteria_total"] for row in per_category.values()) == 61
    assert (tmp_path / "demo-data" / "aiattest.db").is_file()


def test_demo_human_output_names_next_steps(tmp_path: Path) -> None:
    env = {"AIATTEST_DATA_DIR": str(tmp_path / "d")}
    result = CliRunner().invoke(app, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    assert "61/61 criteria covered" in result.stdout
    assert "Next steps" in result.stdout
