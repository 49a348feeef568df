"""Check that an access review was completed in the quarter.

Reviews are dated by ``closed_at`` (the time the reviewer closed the campaign and its
revocations were applied), so a review closed after ``context.at`` is not yet evidence.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from aiattest.assess import Outcome, Period, period_containing
from aiattest.catalog import Frequency
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item, day_end, day_start
from aiattest.store.models.governance import AccessReview


def quarters(period: Period) -> list[Period]:
    """The whole calendar quarters that ``period`` touches, in order."""
    found = []
    day = period.start
    while day <= period.end:
        quarter = period_containing(Frequency.QUARTERLY, day)
        found.append(quarter)
        day = quarter.end + timedelta(days=1)
    return found


def quarter_label(quarter: Period) -> str:
    """``2026-Q4`` for the quarter starting 2026-10-01."""
    return f"{quarter.start.year}-Q{(quarter.start.month - 1) // 3 + 1}"


def _review_item(review: AccessReview) -> Item:
    undecided = [i.subject for i in review.items if i.decision == "pending"]
    unapplied = [i.subject for i in review.items if i.decision == "revoke" and i.applied_at is None]
    revoked = sum(1 for i in review.items if i.decision == "revoke")
    problems = []
    if undecided:
        problems.append(f"{len(undecided)} subject(s) undecided")
    if unapplied:
        problems.append(f"{len(unapplied)} revocation(s) not applied")
    summary = f"{len(review.items)} subject(s) reviewed, {revoked} revoked"
    return Item(
        ref=review.name,
        kind="access-review",
        ok=not problems,
        at=review.closed_at,
        note="; ".join([*problems, summary]),
    )


class AccessReviewQuarterly(Check):
    """Reads the organisation's access review campaigns (status, closing time, every
    subject's decision and whether revocations were applied). For the calendar quarter
    containing the period's end -- and every other quarter the period touches -- PASS when
    at least one access review was closed within that quarter as of ``at``, and every
    review closed in those quarters had each subject decided and each revoke decision
    applied; FAIL when a quarter has no closed review, or a closed review is incomplete."""

    id = "access-review-quarterly"
    title = "An access review is completed every quarter"
    population = "access-review"
    events = True

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per access review closed in the quarters, as of ``context.at``."""
        spans = [q for q in quarters(period) if day_start(q.start) <= context.at]
        if not spans:
            return self.result(period, [], ok="the quarter has not started as of the run")
        start = day_start(spans[0].start)
        end = min(day_end(spans[-1].end), context.at)
        reviews = _closed_reviews(context, start, end)
        items = [_review_item(r) for r in reviews]
        missing = [
            quarter_label(q)
            for q in spans
            if not any(_closed_in(r.closed_at, q.start, q.end) for r in reviews)
        ]
        if missing:
            # Listing the reviews that do exist keeps the population complete for auditors.
            reason = f"no access review closed in {', '.join(missing)} as of {context.at:%Y-%m-%d}"
            return CheckResult(self.id, Outcome.FAIL, reason, period, tuple(items))
        labels = ", ".join(quarter_label(q) for q in spans)
        return self.result(period, items, ok=f"{len(items)} access review(s) closed in {labels}")


def _closed_in(closed_at: datetime | None, first: date, last: date) -> bool:
    return closed_at is not None and day_start(first) <= closed_at < day_end(last)


def _closed_reviews(context: CheckContext, start: datetime, end: datetime) -> list[AccessReview]:
    with context.db.session() as session:
        return list(
            session.scalars(
                select(AccessReview)
                .where(
                    AccessReview.organisation_id == context.organisation_id,
                    AccessReview.status == "closed",
                    AccessReview.closed_at >= start,
                    AccessReview.closed_at <= end,
                )
                .order_by(AccessReview.closed_at, AccessReview.name)
            )
        )


CHECKS: tuple[type[Check], ...] = (AccessReviewQuarterly,)
