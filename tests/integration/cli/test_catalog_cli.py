"""``aiattest catalog`` through Typer's runner and once through the installed entry point."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner, Result

from aiattest.cli.app import app, exit_code_for, main
from aiattest.errors import CatalogError, Error, NotFoundError

runner = CliRunner()


def _run(*args: str) -> Result:
    return runner.invoke(app, list(args))


def _json(*args: str) -> Any:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _exit_code(result: Result) -> int:
    """The exit code ``main`` gives: library errors escape the runner and are mapped there."""
    if isinstance(result.exception, Error):
        return exit_code_for(result.exception)
    return result.exit_code


def _dropping_override(tmp_path: Path) -> Path:
    """A catalog_dir whose override leaves CC3.3 without a control."""
    user_dir = tmp_path / "catalog"
    user_dir.mkdir()
    (user_dir / "override.yaml").write_text(
        textwrap.dedent(
            """\
            controls:
              - id: fraud-risk-assessment
                title: Fraud review
                description: Reviews fraud.
                guidance: Yearly.
                criteria: [CC3.2]
                owner_role: compliance-lead
                frequency: annual
                nature: preventive
                automation: manual
                evidence: [review]
            """
        ),
        encoding="utf-8",
    )
    return user_dir


def test_list_controls_json() -> None:
    controls = _json("catalog", "list", "--json")
    ids = [c["id"] for c in controls]
    assert "prompt-injection-defense" in ids
    assert len(ids) == len(set(ids)) > 60
    first = controls[0]
    assert set(first) >= {"id", "criteria", "risks", "owner_role", "frequency", "crosswalks"}


def test_list_by_kind_and_category() -> None:
    privacy = _json("catalog", "list", "--kind", "criteria", "--category", "privacy", "--json")
    assert len(privacy) == 18
    assert {c["category"] for c in privacy} == {"privacy"}
    risks = _json("catalog", "list", "--kind", "risks", "--json")
    assert len(risks) == 25
    availability = _json("catalog", "list", "--category", "availability", "--json")
    assert availability
    assert all(any(c.startswith("A1.") for c in k["criteria"]) for k in availability)


def test_list_table_for_people() -> None:
    result = _run("catalog", "list", "--kind", "criteria")
    assert result.exit_code == 0
    assert "61 criteria" in result.stdout
    assert "CC9.2" in result.stdout


def test_unknown_category_is_a_usage_error() -> None:
    result = _run("catalog", "list", "--category", "bogus")
    assert result.exit_code == 2


def test_show_criterion_risk_and_control() -> None:
    criterion = _json("catalog", "show", "CC6.1", "--json")
    assert criterion["kind"] == "criterion"
    assert criterion["category"] == "security"
    assert "rbac-separate-roles" in criterion["controls"]
    risk = _json("catalog", "show", "owasp-llm01", "--json")
    assert risk["kind"] == "risk"
    assert "prompt-injection-defense" in risk["controls"]
    control = _json("catalog", "show", "prompt-injection-defense", "--json")
    assert control["kind"] == "control"
    assert "LLM01" in control["crosswalks"]["owasp_llm"]
    table = _run("catalog", "show", "multi-model-fallback")
    assert table.exit_code == 0
    assert "Multi-model fallback" in table.stdout


def test_show_unknown_id_exits_2_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    result = _run("catalog", "show", "NOPE")
    assert isinstance(result.exception, NotFoundError)
    assert _exit_code(result) == 2
    capsys.readouterr()
    with pytest.raises(SystemExit) as info:
        main(["catalog", "show", "NOPE"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == ["error: no control, criterion or AI risk with id 'NOPE'"]


def test_coverage_json_lists_every_criterion_and_risk() -> None:
    data = _json("catalog", "coverage", "--json")
    assert len(data["criteria"]) == 61
    assert all(row["controls"] for row in data["criteria"])
    assert all(row["controls"] for row in data["risks"])
    assert data["summary"]["criteria_covered"] == data["summary"]["criteria_total"] == 61
    assert data["summary"]["complete"] is True
    assert data["uncovered_criteria"] == data["uncovered_risks"] == []


def test_coverage_table() -> None:
    result = _run("catalog", "coverage")
    assert result.exit_code == 0
    assert "criteria covered 61/61" in result.stdout


def test_coverage_gap_from_catalog_dir_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIATTEST_CATALOG_DIR", str(_dropping_override(tmp_path)))
    result = _run("catalog", "coverage", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["uncovered_criteria"] == ["CC3.3"]
    assert data["summary"]["complete"] is False
    assert "uncovered: CC3.3" in result.stderr


def test_invalid_catalog_dir_is_a_usage_error(tmp_path: Path) -> None:
    user_dir = _dropping_override(tmp_path)
    config = tmp_path / "aiattest.toml"
    config.write_text(f'catalog_dir = "{user_dir.as_posix()}"\n', encoding="utf-8")
    result = _run("--config", str(config), "catalog", "list")
    assert isinstance(result.exception, CatalogError)
    assert _exit_code(result) == 2
    assert "override.yaml:2: criterion 'CC3.3' is covered by no control" in str(result.exception)


def test_catalog_dir_extends_the_listing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    user_dir = _dropping_override(tmp_path)
    text = (user_dir / "override.yaml").read_text(encoding="utf-8")
    (user_dir / "override.yaml").write_text(
        text.replace("[CC3.2]", "[CC3.2, CC3.3]").replace("fraud-risk-assessment", "fraud-desk"),
        encoding="utf-8",
    )
    monkeypatch.setenv("AIATTEST_CATALOG_DIR", str(user_dir))
    shown = _json("catalog", "show", "CC3.3", "--json")
    assert shown["controls"] == ["fraud-risk-assessment", "fraud-desk"]


def test_export_json_to_file_and_yaml_to_stdout(tmp_path: Path) -> None:
    target = tmp_path / "catalog.json"
    result = _run("catalog", "export", "--format", "json", "-o", str(target))
    assert result.exit_code == 0
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert len(exported["criteria"]) == 61
    result = _run("catalog", "export", "--format", "yaml")
    assert result.exit_code == 0
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert yaml.load(result.stdout, Loader=loader) == exported  # noqa: S506 - a safe loader


def _entry_point() -> str:
    script = Path(sys.executable).parent / "aiattest"
    found = str(script) if script.exists() else shutil.which("aiattest")
    assert found, "the aiattest entry point is not installed"
    return found


def test_installed_entry_point_coverage_and_not_found(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIATTEST_")}
    done = subprocess.run(
        [_entry_point(), "catalog", "coverage", "--json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert len(data["criteria"]) == 61
    assert all(len(row["controls"]) >= 1 for row in data["criteria"])
    assert len(data["risks"]) == 25
    assert all(len(row["controls"]) >= 1 for row in data["risks"])
    missing = subprocess.run(
        [_entry_point(), "catalog", "show", "NOPE"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "NOPE" in missing.stderr
