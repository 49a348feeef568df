"""The change state machine, as pure functions.

    proposed -> evaluated -> approved -> staged -> production -> retired
                                           |           |
                                           +-> rolled_back -> retired

Enforced: a passing eval run of the very version before ``evaluated``; approvers distinct
and never the requester; as many approvals as the risk tier requires; a rollout share to
stage; a reason to roll back.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiattest.errors import ConflictError, InputError
from aiattest.governance.risk import tier_policy
from aiattest.governance.workflow_specs import ChangeStep

STATES = ("proposed", "evaluated", "approved", "staged", "production", "rolled_back", "retired")

ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "evaluate": ("proposed",),
    "approve": ("evaluated",),
    "stage": ("approved", "staged"),
    "promote": ("staged",),
    "rollback": ("staged", "production"),
    "retire": ("production", "rolled_back"),
}
"""The states each action may start from."""


@dataclass(frozen=True)
class ChangeFacts:
    """What the state machine needs to know about a change."""

    name: str
    """The change id."""
    state: str
    """Current state."""
    subject: str
    """``name@version`` being changed to."""
    requester: str
    """Who asked for it."""
    risk_tier: str
    """``high``, ``medium`` or ``low``."""
    approvals: tuple[str, ...]
    """Approvers so far (of the current evaluation)."""


@dataclass(frozen=True)
class EvalFacts:
    """The eval run a step refers to."""

    name: str
    """Run name."""
    target: str
    """What it evaluated."""
    passed: bool
    """Whether every threshold was met."""


@dataclass(frozen=True)
class StepOutcome:
    """The result of a legal step."""

    to_state: str
    """The new state (may equal the old one: a first of two approvals, a re-stage)."""
    approvals: tuple[str, ...]
    """Approvers after the step."""
    rollout_percent: int | None
    """New traffic share, when the step sets one."""


def take(facts: ChangeFacts, step: ChangeStep, eval_run: EvalFacts | None) -> StepOutcome:
    """Check ``step`` against the rules and return its outcome (raises ConflictError/InputError)."""
    allowed = ALLOWED_FROM[step.action]
    if facts.state not in allowed:
        raise ConflictError(
            f"change {facts.name}: cannot {step.action} a change that is {facts.state}",
            hint=f"{step.action} is allowed from: {', '.join(allowed)}",
        )
    if step.action == "evaluate":
        _check_eval(facts, step, eval_run)
        return StepOutcome("evaluated", (), None)
    if step.action == "approve":
        return _approve(facts, step)
    if step.action == "stage":
        if step.rollout_percent is None:
            raise InputError(f"change {facts.name}: stage needs rollout_percent (1-99)")
        return StepOutcome("staged", facts.approvals, step.rollout_percent)
    if step.action == "promote":
        return StepOutcome("production", facts.approvals, 100)
    if step.action == "rollback":
        if not (step.reason or "").strip():
            raise InputError(f"change {facts.name}: a rollback needs a reason")
        return StepOutcome("rolled_back", facts.approvals, 0)
    return StepOutcome("retired", facts.approvals, 0)


def _check_eval(facts: ChangeFacts, step: ChangeStep, run: EvalFacts | None) -> None:
    if step.eval_run is None:
        raise InputError(f"change {facts.name}: evaluate needs the eval_run that passed")
    if run is None:
        raise InputError(f"change {facts.name}: no eval run named {step.eval_run!r}")
    if run.target != facts.subject:
        raise ConflictError(
            f"change {facts.name}: eval run {run.name} evaluated {run.target}, not {facts.subject}"
        )
    if not run.passed:
        raise ConflictError(
            f"change {facts.name}: eval run {run.name} did not pass its thresholds",
            hint="a change is evaluated only by a passing run",
        )


def _approve(facts: ChangeFacts, step: ChangeStep) -> StepOutcome:
    if step.actor == facts.requester:
        raise ConflictError(
            f"change {facts.name}: {step.actor} requested it and cannot approve it",
            hint="segregation of duties: the approver must differ from the requester",
        )
    if step.actor in facts.approvals:
        raise ConflictError(f"change {facts.name}: {step.actor} has already approved it")
    approvals = (*facts.approvals, step.actor)
    required = tier_policy(facts.risk_tier).required_approvals
    state = "approved" if len(approvals) >= required else "evaluated"
    return StepOutcome(state, approvals, None)


def required_approvals(risk_tier: str) -> int:
    """Approvals a change of ``risk_tier`` needs."""
    return tier_policy(risk_tier).required_approvals
