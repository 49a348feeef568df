"""``aiattest evidence`` on a SQLite data dir: collect (now, as of a time, back-fill),
checks, results, and manual evidence; bad input exits 2 and stores nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from aiattest.cli.app import app, main
from aiattest.config import load_settings
from aiattest.evidence.registry import REGISTRY
from aiattest.gateway.keys import create_key
from aiattest.ledger import EntryKind, Ledger
from aiattest.roles import Role
from aiattest.store import Database

cli = CliRunner()


def run(*args: str, code: int = 0) -> Any:
    result = cli.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run through ``main`` (errors to exit codes); the one-line error."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    return err


def entries(kind: EntryKind) -> int:
    db = Database(load_settings(None).db_url)
    try:
        with Ledger.from_settings(db, load_settings(None)) as ledger:
            return sum(1 for _ in ledger.scan(kind))
    finally:
        db.dispose()


def test_collect_results_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    run("init", "--org", "Acme")
    db = Database(load_settings(None).db_url)
    try:
        create_key(db, principal="svc", role=Role.CONSUMER, tenant="acme")
    finally:
        db.dispose()
    done = run("evidence", "collect", "--control", "rbac-separate-roles", "--json")
    assert sorted(r["check"] for r in done) == ["api-key-roles", "api-key-rotation"]
    assert {r["status"] for r in done} == {"pass"}
    assert all(r["controls"] == ["rbac-separate-roles"] for r in done)
    # No access review closed this quarter: the check fails and collect exits 1.
    failed = run("evidence", "collect", "-c", "access-reviews", "--json", code=1)
    assert [(r["check"], r["status"]) for r in failed] == [("access-review-quarterly", "fail")]
    text = run("evidence", "collect", "-c", "access-reviews", code=1)
    assert "access-review-quarterly" in text
    assert "1 not passed" in text
    # As of a past time: the key did not exist yet.
    past = run("evidence", "collect", "-c", "rbac-separate-roles", "--at", "2026-01-05", "--json")
    assert {r["period"][0] for r in past} == {"2026-01-05"}
    assert {r["population"] for r in past} == {0}
    # Back-fill: one run per check per day of the window.
    filled = run("evidence", "collect", "-c", "rbac-separate-roles",
                 "--window", "2026-02-01..2026-02-05", "--json")  # fmt: skip
    assert len(filled) == 10
    assert entries(EntryKind.CONTROL_RESULT) == 2 + 1 + 1 + 2 + 10
    latest = run("evidence", "results", "--control", "rbac-separate-roles", "--json")
    assert [(r["check"], r["period"][0]) for r in latest] == [
        ("api-key-roles", done[0]["period"][0]),
        ("api-key-rotation", done[0]["period"][0]),
    ]  # the latest as-of time, not the last back-filled day
    assert "access-reviews" in {r["control"] for r in run("evidence", "results", "--json")}
    assert "latest results" in run("evidence", "results")

    assert "--at 'noon'" in refused(capsys, "evidence", "collect", "--at", "noon")
    assert "window" in refused(capsys, "evidence", "collect", "--window", "2026-02-05..2026-02-01")
    assert "no control" in refused(capsys, "evidence", "collect", "-c", "no-such-control")
    assert "no automated checks" in refused(capsys, "evidence", "collect", "-c", "risk-assessment")
    assert "not both" in refused(
        capsys, "evidence", "collect", "--at", "2026-01-05", "--window", "2026-02-01..2026-02-02"
    )
    assert entries(EntryKind.CONTROL_RESULT) == 16  # refusals stored nothing


def test_checks_lists_the_registry() -> None:
    rows = run("evidence", "checks", "--json")
    assert [r["id"] for r in rows] == sorted(REGISTRY)
    gated = next(r for r in rows if r["id"] == "model-deployments-gated")
    assert gated["events"] is True
    assert "model-change-management" in gated["controls"]
    assert gated["doc"].endswith(".")


def test_manual_evidence_requests_upload_files(capsys: pytest.CaptureFixture[str]) -> None:
    run("init", "--org", "Acme")
    created = run("evidence", "requests", "--create", "--owner", "risk-assessment=Ann", "--json")
    risk = next(r for r in created if r["control"] == "risk-assessment")
    assert (risk["owner"], risk["status"]) == ("Ann", "open")
    again = run("evidence", "requests", "--create")
    assert "0 request(s) opened" in again

    with open("risk-2026.pdf", "wb") as handle:
        handle.write(b"%PDF-1.4 the annual risk assessment")
    stored = run("evidence", "upload", "risk-assessment", "risk-2026.pdf", "--by", "Ann",
                 "--covers-from", "2026-01-01", "--expires", "2027-01-31", "--json")  # fmt: skip
    assert stored["fulfilled"] == [risk["id"]]
    assert (stored["covers_from"], stored["expires_on"]) == ("2026-01-01", "2027-01-31")
    still_open = run("evidence", "requests", "--open", "--json")
    assert "risk-assessment" not in [r["control"] for r in still_open]
    assert len(still_open) == len(created) - 1
    listed = run("evidence", "files", "--json")
    assert [(f["control"], f["filename"], f["uploaded_by"]) for f in listed] == [
        ("risk-assessment", "risk-2026.pdf", "Ann")
    ]
    assert entries(EntryKind.EVIDENCE) == 1

    with open("empty.txt", "wb"):
        pass
    assert "is empty" in refused(capsys, "evidence", "upload", "risk-assessment", "empty.txt")
    assert "not a file" in refused(capsys, "evidence", "upload", "risk-assessment", "gone.pdf")
    assert "no control" in refused(capsys, "evidence", "upload", "nope", "risk-2026.pdf")
    dates = ("--covers-from", "2026-06-01", "--expires", "2026-05-01")
    assert "expires" in refused(
        capsys, "evidence", "upload", "risk-assessment", "risk-2026.pdf", *dates
    )
    assert "CONTROL=PERSON" in refused(capsys, "evidence", "requests", "--create", "--owner", "x")
    assert entries(EntryKind.EVIDENCE) == 1
    assert len(run("evidence", "files", "--json")) == 1
