"""Check that policies are approved, current and acknowledged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import select

from aiattest.assess import Outcome, Period
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.store.models import Principal
from aiattest.store.models.governance import Policy, PolicyAcknowledgement

APPROVED = frozenset({"approved"})
"""Policy statuses (as :class:`aiattest.governance.schemas.PolicySpec` names them) that mean
the policy is approved and in force."""
RETIRED = frozenset({"retired"})
"""Statuses of policies no longer in force: they are not part of the population."""
REVIEW_MAX_AGE = timedelta(days=365)
"""A policy last approved longer ago than this is overdue for its annual review."""


def policy_gaps(policy: Policy, today: date, missing: int, people: int) -> list[str]:
    """The conditions ``policy`` fails on ``today``, given how many of the ``people`` who
    must acknowledge its current version have ``missing`` acknowledgements."""
    gaps: list[str] = []
    approved_on = policy.approved_on
    if policy.status not in APPROVED or not policy.approved_by or approved_on is None:
        gaps.append(f"not approved (status {policy.status})")
    elif approved_on > today:
        gaps.append(f"approval dated {approved_on.isoformat()}, after the as-of date")
    elif today - approved_on > REVIEW_MAX_AGE:
        gaps.append(f"last reviewed {approved_on.isoformat()}, over a year ago")
    if missing:
        gaps.append(f"{missing} of {people} active people have not acknowledged v{policy.version}")
    return gaps


class PoliciesApprovedAcknowledged(Check):
    """Reads the policy register, policy acknowledgements and the organisation's active
    person principals as of ``at`` (later rows and acknowledgements are ignored).

    Retired policies are out of scope. Passes when every other policy is approved (status
    approved, approver and date recorded), was approved (reviewed) within the last 365
    days, and its current version has been acknowledged by every active person. Fails on
    any policy that misses one of these, and when there are no policies in force. With
    every policy approved but no active people recorded, the result is an exception: the
    acknowledgements can be shown neither present nor missing.
    """

    id = "policies-approved-acknowledged"
    title = "Policies approved, reviewed yearly and acknowledged by everyone"
    population = "policies"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per policy in force; the note counts missing acknowledgements."""
        org, at = context.organisation_id, context.at
        with context.db.session() as session:
            policies = list(
                session.scalars(
                    select(Policy)
                    .where(Policy.organisation_id == org, Policy.created_at <= at)
                    .where(Policy.status.not_in(RETIRED))
                    .order_by(Policy.name)
                )
            )
            people = set(
                session.scalars(
                    select(Principal.name).where(
                        Principal.organisation_id == org,
                        Principal.kind == "person",
                        Principal.active.is_(True),
                        Principal.created_at <= at,
                    )
                )
            )
            acks = {
                (policy_id, version, principal)
                for policy_id, version, principal in session.execute(
                    select(
                        PolicyAcknowledgement.policy_id,
                        PolicyAcknowledgement.version,
                        PolicyAcknowledgement.principal,
                    )
                    .join(Policy)
                    .where(
                        Policy.organisation_id == org, PolicyAcknowledgement.acknowledged_at <= at
                    )
                )
            }
            items = []
            for policy in policies:
                done = {p for p in people if (policy.id, policy.version, p) in acks}
                gaps = policy_gaps(policy, at.date(), len(people - done), len(people))
                acknowledged = f"acknowledged by all {len(people)} active people"
                if not people:
                    acknowledged = "no active people recorded to acknowledge it"
                note = "; ".join(gaps) or (
                    f"v{policy.version} approved {policy.approved_on}; {acknowledged}"
                )
                items.append(Item(policy.name, "policy", not gaps, None, note))
        result = self.result(period, items, empty="no policies in force")
        if result.status is Outcome.PASS and not people:
            # Fail closed, but honestly: without a roster of people the acknowledgements
            # cannot be shown either way, so the check cannot decide.
            summary = "no active people recorded: policy acknowledgements cannot be assessed"
            return replace(result, status=Outcome.EXCEPTION, summary=summary)
        return result


CHECKS: tuple[type[Check], ...] = (PoliciesApprovedAcknowledged,)
