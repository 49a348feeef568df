"""Register writes land in the real ledger as register_change entries, with the actor
sealed (no personal data in clear)."""

from __future__ import annotations

import uuid

from aiattest.config.ledger import LedgerSettings
from aiattest.governance import registers
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.governance.schemas import SystemSpec
from aiattest.governance.unit import unit_of_work
from aiattest.ledger import Ledger
from aiattest.store import Database


def test_register_change_entries(db: Database, org: uuid.UUID) -> None:
    ledger = Ledger(db, LedgerSettings())
    recorder = LedgerRecorder(ledger, clock=lambda: 1_790_000_000.0)
    kind = registers.REGISTERS["systems"]
    try:
        with unit_of_work(db, recorder) as (session, journal):
            journal.add(registers.declare(session, kind, org, SystemSpec(name="helpdesk"),
                                          "alice@example.com")[1])  # fmt: skip
        with unit_of_work(db, recorder) as (session, journal):
            spec = SystemSpec(name="helpdesk", owners=["alice@example.com"])
            journal.add(registers.declare(session, kind, org, spec, "alice@example.com")[1])
        assert journal.indices == [1]
        # A batch lands in one transaction with consecutive indices.
        more = [journal.changes[0], journal.changes[0]]
        assert recorder.record_many(more) == [2, 3]
        assert recorder.record_many([]) == []
        entries = [ledger.entry(i) for i in range(2)]
    finally:
        ledger.close()
    records = [e.record() for e in entries]
    assert [r["kind"] for r in records] == ["register_change", "register_change"]
    created, updated = (r["payload"] for r in records)
    assert (created["entity_type"], created["action"], created["before"]) == (
        "system", "create", None,
    )  # fmt: skip
    assert updated["before"] == created["after"]
    assert updated["after"] != updated["before"]
    assert created["organisation"] == str(org)
    assert records[0]["ts"] == 1_790_000_000_000
    assert records[0]["subjects"] == [f"system:{created['entity_id']}"]
    assert set(records[0]["sealed"]) == {"actor"}
    assert all(b"alice" not in e.body for e in entries)
