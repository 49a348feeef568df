"""Register services on the real store: declare is create / update / no-op, every write
yields a register change with before/after hashes, lists filter and page."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from aiattest.errors import NotFoundError
from aiattest.governance import registers
from aiattest.governance.schemas import (
    IncidentSpec,
    ModelSpec,
    SystemSpec,
)
from aiattest.governance.unit import unit_of_work
from aiattest.store import Database
from tests.integration.governance.conftest import SQLITE_ONLY, ListRecorder

MODELS = registers.REGISTERS["models"]


def model(**extra: object) -> ModelSpec:
    return ModelSpec.model_validate(
        {"name": "support-bot", "version": "2", "provider": "openai", "system": "helpdesk",
         "owners": ["ml-team"], "risk_assessment": {"personal_data": "personal"}, **extra}
    )  # fmt: skip


def test_declare_create_update_unchanged(
    db: Database, org: uuid.UUID, recorder: ListRecorder
) -> None:
    with unit_of_work(db, recorder) as (session, journal):
        diff, change = registers.declare(session, MODELS, org, model(), "alice")
        journal.add(change)
    assert diff.action == "create"
    assert change is not None
    assert change.before_hash is None
    assert change.after_hash
    with db.session() as session:
        row = registers.get(session, MODELS, org, ("support-bot", "2"))
        assert (row.risk_tier, row.risk_rule) == ("medium", "M1")
        assert row.risk_rationale == "M1: processes personal data"
        assert row.status == "development"  # managed field left at its default

    with unit_of_work(db, recorder) as (session, journal):
        diff, again = registers.declare(session, MODELS, org, model(), "alice")
        journal.add(again)
    assert diff.action == "unchanged"
    assert again is None

    changed = model(risk_assessment={"automated_decisions": True}, risk_notes="credit limits")
    with unit_of_work(db, recorder) as (session, journal):
        diff, update = registers.declare(session, MODELS, org, changed, "bob")
        journal.add(update)
    assert diff.action == "update"
    assert set(diff.fields) == {"risk_assessment", "risk_notes"}
    assert update is not None
    assert update.before_hash == change.after_hash
    assert update.after_hash != update.before_hash
    with db.session() as session:
        row = registers.get(session, MODELS, org, ("support-bot", "2"))
        assert row.risk_tier == "high"
        assert registers.spec_of(MODELS, row) == changed.model_copy(
            update={"status": "development", "rollout_percent": 0}
        )
    assert [c.action for c in recorder.changes] == ["create", "update"]
    assert {c.entity_id for c in recorder.changes} == {str(row.id)}


def test_managed_field_is_compared_when_declared(db: Database, org: uuid.UUID) -> None:
    with db.session() as session:
        registers.declare(session, MODELS, org, model(), "alice")
    with db.session() as session:
        diff, _ = registers.declare(session, MODELS, org, model(status="production"), "alice")
    assert diff.fields == {"status": ("development", "production")}


def test_datetimes_compare_in_utc(db: Database, org: uuid.UUID) -> None:
    kind = registers.REGISTERS["incidents"]
    spec = IncidentSpec.model_validate(
        {"name": "INC-1", "title": "Injection via upload", "type": "prompt-injection",
         "severity": "sev2", "owner": "sec", "opened_at": "2026-11-02T10:00:00+02:00",
         "timeline": [{"at": "2026-11-02T10:05:00+02:00", "entry": "blocked at gateway"}]}
    )  # fmt: skip
    with db.session() as session:
        registers.declare(session, kind, org, spec, "sec")
    with db.session() as session:
        diff, change = registers.declare(session, kind, org, spec, "sec")
        row = registers.get(session, kind, org, ("INC-1",))
    assert diff.action == "unchanged"
    assert change is None
    assert row.opened_at == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


@SQLITE_ONLY
def test_list_filter_page_delete(db: Database, org: uuid.UUID, recorder: ListRecorder) -> None:
    kind = registers.REGISTERS["systems"]
    with unit_of_work(db, recorder) as (session, journal):
        for i, tier in enumerate(["critical", "standard", "critical"]):
            spec = SystemSpec(name=f"sys-{i}", sla_tier=tier, automated_decisions=i == 0)
            journal.add(registers.declare(session, kind, org, spec, "alice")[1])
    with db.session() as session:
        rows, total = registers.page(session, kind, org, filters={"sla_tier": "critical"}, limit=1)
        assert total == 2
        assert [r.name for r in rows] == ["sys-0"]
        assert rows[0].automated_decisions is True
        with pytest.raises(NotFoundError, match="cannot be filtered by 'owner'"):
            registers.page(session, kind, org, filters={"owner": "x"})
    with unit_of_work(db, recorder) as (session, journal):
        journal.add(registers.delete(session, kind, org, ("sys-1",), "alice"))
    assert recorder.changes[-1].action == "delete"
    assert recorder.changes[-1].after_hash is None
    with db.session() as session, pytest.raises(NotFoundError, match="no system 'sys-1'"):
        registers.get(session, kind, org, ("sys-1",))


@SQLITE_ONLY
def test_failed_unit_records_nothing(db: Database, org: uuid.UUID, recorder: ListRecorder) -> None:
    def write_then_fail() -> None:
        with unit_of_work(db, recorder) as (session, journal):
            journal.add(registers.declare(session, MODELS, org, model(), "alice")[1])
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert recorder.changes == []
    with db.session() as session:
        assert registers.find(session, MODELS, org, ("support-bot", "2")) is None
