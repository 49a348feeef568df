"""Change management over the store: declare a change, take steps, list the population of
production deployments. The rules live in :mod:`aiattest.governance.workflow`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.errors import ConflictError, InputError, NotFoundError
from aiattest.governance import registers
from aiattest.governance.recorder import RegisterChange, record_hash
from aiattest.governance.workflow import ChangeFacts, EvalFacts, take
from aiattest.governance.workflow_specs import ChangeSpec, ChangeStep
from aiattest.store.models.governance_registers import ModelVersion
from aiattest.store.models.governance_workflows import Change, ChangeEvent, EvalRun

_SUBJECT_STATUS = {
    "staged": "staging",
    "production": "production",
    "rolled_back": "deprecated",
    "retired": "retired",
}


@dataclass(frozen=True)
class ChangeDiff:
    """What declaring a change does: create it, take new steps, or nothing."""

    key: str
    """The change id."""
    action: str
    """``create``, ``update`` or ``unchanged``."""
    new_steps: tuple[str, ...]
    """Actions of the steps that will be taken, in order."""
    fields: dict[str, tuple[Any, Any]]
    """Changed descriptive fields -> (stored, declared)."""


def view(change: Change) -> dict[str, Any]:
    """A change as JSON-ready data (what is hashed into the ledger and shown)."""
    return {
        "name": change.name,
        "subject_kind": change.subject_kind,
        "subject": change.subject,
        "description": change.description,
        "requester": change.requester,
        "risk_tier": change.risk_tier,
        "state": change.state,
        "rollout_percent": change.rollout_percent,
        "eval_run": change.eval_run,
        "rollback_reason": change.rollback_reason,
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "from": e.from_state,
                "to": e.to_state,
                "actor": e.actor,
                "at": e.at.isoformat(),
                **e.detail,
            }
            for e in change.events
        ],
    }


def step_of(event: ChangeEvent) -> ChangeStep:
    """The step a stored event records (as ``apply`` files declare it)."""
    return ChangeStep.model_validate({"action": event.action, "actor": event.actor,
                                      "at": event.at, **event.detail})  # fmt: skip


def _find(session: Session, org: uuid.UUID, name: str) -> Change | None:
    return session.scalar(select(Change).where(Change.organisation_id == org, Change.name == name))


def get_change(session: Session, org: uuid.UUID, name: str) -> Change:
    """The change named ``name`` (raises NotFoundError)."""
    change = _find(session, org, name)
    if change is None:
        raise NotFoundError(f"no change {name!r}")
    return change


def plan_change(session: Session, org: uuid.UUID, spec: ChangeSpec) -> ChangeDiff:
    """Compare a declared change with the stored one; raises ConflictError on a rewrite."""
    change = _find(session, org, spec.name)
    if change is None:
        return ChangeDiff(spec.name, "create", tuple(s.action for s in spec.steps), {})
    for name in ("subject_kind", "subject", "requester"):
        if getattr(change, name) != getattr(spec, name):
            raise ConflictError(
                f"change {spec.name}: {name} cannot change once proposed",
                hint="propose a new change instead",
            )
    taken = [step_of(e) for e in change.events if e.action != "propose"]
    if spec.steps[: len(taken)] != taken:
        raise ConflictError(
            f"change {spec.name}: its recorded steps differ from the declared ones",
            hint="steps are append-only; add new steps at the end",
        )
    new = tuple(s.action for s in spec.steps[len(taken) :])
    fields = {}
    if change.description != spec.description:
        fields["description"] = (change.description, spec.description)
    action = "update" if new or fields else "unchanged"
    return ChangeDiff(spec.name, action, new, fields)


def declare_change(
    session: Session, org: uuid.UUID, spec: ChangeSpec, actor: str
) -> tuple[ChangeDiff, list[RegisterChange]]:
    """Create the change if new, update its description, and take its new steps."""
    plan = plan_change(session, org, spec)
    recorded: list[RegisterChange] = []
    change = _find(session, org, spec.name)
    if change is None:
        change = Change(
            id=uuid.uuid4(),
            organisation_id=org,
            name=spec.name,
            subject_kind=spec.subject_kind,
            subject=spec.subject,
            description=spec.description,
            requester=spec.requester,
            risk_tier=_tier(session, org, spec),
            state="proposed",
            rollout_percent=0,
        )
        session.add(change)
        at = spec.proposed_at or (spec.steps[0].at if spec.steps else None)
        if at is None:
            raise InputError(f"change {spec.name}: give proposed_at (or at least one step)")
        change.events.append(ChangeEvent(seq=0, action="propose", from_state="proposed",
                                         to_state="proposed", actor=spec.requester, at=at,
                                         detail={}))  # fmt: skip
        session.flush()
        recorded.append(_recorded(change, actor, "create", None))
    elif plan.fields:
        before = record_hash(view(change))
        change.description = spec.description
        session.flush()
        recorded.append(_recorded(change, actor, "update", before))
    for step in spec.steps[len(spec.steps) - len(plan.new_steps) :]:
        recorded.extend(take_step(session, org, change, step))
    return plan, recorded


def take_step(
    session: Session, org: uuid.UUID, change: Change, step: ChangeStep
) -> list[RegisterChange]:
    """Take one step of ``change`` if the rules allow it; returns the ledger records."""
    before = record_hash(view(change))
    approvals = _approvals(change)
    facts = ChangeFacts(
        change.name, change.state, change.subject, change.requester, change.risk_tier, approvals
    )
    run = None
    if step.eval_run is not None:
        row = session.scalar(
            select(EvalRun).where(EvalRun.organisation_id == org, EvalRun.name == step.eval_run)
        )
        run = None if row is None else EvalFacts(row.name, row.target, row.passed)
    outcome = take(facts, step, run)
    detail = step.model_dump(mode="json", exclude={"action", "actor", "at"}, exclude_none=True)
    change.events.append(ChangeEvent(seq=len(change.events), action=step.action,
                                     from_state=change.state, to_state=outcome.to_state,
                                     actor=step.actor, at=step.at, detail=detail))  # fmt: skip
    change.state = outcome.to_state
    if outcome.rollout_percent is not None:
        change.rollout_percent = outcome.rollout_percent
    if step.action == "evaluate":
        change.eval_run = step.eval_run
    if step.action == "rollback":
        change.rollback_reason = step.reason
    session.flush()
    recorded = [_recorded(change, step.actor, step.action, before)]
    subject = _sync_subject(session, org, change, step.actor)
    if subject is not None:
        recorded.append(subject)
    return recorded


def _approvals(change: Change) -> tuple[str, ...]:
    # Approvals count from the latest evaluation: a re-evaluated change is approved afresh.
    approvals: list[str] = []
    for event in change.events:
        if event.action == "evaluate":
            approvals = []
        elif event.action == "approve":
            approvals.append(event.actor)
    return tuple(approvals)


def _tier(session: Session, org: uuid.UUID, spec: ChangeSpec) -> str:
    if spec.risk_tier is not None:
        return spec.risk_tier.value
    if spec.subject_kind == "model":
        model = _subject_model(session, org, spec.subject)
        if model is not None:
            return model.risk_tier
    raise InputError(
        f"change {spec.name}: risk_tier is needed ({spec.subject} is not in the model inventory)"
    )


def _subject_model(session: Session, org: uuid.UUID, subject: str) -> ModelVersion | None:
    name, _, version = subject.partition("@")
    found: ModelVersion | None = registers.find(
        session, registers.REGISTERS["models"], org, (name, version)
    )
    return found


def _sync_subject(
    session: Session, org: uuid.UUID, change: Change, actor: str
) -> RegisterChange | None:
    # The inventory follows the workflow: a staged or promoted change moves its model.
    if change.subject_kind != "model" or change.state not in _SUBJECT_STATUS:
        return None
    model = _subject_model(session, org, change.subject)
    if model is None:
        return None
    kind = registers.REGISTERS["models"]
    before = record_hash(registers.spec_json(registers.spec_of(kind, model)))
    model.status = _SUBJECT_STATUS[change.state]
    model.rollout_percent = change.rollout_percent
    session.flush()
    after = record_hash(registers.spec_json(registers.spec_of(kind, model)))
    if after == before:
        return None
    return RegisterChange(org, actor, "model", str(model.id), "update", before, after)


def _recorded(change: Change, actor: str, action: str, before: str | None) -> RegisterChange:
    return RegisterChange(
        change.organisation_id, actor, "change", str(change.id), action, before,
        record_hash(view(change)),
    )  # fmt: skip


@dataclass(frozen=True)
class Deployment:
    """One promotion to production, as an auditor samples it."""

    change: str
    """The change id."""
    subject: str
    """``name@version`` that went to production."""
    risk_tier: str
    """The change's risk tier."""
    at: datetime
    """When it was promoted."""
    actor: str
    """Who promoted it."""


def production_deployments(
    session: Session, org: uuid.UUID, start: datetime, end: datetime
) -> list[Deployment]:
    """Every promotion to production in ``[start, end)``: the population auditors sample."""
    query = (
        select(ChangeEvent, Change)
        .join(Change)
        .where(
            Change.organisation_id == org,
            ChangeEvent.action == "promote",
            ChangeEvent.at >= start,
            ChangeEvent.at < end,
        )
        .order_by(ChangeEvent.at)
    )
    return [
        Deployment(change.name, change.subject, change.risk_tier, event.at, event.actor)
        for event, change in session.execute(query)
    ]
