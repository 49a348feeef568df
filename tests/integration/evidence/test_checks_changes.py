"""The change-management checks over changes declared through the change workflow, with
eval runs and models declared through the registers. The workflow enforces the order of
steps but not their dates; the failing fixtures below are changes it accepted whose dates
show the gate was not in place when the change reached production."""

from __future__ import annotations

from aiattest.assess import Outcome
from aiattest.evidence.checks.changes import (
    ChangesApproved,
    HighRiskApprovals,
    ModelDeploymentsGated,
)
from tests.integration.evidence.builders_governance import change, eval_run, gated, model, step, utc
from tests.integration.evidence.conftest import EvidenceEnv, day
from tests.integration.governance.conftest import SQLITE_ONLY

PROMOTED = "2026-11-04T09:00"
AFTER = utc("2026-11-05T00:00")


def test_a_gated_high_risk_change_passes_every_check(env: EvidenceEnv) -> None:
    # Runs on PostgreSQL too: the deployment population and eval-run queries compare times.
    model(env, "scorer", "3", high_risk=True)
    eval_run(env, "ev-1", "scorer@3", "2026-11-01T08:00")
    change(env, "CHG-1", "scorer@3", gated("ev-1", PROMOTED, approvers=("omar", "lena")))
    context, period = env.context(AFTER), day("2026-11-04")

    deployed = ModelDeploymentsGated().run(context, period)
    assert deployed.status is Outcome.PASS
    (item,) = deployed.items
    assert (item.ref, item.kind, item.ok, item.at) == (
        "CHG-1:scorer@3", "deployment", True, utc(PROMOTED),
    )  # fmt: skip
    assert item.note == "1 passing eval run(s), 2 approval(s) (high tier) before the deployment"

    approved = ChangesApproved().run(context, period)
    assert approved.status is Outcome.PASS
    assert [(i.ref, i.kind) for i in approved.items] == [("CHG-1", "change")]

    high = HighRiskApprovals().run(context, period)
    assert high.status is Outcome.PASS
    assert [i.note for i in high.items] == ["2 of 2 required approval(s) before production"]


@SQLITE_ONLY
def test_a_period_without_deployments_passes(env: EvidenceEnv) -> None:
    model(env, "helper", "1")
    eval_run(env, "ev-1", "helper@1", "2026-11-01T08:00")
    change(env, "CHG-1", "helper@1", gated("ev-1", PROMOTED))

    result = ModelDeploymentsGated().run(env.context(AFTER), day("2026-11-03"))
    assert result.status is Outcome.PASS
    assert result.summary == "no deployments in the period"
    assert result.items == ()
    high = HighRiskApprovals().run(env.context(AFTER), day("2026-11-04"))
    assert high.summary == "no high-risk changes reached production in the period"


@SQLITE_ONLY
def test_a_deployment_after_the_run_time_is_ignored(env: EvidenceEnv) -> None:
    model(env, "helper", "1")
    eval_run(env, "ev-1", "helper@1", "2026-11-01T08:00")
    # Approved only after production: would fail, but the run is as of before the promotion.
    steps = gated("ev-1", PROMOTED, approvers=())
    steps.insert(1, step("approve", "omar", "2026-11-05T10:00"))
    change(env, "CHG-1", "helper@1", steps)

    early = ChangesApproved().run(env.context(utc("2026-11-04T08:00")), day("2026-11-04"))
    assert early.status is Outcome.PASS
    assert early.items == ()
    late = ChangesApproved().run(env.context(AFTER), day("2026-11-04"))
    assert late.status is Outcome.FAIL


@SQLITE_ONLY
def test_an_eval_run_dated_after_the_deployment_did_not_gate_it(env: EvidenceEnv) -> None:
    model(env, "helper", "1")
    # The run the change cites ran two days after the promotion.
    eval_run(env, "ev-late", "helper@1", "2026-11-06T08:00")
    change(env, "CHG-1", "helper@1", gated("ev-late", PROMOTED))

    result = ModelDeploymentsGated().run(env.context(utc("2026-11-07T00:00")), day("2026-11-04"))

    assert result.status is Outcome.FAIL
    assert result.failures[0].note == "no passing eval run of this version before the deployment"
    # The approval itself was in time.
    approved = ChangesApproved().run(env.context(utc("2026-11-07T00:00")), day("2026-11-04"))
    assert approved.status is Outcome.PASS


@SQLITE_ONLY
def test_an_approval_recorded_after_production_fails(env: EvidenceEnv) -> None:
    model(env, "helper", "1")
    eval_run(env, "ev-1", "helper@1", "2026-11-01T08:00")
    steps = gated("ev-1", PROMOTED, approvers=())
    steps.insert(1, step("approve", "omar", "2026-11-05T10:00"))
    change(env, "CHG-1", "helper@1", steps)
    context, period = env.context(utc("2026-11-06T00:00")), day("2026-11-04")

    approved = ChangesApproved().run(context, period)
    assert approved.status is Outcome.FAIL
    assert approved.failures[0].ref == "CHG-1"
    assert approved.failures[0].note == (
        "no approval by someone other than the requester before production "
        "(1 approval(s) recorded only after it)"
    )
    gate = ModelDeploymentsGated().run(context, period)
    assert gate.status is Outcome.FAIL
    assert gate.failures[0].note == "0 of 1 required approval(s) before the deployment"


@SQLITE_ONLY
def test_a_high_risk_model_changed_at_a_lower_tier_fails(env: EvidenceEnv) -> None:
    model(env, "scorer", "3", high_risk=True)
    eval_run(env, "ev-1", "scorer@3", "2026-11-01T08:00")
    # Declared low, the workflow asked for one approval only.
    change(env, "CHG-1", "scorer@3", gated("ev-1", PROMOTED), risk_tier="low")
    context, period = env.context(AFTER), day("2026-11-04")

    high = HighRiskApprovals().run(context, period)
    assert high.status is Outcome.FAIL
    assert high.failures[0].note == (
        "1 of 2 required approval(s) before production; change declared low, its model is high"
    )
    assert high.summary == "1 of 1 change failed"
    # The workflow's own rule (one approval for a low-tier change) was met.
    assert ModelDeploymentsGated().run(context, period).status is Outcome.PASS
