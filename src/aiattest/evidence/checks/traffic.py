"""Checks over the gateway's audit events in the ledger: fallbacks, guard findings,
availability, the audit trail itself and approvals.

Every check here reads the counts of :mod:`aiattest.evidence.audit_stats`, made in one
memoised pass over the ``audit_event`` entries of the collect run's window (events of the
organisation only, up to ``context.at``). A guard finding is judged by the decision the
gateway took for its whole request (the strongest of every stage), which is what the audit
event records. Items are per route unless said otherwise; a route without requests in the
period is not an item.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select

from aiattest.assess import Period
from aiattest.evidence.audit_stats import (
    ALL_FAILED,
    DEGRADED,
    FALLBACK_SERVED,
    PRIMARY_FAILED,
    REQUESTS,
    SERVER_ERRORS,
    Category,
    Totals,
    by_decision,
    category_total,
    days_of,
    period_totals,
    tenant_of,
)
from aiattest.evidence.checks.routes import chat_routes, guard_policy
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item, day_start
from aiattest.guard.interface import Action
from aiattest.ledger import Checkpoint
from aiattest.store.models.gateway import Approval

NO_REQUESTS = "no gateway requests in the period"
HELD = frozenset({"needs_approval", "block"})
"""Decisions that kept a request from going through: blocked or held for a person."""
STOPPED = frozenset({"redact", "needs_approval", "block"})
"""Decisions that kept the content from passing as it was."""


def _fmt(decisions: dict[str, int]) -> str:
    return ", ".join(f"{d}={n}" for d, n in decisions.items()) or "none"


def _judge(
    totals: Totals, category: Category, accepted: frozenset[str], what: str
) -> Iterable[Item]:
    """An item per route with requests: passes when every request of ``category`` had a
    decision in ``accepted``."""
    for route, counts in sorted(totals.routes.items()):
        seen = by_decision(counts, category)
        bad = sum(n for d, n in seen.items() if d not in accepted)
        total = category_total(counts, category)
        note = f"{total} {what} of {counts[REQUESTS]} requests; decisions: {_fmt(seen)}"
        if bad:
            note += f"; {bad} not {' / '.join(sorted(accepted))}"
        yield Item(route, "route", not bad, note=note)


class GatewayFallbackExercised(Check):
    """When a provider failed, a fallback provider served the request.

    Reads the period's audit events. An item per route passes when no request ended with
    every provider failed (an error to the client, or only the rule-based last resort
    answering). A route where no provider failed passes with a note that no fallback was
    needed.
    """

    id = "gateway-fallback-exercised"
    title = "Fallbacks served when a provider failed"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per route with requests."""
        items = []
        for route, c in sorted(period_totals(context, period).routes.items()):
            failed = c[ALL_FAILED] + c[DEGRADED]
            if not c[PRIMARY_FAILED]:
                note = f"{c[REQUESTS]} requests; no provider failed, no fallback needed"
            else:
                note = (
                    f"{c[PRIMARY_FAILED]} requests met a failed provider: "
                    f"{c[FALLBACK_SERVED]} served by a fallback, {c[ALL_FAILED]} failed on "
                    f"every provider, {c[DEGRADED]} answered only by the last resort"
                )
            items.append(Item(route, "route", not failed, note=note))
        return self.result(period, items, ok=None if items else NO_REQUESTS)


