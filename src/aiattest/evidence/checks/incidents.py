"""Check that incidents were resolved within their SLA and have a postmortem."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from aiattest.assess import Period
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item, day_start
from aiattest.store.models.governance import Incident


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.1f}h"


def incident_item(incident: Incident, at: datetime, sla_hours: dict[str, int]) -> Item:
    """Whether ``incident`` met its severity's resolution SLA, as seen at ``at``.

    An incident counts as resolved only if its ``resolved_at`` is not after ``at``. A
    resolved incident passes when it was resolved within the SLA and has a postmortem;
    an open one passes (with a note) until its SLA runs out.
    """
    hours = sla_hours.get(incident.severity)
    if hours is None:
        # Fail closed: an incident whose severity has no SLA cannot be shown to meet one.
        return Item(incident.name, "incident", False, incident.opened_at,
                    f"no SLA configured for {incident.severity}")  # fmt: skip
    sla = timedelta(hours=hours)
    resolved = incident.resolved_at is not None and incident.resolved_at <= at
    if not resolved:
        elapsed = at - incident.opened_at
        if elapsed > sla:
            note = f"{incident.severity} open for {_hours(elapsed)}, past its {hours}h SLA"
            return Item(incident.name, "incident", False, incident.opened_at, note)
        note = f"{incident.severity} still open, within SLA ({_hours(elapsed)} of {hours}h)"
        return Item(incident.name, "incident", True, incident.opened_at, note)
    assert incident.resolved_at is not None
    took = incident.resolved_at - incident.opened_at
    gaps = []
    if took > sla:
        gaps.append(f"resolved after {_hours(took)}, past its {hours}h SLA")
    if not incident.postmortem.strip():
        gaps.append("no postmortem")
    note = "; ".join(gaps) or f"{incident.severity} resolved in {_hours(took)} of {hours}h"
    return Item(incident.name, "incident", not gaps, incident.opened_at, note)


class IncidentsSla(Check):
    """Reads the incident register as of ``at`` (incidents recorded later are ignored).

    The population is every incident opened in the period, plus every incident opened
    earlier that is still unresolved at ``at``. Passes when each was resolved within
    ``evidence.incident_sla_hours`` of its severity and, once resolved, has a postmortem;
    an incident still open within its SLA passes with a note, one open past it fails.
    No incidents in the period is a pass.
    """

    id = "incidents-sla"
    title = "Incidents resolved within their SLA, with a postmortem"
    population = "incidents"
    events = True

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per incident, dated when it was opened."""
        start, end = day_start(period.start), context.until(period)
        sla = context.settings.evidence.incident_sla_hours
        opened_in_period = and_(Incident.opened_at >= start, Incident.opened_at < end)
        still_open = and_(
            Incident.opened_at < start,
            or_(Incident.resolved_at.is_(None), Incident.resolved_at > context.at),
        )
        with context.db.session() as session:
            rows = list(
                session.scalars(
                    select(Incident)
                    .where(Incident.organisation_id == context.organisation_id)
                    .where(Incident.created_at <= context.at)
                    .where(or_(opened_in_period, still_open))
                    .order_by(Incident.opened_at, Incident.name)
                )
            )
            items = [incident_item(row, context.at, sla) for row in rows]
            unresolved = sum(1 for r in rows if r.resolved_at is None or r.resolved_at > context.at)
        ok = "no incidents opened or open in the period"
        if items:
            ok = f"{len(items)} incidents examined, all within SLA"
            ok += f" ({unresolved} still open)" if unresolved else ""
        return self.result(period, items, ok=ok)


CHECKS: tuple[type[Check], ...] = (IncidentsSla,)
