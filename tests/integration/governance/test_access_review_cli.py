"""``aiattest access-review`` through the CLI on a SQLite data dir: a campaign over principals
and gateway keys, refused decisions exit 2, revocations reach the gateway, all ledgered."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from aiattest.cli.app import app, main
from aiattest.config import load_settings
from aiattest.gateway.keys import create_key, verify_key
from aiattest.governance.recorder import record_hash
from aiattest.ledger import EntryKind, Ledger
from aiattest.roles import Role
from aiattest.store import Database

runner = CliRunner()


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def refused(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run through ``main`` (which maps errors to exit codes); return the error text."""
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    return err


def review_entries(db: Database) -> list[dict[str, Any]]:
    """Payloads of the ledger's access review entries, oldest first (the log verifies)."""
    with Ledger.from_settings(db, load_settings(None)) as ledger:
        ledger.verify()
        records = [e.record() for e in ledger.tail(100)]
    return [
        r["payload"]
        for r in records
        if r["kind"] == EntryKind.REGISTER_CHANGE.value
        and r["payload"]["entity_type"] == "access_review"
    ]


def test_campaign_revokes_a_gateway_key(capsys: pytest.CaptureFixture[str]) -> None:
    run("init", "--org", "Acme")
    db = Database(load_settings(None).db_url)
    try:
        keys = {
            name: create_key(db, principal=name, role=role, tenant="acme")
            for name, role in (("ana", Role.ADMIN), ("bo", Role.ADMIN), ("bot", Role.CONSUMER))
        }
        bot_key, bot_info = keys["bot"]
        assert verify_key(db, bot_key) is not None

        opened = run("access-review", "open", "2026-Q4", "--reviewer", "ana", "--actor", "ana",
                     "--system", "support-assistant", "--due", "2026-12-15", "--json")  # fmt: skip
        assert (opened["status"], opened["due_on"]) == ("open", "2026-12-15")
        subjects = [(i["kind"], i["subject"], i["roles"]) for i in opened["items"]]
        assert subjects == sorted(
            [("principal", n, [r.value]) for n, r in
             (("ana", Role.ADMIN), ("bo", Role.ADMIN), ("bot", Role.CONSUMER))]
            + [("api_key", info.key_id, [info.role]) for _key, info in keys.values()]
        )  # fmt: skip

        # Refusals: each exits 2 and writes nothing.
        decide = ("access-review", "decide", "2026-Q4")
        err = refused(capsys, *decide, "--kind", "principal", "--subject", "ana",
                      "--decision", "keep", "--as", "ana")  # fmt: skip
        assert err.splitlines()[0] == "error: ana cannot review their own access"
        # ana's API key is hers too: she may not keep it herself.
        ana_key_id = next(i["subject"] for i in opened["items"]
                          if i["kind"] == "api_key" and i["holder"] == "ana")  # fmt: skip
        err = refused(capsys, *decide, "--kind", "api_key", "--subject", ana_key_id,
                      "--decision", "keep", "--as", "ana")  # fmt: skip
        assert err.splitlines()[0] == "error: ana cannot review their own access"
        err = refused(capsys, *decide, "--kind", "api_key", "--subject", bot_info.key_id,
                      "--decision", "revoke", "--as", "ana")  # fmt: skip
        assert err == "error: a revocation needs a reason\n"
        err = refused(capsys, "access-review", "show", "2025-Q4")
        assert err == "error: no access review '2025-Q4'\n"
        err = refused(capsys, "access-review", "close", "2026-Q4")
        assert err.splitlines()[0] == "error: access review 2026-Q4 has 6 undecided subject(s)"

        for item in opened["items"]:
            revoke = item["subject"] == bot_info.key_id
            by = "bo" if item["holder"] == "ana" else "ana"
            run(*decide, "--kind", item["kind"], "--subject", item["subject"], "--decision",
                "revoke" if revoke else "keep", "--as", by,
                *(["--reason", "bot retired"] if revoke else []))  # fmt: skip
        # Deciding is not revoking: the key works until the campaign closes.
        assert verify_key(db, bot_key) is not None
        listed = run("access-review", "list")
        assert "2026-Q4  open  reviewer ana  6/6 decided" in listed

        closed = run("access-review", "close", "2026-Q4", "--actor", "ana")
        assert closed.strip() == f"closed 2026-Q4: 1 revoked (api_key/{bot_info.key_id})"
        assert verify_key(db, bot_key) is None
        assert verify_key(db, keys["ana"][0]) is not None  # kept keys keep working
        assert verify_key(db, keys["bo"][0]) is not None

        shown = run("access-review", "show", "2026-Q4", "--json")
        assert shown["status"] == "closed"
        bot_item = next(i for i in shown["items"] if i["subject"] == bot_info.key_id)
        assert (bot_item["decision"], bot_item["reason"], bot_item["applied"]) == (
            "revoke", "bot retired", True
        )  # fmt: skip
        ana_item = next(i for i in shown["items"] if i["subject"] == "ana")
        assert (ana_item["decision"], ana_item["decided_by"]) == ("keep", "bo")
        assert [r["name"] for r in run("access-review", "list", "--json")] == ["2026-Q4"]
        text = run("access-review", "show", "2026-Q4")
        assert f"api_key/{bot_info.key_id} [consumer] revoke by ana: bot retired (applied)" in text

        # Every write is one ledger entry, refusals none; the last holds the final state.
        entries = review_entries(db)
        assert [e["action"] for e in entries] == ["create"] + ["decide"] * 6 + ["close"]
        assert len({e["entity_id"] for e in entries}) == 1
        assert entries[-1]["after"] == record_hash(shown)
        assert [e["before"] for e in entries[1:]] == [e["after"] for e in entries[:-1]]
    finally:
        db.dispose()


def test_open_twice_and_closed_campaign_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    run("init")
    run("access-review", "open", "q1", "--reviewer", "nobody")  # no subjects yet
    err = refused(capsys, "access-review", "open", "q1", "--reviewer", "nobody")
    assert err == "error: access review q1 exists already\n"
    assert run("access-review", "close", "q1").startswith("closed q1: 0 revoked")
    err = refused(capsys, "access-review", "close", "q1")
    assert err == "error: access review q1 is closed\n"
