"""Checks over change management: gated deployments, approvals, high-risk approvals.

The population is the governance register's :func:`production_deployments` in the period
(up to ``context.at``). Each step of a change carries its own time, and the workflow
enforces the order of steps but not their dates, so these checks re-read the recorded
times: an approval or an eval run dated after the promotion did not gate it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from aiattest.assess import Period
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item, day_start
from aiattest.governance import registers
from aiattest.governance.changes import Deployment, get_change, production_deployments
from aiattest.governance.risk import Tier
from aiattest.governance.workflow import required_approvals
from aiattest.store.models.governance import Change, ChangeEvent, EvalRun


@dataclass(frozen=True)
class Promotion:
    """One deployment with the change record behind it, as of the run."""

    deployment: Deployment
    """The promotion, as the deployment population lists it."""
    change: Change
    """The change (with its events, loaded)."""
    subject_tier: str | None
    """Risk tier of the subject model in the inventory, when it is a registered model."""

    @property
    def promote_event(self) -> ChangeEvent:
        """The ``promote`` step (a change reaches production once)."""
        return next(e for e in self.change.events if e.action == "promote")

    def before(self, event: ChangeEvent) -> bool:
        """Whether ``event`` happened before the promotion (same time: earlier step)."""
        promote = self.promote_event
        return event.at < promote.at or (event.at == promote.at and event.seq < promote.seq)

    def approvers(self) -> tuple[str, ...]:
        """Distinct approvers, other than the requester, recorded before the promotion.

        As in the workflow, approvals count from the latest evaluation: a change that was
        re-evaluated had to be approved afresh."""
        found: list[str] = []
        for event in self.change.events:
            if not self.before(event):
                continue
            if event.action == "evaluate":
                found = []
            elif (
                event.action == "approve"
                and event.actor != self.change.requester
                and event.actor not in found
            ):
                found.append(event.actor)
        return tuple(found)

    def late_approvals(self) -> int:
        """Approvals recorded after the promotion (they did not gate it)."""
        return sum(1 for e in self.change.events if e.action == "approve" and not self.before(e))

    @property
    def ref(self) -> str:
        """``change:name@version``."""
        return f"{self.deployment.change}:{self.deployment.subject}"


def promotions(context: CheckContext, period: Period) -> list[Promotion]:
    """The period's deployments up to ``context.at`` with their changes (memoised)."""
    start, end = day_start(period.start), context.until(period)
    key = f"promotions:{context.organisation_id}:{start.isoformat()}:{end.isoformat()}"
    return context.memo(key, lambda: _load(context, start, end))


def _load(context: CheckContext, start: datetime, end: datetime) -> list[Promotion]:
    org = context.organisation_id
    models = registers.REGISTERS["models"]
    found = []
    with context.db.session() as session:
        for deployment in production_deployments(session, org, start, end):
            change = get_change(session, org, deployment.change)
            tier = None
            if change.subject_kind == "model":
                name, _, version = change.subject.partition("@")
                model = registers.find(session, models, org, (name, version))
                tier = None if model is None else model.risk_tier
            found.append(Promotion(deployment, change, tier))
    return found


def _run_times(
    context: CheckContext, targets: set[str], until: datetime
) -> dict[str, list[datetime]]:
    """Times of the passing eval runs of each target that ran by ``until``."""
    if not targets:
        return {}
    with context.db.session() as session:
        rows = session.execute(
            select(EvalRun.target, EvalRun.run_at).where(
                EvalRun.organisation_id == context.organisation_id,
                EvalRun.target.in_(sorted(targets)),
                EvalRun.passed.is_(True),
                EvalRun.run_at <= until,
            )
        ).all()
    times: dict[str, list[datetime]] = {}
    for target, run_at in rows:
        times.setdefault(target, []).append(run_at)
    return times


class ModelDeploymentsGated(Check):
    """Reads every promotion to production in the period (the change workflow's deployment
    population), each change's dated steps, and the eval-run register. For each deployment,
    PASS when, before the promotion time, a passing eval run of that very version had run
    and the change held the approvals its risk tier requires (distinct approvers, none the
    requester, counted from its latest evaluation); FAIL otherwise. No deployments in the
    period is a PASS."""

    id = "model-deployments-gated"
    title = "Deployments to production were evaluated and approved first"
    population = "deployment"
    events = True

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per deployment in the period, dated by its promotion."""
        found = promotions(context, period)
        runs = _run_times(context, {p.deployment.subject for p in found}, context.at)
        items = []
        for p in found:
            at = p.deployment.at
            problems = []
            evaluated = [t for t in runs.get(p.deployment.subject, []) if t <= at]
            if not evaluated:
                problems.append("no passing eval run of this version before the deployment")
            needed = required_approvals(p.change.risk_tier)
            got = len(p.approvers())
            if got < needed:
                problems.append(f"{got} of {needed} required approval(s) before the deployment")
            note = "; ".join(problems) or (
                f"{len(evaluated)} passing eval run(s), {got} approval(s) "
                f"({p.change.risk_tier} tier) before the deployment"
            )
            items.append(Item(p.ref, "deployment", not problems, at, note))
        return self.result(period, items, ok=None if items else "no deployments in the period")


class ChangesApproved(Check):
    """Reads every change that reached production in the period and its dated steps. For
    each, PASS when someone other than its requester approved it before it reached
    production; FAIL when the only approvals are the requester's or were recorded after
    the promotion. No changes reaching production in the period is a PASS."""

    id = "changes-approved"
    title = "Changes were approved by someone other than the requester before production"
    population = "change"
    events = True

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per change promoted in the period."""
        items = []
        for p in promotions(context, period):
            got = len(p.approvers())
            late = p.late_approvals()
            if got:
                note = f"{got} independent approval(s) before production"
            else:
                note = "no approval by someone other than the requester before production"
                if late:
                    note += f" ({late} approval(s) recorded only after it)"
            items.append(Item(p.deployment.change, "change", got > 0, p.deployment.at, note))
        return self.result(
            period, items, ok=None if items else "no changes reached production in the period"
        )


class HighRiskApprovals(Check):
    """Reads every change that reached production in the period, its dated steps, and the
    model inventory's risk tier of its subject. A change is high-risk when its own tier or
    its subject model's tier is ``high``. For each high-risk change, PASS when it had, before
    production, at least as many distinct approvers (none the requester, counted from its
    latest evaluation) as the high tier requires; FAIL otherwise -- including a change
    declared at a lower tier than its model's, which the workflow let through on fewer
    approvals. No high-risk changes in the period is a PASS."""

    id = "high-risk-approvals"
    title = "High-risk changes had the approvals their tier requires"
    population = "change"
    events = True

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per high-risk change promoted in the period."""
        items = []
        needed = required_approvals(Tier.HIGH)
        for p in promotions(context, period):
            if Tier.HIGH.value not in (p.change.risk_tier, p.subject_tier):
                continue
            got = len(p.approvers())
            note = f"{got} of {needed} required approval(s) before production"
            if p.change.risk_tier != Tier.HIGH.value:
                note += f"; change declared {p.change.risk_tier}, its model is high"
            items.append(Item(p.deployment.change, "change", got >= needed, p.deployment.at, note))
        return self.result(
            period,
            items,
            ok=None if items else "no high-risk changes reached production in the period",
        )


CHECKS: tuple[type[Check], ...] = (ModelDeploymentsGated, ChangesApproved, HighRiskApprovals)
