"""``aiattest audit package`` / ``aiattest audit verify`` end to end on SQLite: an initialised
deployment with the example organisation and collected check results; exit 0 when the
package verifies, 1 with the reason when it does not, 2 for bad arguments."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiattest.assess import Window
from aiattest.catalog import load_catalog
from aiattest.cli.app import app, exit_code_for
from aiattest.config import load_settings
from aiattest.errors import Error
from aiattest.evidence.runner import collect_window
from aiattest.governance.unit import organisation_id
from aiattest.ledger import Ledger
from aiattest.store import Database

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
runner = CliRunner()


def cli(*args: str) -> tuple[int, str]:
    """Exit code and output, mapping errors to exit codes the way ``main`` does."""
    result = runner.invoke(app, list(args))
    if isinstance(result.exception, Error):
        return exit_code_for(result.exception), result.exception.message
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


@pytest.fixture
def window() -> str:
    """Yesterday and today, with the RBAC control's checks collected for both."""
    assert cli("init", "--org", "Acme")[0] == 0
    code, out = cli("apply", "-f", str(EXAMPLE))
    assert code == 0, out
    settings = load_settings()
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    now = datetime.now(UTC)
    span = Window(now.date() - timedelta(days=1), now.date())
    try:
        with db.session() as session:
            org = organisation_id(session, "northwind")
        collect_window(db, ledger, settings, load_catalog(), org, span,
                       controls=["rbac-separate-roles"], now=now)  # fmt: skip
    finally:
        ledger.close()
        db.dispose()
    return f"{span.start}..{span.end}"


def test_package_then_verify(window: str, tmp_path: Path) -> None:
    code, out = cli("audit", "package", "--window", window, "-o", "pkg.zip",
                    "--org", "northwind", "--json")  # fmt: skip
    assert code == 0, out
    built = json.loads(out)
    assert built["check_results"] > 0
    assert built["entries"] == built["end_index"] - built["first_index"] > 0
    fingerprint = built["key_fingerprint"]

    code, out = cli("audit", "verify", "pkg.zip", "--key", fingerprint, "--json")
    assert code == 0, out
    verified = json.loads(out)
    assert verified["ok"] is True
    assert verified["key_pinned"] is True
    assert verified["entries"] == built["entries"]
    code, out = cli("audit", "verify", "pkg.zip")
    assert code == 0
    assert "package verifies" in out
    assert "NOT pinned" in out

    # A check result edited after the fact: exit 1, and the reason names the file.
    with zipfile.ZipFile("pkg.zip") as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    files["evidence/check-results.jsonl"] = files["evidence/check-results.jsonl"].replace(
        b'"status":"', b'"status":"x', 1
    )
    with zipfile.ZipFile("bad.zip", "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    code, out = cli("audit", "verify", "bad.zip", "--json")
    assert code == 1
    failure = json.loads(out)
    assert failure["ok"] is False
    assert failure["error"].startswith("evidence/check-results.jsonl:")
    code, out = cli("audit", "verify", "pkg.zip", "--key", "sha256:" + "0" * 64)
    assert code == 1
    assert "is not the pinned key" in out


def test_bad_arguments_exit_2(window: str) -> None:
    assert cli("audit", "package", "--window", "2026-13-01..x", "-o", "p.zip")[0] == 2
    assert cli("audit", "package", "--window", window, "-o", "p.zip", "--org", "nobody")[0] == 2
    assert cli("audit", "package", "--window", window)[0] == 2  # no -o
    assert cli("audit", "verify", "missing.zip")[0] == 2
    assert not Path("p.zip").exists()
