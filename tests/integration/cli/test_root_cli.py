"""The root commands (version, init, db) through the Typer runner and the installed script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiattest import __version__
from aiattest.cli.app import app, main
from aiattest.store import head_revision

SCRIPT = Path(sys.executable).with_name("aiattest")
runner = CliRunner()


def test_version_json() -> None:
    result = runner.invoke(app, ["version", "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"version": __version__}


def test_init_is_idempotent(tmp_path: Path) -> None:
    env = {"AIATTEST_DATA_DIR": str(tmp_path / "data")}
    first = runner.invoke(app, ["init", "--org", "Acme AI", "--json"], env=env)
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert report["organisation"] == "acme-ai"
    assert report["organisation_created"] is True
    assert report["revision"] == head_revision()
    assert (tmp_path / "data" / "aiattest.db").is_file()
    second = runner.invoke(app, ["init", "--org", "Other", "--json"], env=env)
    assert json.loads(second.stdout)["organisation_created"] is False
    assert json.loads(second.stdout)["organisation"] == "acme-ai"


def test_db_current_before_and_after_upgrade(sqlite_url: str) -> None:
    env = {"AIATTEST_DATABASE_URL": sqlite_url}
    before = json.loads(runner.invoke(app, ["db", "current", "--json"], env=env).stdout)
    assert before == {"current": None, "head": head_revision(), "up_to_date": False}
    assert runner.invoke(app, ["db", "upgrade"], env=env).exit_code == 0
    after = json.loads(runner.invoke(app, ["db", "current", "--json"], env=env).stdout)
    assert after["up_to_date"] is True


def test_bad_setting_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AIATTEST_REDIS_URL", "http://nope")
    with pytest.raises(SystemExit) as info:
        main(["init"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: invalid setting redis_url (from environment variable")
    assert "Traceback" not in err


def test_unknown_revision_exits_2(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    os.environ["AIATTEST_DATABASE_URL"] = sqlite_url
    try:
        with pytest.raises(SystemExit) as info:
            main(["db", "upgrade", "nope"])
    finally:
        del os.environ["AIATTEST_DATABASE_URL"]
    assert info.value.code == 2
    assert "nope" in capsys.readouterr().err


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(SCRIPT), *args], check=False, capture_output=True, text=True, env=full_env, timeout=120
    )


def test_installed_entry_point_runs_init_and_version(tmp_path: Path) -> None:
    assert SCRIPT.is_file(), "the package must be installed in the venv running the tests"
    version = _run("version")
    assert version.returncode == 0
    assert version.stdout.strip() == f"aiattest {__version__}"
    init = _run("init", "--json", env={"AIATTEST_DATA_DIR": str(tmp_path / "d")})
    assert init.returncode == 0, init.stderr
    assert json.loads(init.stdout)["revision"] == head_revision()
    bad = _run("--debug", "db", "upgrade", "nope", env={"AIATTEST_DATA_DIR": str(tmp_path / "d")})
    assert bad.returncode == 2
    assert "Traceback" in bad.stderr  # --debug shows it


@pytest.mark.postgres
def test_db_upgrade_on_postgres_via_env(postgres_url: str) -> None:
    result = _run("db", "upgrade", env={"AIATTEST_DATABASE_URL": postgres_url})
    assert result.returncode == 0, result.stderr
    assert head_revision() in result.stdout
