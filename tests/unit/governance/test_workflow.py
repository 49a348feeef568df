"""The change state machine: legal paths, illegal transitions, eval gate, segregation of
duties, two approvals for high risk, rollback reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from aiattest.errors import ConflictError, InputError
from aiattest.governance.workflow import ALLOWED_FROM, STATES, ChangeFacts, EvalFacts, take
from aiattest.governance.workflow_specs import ChangeStep

AT = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
PASSING = EvalFacts("run-1", "chat@2", passed=True)


def facts(
    state: str = "proposed", tier: str = "medium", approvals: tuple[str, ...] = ()
) -> ChangeFacts:
    return ChangeFacts("CHG-1", state, "chat@2", "rita", tier, approvals)


def step(action: str, actor: str = "omar", **extra: object) -> ChangeStep:
    return ChangeStep.model_validate({"action": action, "actor": actor, "at": AT, **extra})


def test_full_path_low_risk() -> None:
    f = facts(tier="low")
    outcome = take(f, step("evaluate", eval_run="run-1"), PASSING)
    f = replace(f, state=outcome.to_state)
    assert f.state == "evaluated"
    outcome = take(f, step("approve"), None)
    assert outcome.to_state == "approved"
    f = replace(f, state=outcome.to_state, approvals=outcome.approvals)
    outcome = take(f, step("stage", rollout_percent=10), None)
    assert (outcome.to_state, outcome.rollout_percent) == ("staged", 10)
    f = replace(f, state="staged")
    assert take(f, step("stage", rollout_percent=50), None).rollout_percent == 50
    outcome = take(f, step("promote"), None)
    assert (outcome.to_state, outcome.rollout_percent) == ("production", 100)
    f = replace(f, state="production")
    outcome = take(f, step("rollback", reason="latency regression"), None)
    assert (outcome.to_state, outcome.rollout_percent) == ("rolled_back", 0)
    assert take(replace(f, state="rolled_back"), step("retire"), None).to_state == "retired"


@pytest.mark.parametrize("action", sorted(ALLOWED_FROM))
def test_every_illegal_transition_is_refused(action: str) -> None:
    extra = {"eval_run": "run-1", "rollout_percent": 5, "reason": "r"}
    for state in STATES:
        if state in ALLOWED_FROM[action]:
            continue
        with pytest.raises(ConflictError, match=f"cannot {action} a change that is {state}"):
            take(facts(state), step(action, **extra), PASSING)


def test_eval_gate() -> None:
    with pytest.raises(InputError, match="needs the eval_run"):
        take(facts(), step("evaluate"), None)
    with pytest.raises(InputError, match="no eval run named"):
        take(facts(), step("evaluate", eval_run="nope"), None)
    with pytest.raises(ConflictError, match="did not pass"):
        take(facts(), step("evaluate", eval_run="run-1"), replace(PASSING, passed=False))
    with pytest.raises(ConflictError, match="evaluated chat@1, not chat@2"):
        take(facts(), step("evaluate", eval_run="run-1"), replace(PASSING, target="chat@1"))


def test_requester_cannot_approve() -> None:
    with pytest.raises(ConflictError, match="rita requested it") as info:
        take(facts("evaluated"), step("approve", actor="rita"), None)
    assert "segregation of duties" in info.value.diagnostics()


def test_high_risk_needs_two_distinct_approvers() -> None:
    first = take(facts("evaluated", "high"), step("approve", actor="omar"), None)
    assert (first.to_state, first.approvals) == ("evaluated", ("omar",))
    with pytest.raises(ConflictError, match="already approved"):
        take(facts("evaluated", "high", ("omar",)), step("approve", actor="omar"), None)
    second = take(facts("evaluated", "high", ("omar",)), step("approve", actor="lena"), None)
    assert (second.to_state, second.approvals) == ("approved", ("omar", "lena"))


def test_rollback_needs_reason_and_stage_needs_share() -> None:
    with pytest.raises(InputError, match="needs a reason"):
        take(facts("production"), step("rollback", reason="  "), None)
    with pytest.raises(InputError, match="rollout_percent"):
        take(facts("approved"), step("stage"), None)
