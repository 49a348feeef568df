"""Fixture builders for the key, access-review, change and eval checks: every record goes
through the real service (gateway key store, registers, change workflow, access review
campaigns) and its register changes into the environment's real ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from aiattest.gateway.access import ApiKeyDirectory
from aiattest.gateway.keys import KeyInfo, create_key
from aiattest.governance import access_reviews, changes, registers
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.governance.schemas import ModelSpec
from aiattest.governance.unit import unit_of_work
from aiattest.governance.workflow_specs import ChangeSpec, EvalRunSpec
from aiattest.roles import Role
from tests.integration.evidence.conftest import EvidenceEnv


def utc(text: str) -> datetime:
    """An aware UTC time from ``2026-11-04T09:00``."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def key(env: EvidenceEnv, principal: str, role: Role) -> KeyInfo:
    """A gateway key of ``acme`` (its principal is created with the role if new)."""
    return create_key(env.db, principal=principal, role=role, tenant="acme")[1]


def model(env: EvidenceEnv, name: str, version: str, *, high_risk: bool = False,
          status: str | None = None) -> None:  # fmt: skip
    """A model version in the inventory; ``high_risk`` makes automated decisions (tier high)."""
    spec = ModelSpec.model_validate(
        {"name": name, "version": version, "provider": "openai", "status": status,
         "risk_assessment": {"automated_decisions": high_risk}}
    )  # fmt: skip
    with unit_of_work(env.db, LedgerRecorder(env.ledger)) as (session, journal):
        journal.add(registers.declare(session, registers.REGISTERS["models"], env.org, spec,
                                      "alice")[1])  # fmt: skip


def eval_run(env: EvidenceEnv, name: str, target: str, run_at: str, *, passed: bool = True) -> None:
    """An eval run of ``target``: F1 0.95 against a 0.9 threshold, or 0.5 when failing."""
    spec = EvalRunSpec(
        name=name, suite="support-qa", suite_version="1", dataset_hash="sha256:" + "ab" * 32,
        target=target, metrics={"f1": 0.95 if passed else 0.5}, thresholds={"f1": 0.9},
        run_at=utc(run_at),
    )  # fmt: skip
    with unit_of_work(env.db, LedgerRecorder(env.ledger)) as (session, journal):
        journal.add(registers.declare(session, registers.REGISTERS["eval_runs"], env.org, spec,
                                      "ci")[1])  # fmt: skip


def step(action: str, actor: str, at: str, **extra: Any) -> dict[str, Any]:
    """One change step as an ``apply`` file declares it."""
    return {"action": action, "actor": actor, "at": utc(at).isoformat(), **extra}


def gated(
    run: str, promote_at: str, approvers: tuple[str, ...] = ("omar",)
) -> list[dict[str, Any]]:
    """The steps of a change evaluated with ``run`` and approved two days before
    ``promote_at``, staged the day before and promoted then."""
    promoted = utc(promote_at)

    def ago(days: int, hours: int = 0) -> str:
        return (promoted - timedelta(days=days) + timedelta(hours=hours)).isoformat()

    return [
        {"action": "evaluate", "actor": "ci", "at": ago(2), "eval_run": run},
        *({"action": "approve", "actor": a, "at": ago(2, i + 1)} for i, a in enumerate(approvers)),
        {"action": "stage", "actor": "ops", "at": ago(1), "rollout_percent": 10},
        {"action": "promote", "actor": "ops", "at": promoted.isoformat()},
    ]


def change(env: EvidenceEnv, name: str, subject: str, steps: list[dict[str, Any]], *,
           risk_tier: str | None = None, requester: str = "rita") -> None:  # fmt: skip
    """Declare a change with its steps through the workflow (which enforces its rules)."""
    spec = ChangeSpec.model_validate(
        {"name": name, "subject_kind": "model", "subject": subject, "requester": requester,
         "risk_tier": risk_tier, "proposed_at": steps[0]["at"], "steps": steps}
    )  # fmt: skip
    with unit_of_work(env.db, LedgerRecorder(env.ledger)) as (session, journal):
        journal.add(*changes.declare_change(session, env.org, spec, requester)[1])


def review(
    env: EvidenceEnv,
    name: str,
    *,
    closed_at: str,
    revoke: tuple[str, ...] = (),
    reviewer: str = "sec-lead",
) -> None:
    """An access review over principals and keys, every subject kept except the principals
    in ``revoke``, decided an hour before ``closed_at`` and closed then (revocations applied)."""
    principals = access_reviews.PrincipalDirectory()
    keys = ApiKeyDirectory()
    closed = utc(closed_at)
    with unit_of_work(env.db, LedgerRecorder(env.ledger)) as (session, journal):
        opened, created = access_reviews.open_review(
            session, env.org, name, reviewer=reviewer, actor=reviewer,
            directories=[principals, keys],
        )  # fmt: skip
        journal.add(created)
        for item in opened.items:
            decision: Literal["keep", "revoke"] = "revoke" if item.subject in revoke else "keep"
            journal.add(
                access_reviews.decide(
                    session, env.org, name, kind=item.subject_kind, subject=item.subject,
                    decision=decision, reviewer=reviewer, at=closed - timedelta(hours=1),
                    reason="left the team" if decision == "revoke" else "",
                )
            )  # fmt: skip
        journal.add(
            access_reviews.close_review(
                session, env.org, name, actor=reviewer,
                directories={"principal": principals, "api_key": keys}, at=closed,
            )
        )  # fmt: skip
