"""Change management on the store: a change through every state, the inventory following
it, append-only steps, and the production population for auditors."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from aiattest.errors import ConflictError
from aiattest.governance import changes, registers
from aiattest.governance.schemas import ModelSpec
from aiattest.governance.unit import unit_of_work
from aiattest.governance.workflow_specs import ChangeSpec, EvalRunSpec
from aiattest.store import Database
from tests.integration.governance.conftest import SQLITE_ONLY, ListRecorder

STEPS: list[dict[str, Any]] = [
    {"action": "evaluate", "actor": "ci", "at": "2026-11-02T09:00:00Z", "eval_run": "ev-1"},
    {"action": "approve", "actor": "omar", "at": "2026-11-02T10:00:00Z"},
    {"action": "approve", "actor": "lena", "at": "2026-11-02T11:00:00Z"},
    {"action": "stage", "actor": "ops", "at": "2026-11-03T09:00:00Z", "rollout_percent": 10},
    {"action": "promote", "actor": "ops", "at": "2026-11-04T09:00:00Z"},
    {"action": "rollback", "actor": "ops", "at": "2026-11-05T09:00:00Z", "reason": "drift"},
    {"action": "retire", "actor": "ops", "at": "2026-11-06T09:00:00Z"},
]


def _seed(db: Database, org: uuid.UUID) -> None:
    model = ModelSpec(
        name="scorer",
        version="3",
        provider="self-hosted",
        self_hosted=True,
        artifact_digest="sha256:" + "ab" * 32,
        risk_assessment={"automated_decisions": True},
    )
    run = EvalRunSpec(name="ev-1", suite="scoring", suite_version="1", dataset_hash="h" * 8,
                      target="scorer@3", metrics={"f1": 0.91}, thresholds={"f1": 0.9},
                      run_at=datetime(2026, 11, 2, 8, tzinfo=UTC))  # fmt: skip
    with db.session() as session:
        registers.declare(session, registers.REGISTERS["models"], org, model, "alice")
        registers.declare(session, registers.REGISTERS["eval_runs"], org, run, "ci")


def spec(n: int) -> ChangeSpec:
    return ChangeSpec.model_validate(
        {"name": "CHG-1", "subject_kind": "model", "subject": "scorer@3", "requester": "rita",
         "proposed_at": "2026-11-01T09:00:00Z", "steps": STEPS[:n]}
    )  # fmt: skip


def test_change_through_every_state(db: Database, org: uuid.UUID, recorder: ListRecorder) -> None:
    _seed(db, org)
    states = []
    for n in range(len(STEPS) + 1):
        with unit_of_work(db, recorder) as (session, journal):
            diff, recorded = changes.declare_change(session, org, spec(n), "rita")
            journal.add(*recorded)
            states.append(changes.get_change(session, org, "CHG-1").state)
        assert diff.action == ("create" if n == 0 else "update")
    assert states == ["proposed", "evaluated", "evaluated", "approved", "staged", "production",
                      "rolled_back", "retired"]  # fmt: skip
    with db.session() as session:
        change = changes.get_change(session, org, "CHG-1")
        assert change.risk_tier == "high"  # from the inventory
        assert change.rollback_reason == "drift"
        assert [e.seq for e in change.events] == list(range(8))
        model = registers.get(session, registers.REGISTERS["models"], org, ("scorer", "3"))
        assert (model.status, model.rollout_percent) == ("retired", 0)
        again = changes.plan_change(session, org, spec(len(STEPS)))
    assert again.action == "unchanged"
    change_records = [c for c in recorder.changes if c.entity_type == "change"]
    assert [c.action for c in change_records] == ["create", *(s["action"] for s in STEPS)]
    # Each record chains: its before-hash is the previous record's after-hash.
    for prev, cur in itertools.pairwise(change_records):
        assert cur.before_hash == prev.after_hash
    model_updates = [c for c in recorder.changes if c.entity_type == "model"]
    assert len(model_updates) == 4  # staged, production, rolled back, retired


@SQLITE_ONLY
def test_population_of_production_deployments(db: Database, org: uuid.UUID) -> None:
    _seed(db, org)
    with db.session() as session:
        changes.declare_change(session, org, spec(5), "rita")
    with db.session() as session:
        inside = changes.production_deployments(
            session, org, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
        )
        outside = changes.production_deployments(
            session, org, datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 4, tzinfo=UTC)
        )
    assert [(d.change, d.subject, d.risk_tier, d.at, d.actor) for d in inside] == [
        ("CHG-1", "scorer@3", "high", datetime(2026, 11, 4, 9, tzinfo=UTC), "ops")
    ]
    assert outside == []


@SQLITE_ONLY
def test_steps_are_append_only_and_illegal_steps_change_nothing(
    db: Database, org: uuid.UUID, recorder: ListRecorder
) -> None:
    _seed(db, org)
    with db.session() as session:
        changes.declare_change(session, org, spec(2), "rita")
    rewritten = spec(2).model_copy(update={"steps": [spec(2).steps[0], spec(3).steps[2]]})
    with db.session() as session, pytest.raises(ConflictError, match="steps differ"):
        changes.declare_change(session, org, rewritten, "rita")
    skip_ahead = spec(2).model_copy(update={"steps": [*spec(2).steps, spec(5).steps[4]]})
    with (
        pytest.raises(ConflictError, match="cannot promote a change that is evaluated"),
        unit_of_work(db, recorder) as (session, journal),
    ):
        journal.add(*changes.declare_change(session, org, skip_ahead, "rita")[1])
    assert recorder.changes == []
    with db.session() as session:
        assert changes.get_change(session, org, "CHG-1").state == "evaluated"