class GuardInjectionBlocks(Check):
    """Prompt injections were stopped.

    Reads the period's audit events. An item per route passes when every request with a
    ``PROMPT_INJECTION`` finding was blocked or held for approval.
    """

    id = "guard-injection-blocks"
    title = "Injection findings were blocked"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per route with requests."""
        totals = period_totals(context, period)
        items = list(_judge(totals, Category.INJECTION, HELD, "with injection findings"))
        return self.result(period, items, ok=None if items else NO_REQUESTS)


class GuardPiiHandled(Check):
    """Personal data in input was handled as the policy says.

    Reads the period's audit events (input findings of the ``pii`` scanner, by type) and
    the guard policy. The rule, kept simple: a request with a PII finding of type T passes
    when its decision is at least as strong as the action the policy's rule for the route
    names for T (allow < flag < redact < needs_approval < block). So where the policy says
    redact, nothing went through merely flagged or allowed. An item per route.
    """

    id = "guard-pii-handled"
    title = "PII in input was redacted, blocked or flagged per policy"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per route with requests."""
        totals = period_totals(context, period)
        policy = guard_policy(context) if totals.pii else None
        tenant = tenant_of(context)
        bad: dict[str, int] = {}
        for (route, kind, decision), n in totals.pii.items():
            assert policy is not None
            rule = policy.resolve(route=route, tenant=tenant, model=route)
            required = rule.actions.get(kind, rule.default_action)
            if Action(decision).rank < required.rank:
                bad[route] = bad.get(route, 0) + n
        items = []
        for route, counts in sorted(totals.routes.items()):
            seen = by_decision(counts, Category.PII)
            note = f"{category_total(counts, Category.PII)} with input PII; decisions: {_fmt(seen)}"
            if bad.get(route):
                note += f"; {bad[route]} weaker than the policy's action"
            items.append(Item(route, "route", not bad.get(route), note=note))
        return self.result(period, items, ok=None if items else NO_REQUESTS)


class GuardSecretsBlocked(Check):
    """Secrets did not pass through.

    Reads the period's audit events. An item per route passes when every request with a
    ``SECRET`` finding (any stage) was blocked, redacted or held for approval.
    """

    id = "guard-secrets-blocked"
    title = "Secret findings were blocked or redacted"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per route with requests."""
        totals = period_totals(context, period)
        items = list(_judge(totals, Category.SECRET, STOPPED, "with secret findings"))
        return self.result(period, items, ok=None if items else NO_REQUESTS)


class GuardOutputScanning(Check):
    """Model output is scanned and acted on.

    Reads the guard policy and the period's audit events. An item per configured chat route
    and per route with requests passes when the policy's rule for the route runs at least
    one output scanner and no request with an output-stage finding was simply allowed (the
    decision was flag, redact, needs_approval or block).
    """

    id = "guard-output-scanning"
    title = "Output is scanned and findings acted on"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per route."""
        totals = period_totals(context, period)
        routes = {r.alias for r in chat_routes(context.settings)} | set(totals.routes)
        policy = guard_policy(context) if routes else None
        tenant = tenant_of(context)
        items = []
        for route in sorted(routes):
            assert policy is not None
            scanners = policy.resolve(route=route, tenant=tenant, model=route).output
            counts = totals.routes.get(route)
            seen = by_decision(counts, Category.OUTPUT) if counts else {}
            allowed = seen.get("allow", 0)
            note = f"{len(scanners)} output scanners; output findings: {_fmt(seen)}"
            if allowed:
                note += f"; {allowed} allowed without action"
            items.append(Item(route, "route", bool(scanners) and not allowed, note=note))
        return self.result(period, items, ok=None if items else NO_REQUESTS)


