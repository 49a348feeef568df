"""Stored check results as report points: the one query the readiness report and the
control matrix need beyond the assessment itself."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.assess.operation import Outcome
from aiattest.assess.periods import Window
from aiattest.errors import StoreError
from aiattest.reports.interface import ResultPoint
from aiattest.store.models.evidence import CheckResultRow


def result_points(
    session: Session, org: uuid.UUID, window: Window | None = None
) -> tuple[ResultPoint, ...]:
    """Every stored check result of ``org`` (those whose period ends inside ``window``),
    oldest first, as (day, status, control) points."""
    query = select(CheckResultRow.period_end, CheckResultRow.status, CheckResultRow.control_id)
    query = query.where(CheckResultRow.organisation_id == org)
    if window is not None:
        query = query.where(
            CheckResultRow.period_end >= window.start, CheckResultRow.period_end <= window.end
        )
    query = query.order_by(CheckResultRow.period_end, CheckResultRow.control_id)
    return tuple(_point(day, status, control) for day, status, control in session.execute(query))


def _point(day: date, status: str, control: str) -> ResultPoint:
    try:
        outcome = Outcome(status)
    except ValueError as e:
        # The runner only writes pass/fail/exception; anything else is a damaged row.
        raise StoreError(f"check result for {control} has unknown status {status!r}") from e
    return ResultPoint(day, outcome, control)
