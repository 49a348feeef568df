"""Reading stored check results back: the latest run of each check for each control."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from aiattest.store import Database
from aiattest.store.models.evidence import CheckResultRow


def latest_results(
    db: Database, organisation_id: uuid.UUID, *, control_id: str | None = None
) -> list[CheckResultRow]:
    """The latest stored result (by as-of time) of each (control, check) of the
    organisation, or of one control, ordered by control and check."""
    r = CheckResultRow
    scope = [r.organisation_id == organisation_id]
    if control_id is not None:
        scope.append(r.control_id == control_id)
    newest = (
        select(r.control_id, r.check_id, func.max(r.as_of).label("at"))
        .where(*scope)
        .group_by(r.control_id, r.check_id)
        .subquery()
    )
    query = (
        select(r)
        .join(
            newest,
            (r.control_id == newest.c.control_id)
            & (r.check_id == newest.c.check_id)
            & (r.as_of == newest.c.at),
        )
        .where(*scope)
        .order_by(r.control_id, r.check_id, r.collected_at)
    )
    with db.session() as session:
        rows = list(session.scalars(query))
    # Two runs with the same as-of time (a repeated collect): keep the later collected one.
    latest: dict[tuple[str, str], CheckResultRow] = {}
    for row in rows:
        latest[(row.control_id, row.check_id)] = row
    return list(latest.values())


def result_view(row: CheckResultRow) -> dict[str, Any]:
    """A stored result as JSON-ready data."""
    return {
        "control": row.control_id,
        "check": row.check_id,
        "status": row.status,
        "period": [row.period_start.isoformat(), row.period_end.isoformat()],
        "as_of": _utc(row.as_of).isoformat(),
        "population": row.population,
        "failed": row.failed,
        "summary": row.summary,
        "ledger_index": row.ledger_index,
    }


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