class GatewayAvailability(Check):
    """The gateway met its availability objective.

    Reads the period's audit events. An item per route passes when the share of its
    requests not answered with a 5xx is at least ``settings.evidence.availability_slo``.
    """

    id = "gateway-availability"
    title = "Requests succeeded within the availability objective"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per route with requests."""
        slo = context.settings.evidence.availability_slo
        items = []
        for route, c in sorted(period_totals(context, period).routes.items()):
            share = 1 - c[SERVER_ERRORS] / c[REQUESTS]
            ok = share >= slo
            note = f"{share:.4%} of {c[REQUESTS]} without a 5xx (objective {slo:.2%})"
            items.append(Item(route, "route", ok, note=note))
        return self.result(period, items, ok=None if items else NO_REQUESTS)


def _covered_size(context: CheckContext) -> int:
    """The largest tree size a checkpoint signed by ``context.at`` covers (0: none)."""
    points: list[Checkpoint] = context.memo("ledger-checkpoints", context.ledger.checkpoints)
    at_ms = int(context.at.timestamp() * 1000)
    return max((c.tree_size for c in points if c.created_ms <= at_ms), default=0)


class GatewayAuditTrail(Check):
    """Every day of gateway traffic left an audit trail, sealed by signed checkpoints.

    Reads the period's audit events and the ledger's checkpoints. An item per day (up to
    ``at``) passes when: the day has audit events, unless no routes are configured (a
    gateway with routes and no records has lost its trail); and a checkpoint signed by
    ``at`` covers the day's first event, i.e. the log was sealed during the day (the day's
    last entries are sealed by the next checkpoints, each proven consistent with the one
    before, so demanding them by midnight would fail every day).
    """

    id = "gateway-audit-trail"
    title = "Audit events exist and are covered by a signed checkpoint"
    population = "day"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per day."""
        totals = period_totals(context, period)
        has_routes = bool(context.settings.gateway.routes)
        covered = _covered_size(context)
        items = []
        for day in days_of(period, context.until(period)):
            events = totals.daily.get(day, 0)
            if not events:
                ok = not has_routes
                note = "no audit records" if has_routes else "no routes configured, no traffic"
            else:
                first = totals.first_index[day]
                ok = first < covered
                note = f"{events} audit events from index {first}; " + (
                    f"sealed by a checkpoint of size {covered}"
                    if ok
                    else "no signed checkpoint covers them"
                )
            items.append(Item(day.isoformat(), "day", ok, at=day_start(day), note=note))
        return self.result(period, items)


class ToolCallApprovals(Check):
    """Held requests and tool calls were decided in time, and risky tool calls were held.

    Reads ``gateway_approvals`` rows of the organisation created in the period (by ``at``)
    and the period's audit events. An item per approval passes when it was decided within
    ``settings.evidence.approval_max_pending_hours`` of its creation (one still pending at
    ``at`` fails once that long has passed). An item per route with tool-call findings
    passes when each such request was blocked or held for approval.
    """

    id = "tool-call-approvals"
    title = "Approvals were decided in time"
    population = "approval"
    events = True

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per approval, then one per route with tool-call findings."""
        limit = timedelta(hours=context.settings.evidence.approval_max_pending_hours)
        items = [self._approval(row, context.at, limit) for row in self._approvals(context, period)]
        totals = period_totals(context, period)
        tool = [
            item
            for item in _judge(totals, Category.TOOL, HELD, "with tool-call findings")
            if category_total(totals.routes[item.ref], Category.TOOL)
        ]
        return self.result(period, items + tool)

    @staticmethod
    def _approvals(context: CheckContext, period: Period) -> list[Approval]:
        query = (
            select(Approval)
            .where(
                Approval.organisation_id == context.organisation_id,
                Approval.created_at >= day_start(period.start),
                Approval.created_at < context.until(period),
            )
            .order_by(Approval.created_at)
        )
        with context.db.session() as session:
            rows = list(session.scalars(query))
            session.expunge_all()
        return rows

    @staticmethod
    def _approval(row: Approval, at: datetime, limit: timedelta) -> Item:
        decided = row.decided_at if row.decided_at is not None and row.decided_at <= at else None
        waited = (decided or at) - row.created_at
        hours = waited.total_seconds() / 3600
        if decided is not None:
            ok, note = waited <= limit, f"{row.status} after {hours:.1f} h"
        else:
            ok, note = waited <= limit, f"pending for {hours:.1f} h"
        if not ok:
            note += f" (limit {limit.total_seconds() / 3600:.0f} h)"
        return Item(str(row.id), "approval", ok, at=row.created_at, note=note)


CHECKS: tuple[type[Check], ...] = (
    GatewayFallbackExercised,
    GuardInjectionBlocks,
    GuardPiiHandled,
    GuardSecretsBlocked,
    GuardOutputScanning,
    GatewayAvailability,
    GatewayAuditTrail,
    ToolCallApprovals,
)
