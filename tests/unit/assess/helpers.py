"""Small builders for assessment unit tests: controls, stored results and files as values."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from aiattest.assess import Outcome, Period, StoredFile, StoredItem, StoredResult
from aiattest.catalog import Automation, Control, Frequency, Nature, OwnerRole


def control(
    control_id: str = "widget-control",
    *,
    criteria: tuple[str, ...] = ("CC6.1",),
    frequency: Frequency = Frequency.DAILY,
    checks: tuple[str, ...] = ("widget-check",),
    guidance: str = "Do the widget thing.",
) -> Control:
    """A control built by hand (not from the shipped catalog)."""
    return Control(
        id=control_id,
        title=f"Title of {control_id}",
        description="What it does.",
        guidance=guidance,
        criteria=criteria,
        owner_role=OwnerRole.SECURITY_LEAD,
        frequency=frequency,
        nature=Nature.PREVENTIVE,
        automation=Automation.AUTOMATED if checks else Automation.MANUAL,
        evidence=("something",),
        checks=checks,
    )


def noon(day: date) -> datetime:
    """12:00 UTC of ``day``."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def run(
    day: date,
    status: Outcome = Outcome.PASS,
    *,
    check: str = "widget-check",
    ref: int = 1,
    items: tuple[StoredItem, ...] = (),
    end: date | None = None,
    collected: datetime | None = None,
) -> StoredResult:
    """A stored run about ``day`` (or ``day..end``), collected at the end of the period."""
    last = end or day
    as_of = collected or datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC)
    return StoredResult(check, status, Period(day, last), as_of, f"ledger:{ref}", items)


def upload(covers_from: date, expires_on: date, uploaded_on: date | None = None) -> StoredFile:
    """An uploaded artefact covering ``covers_from..expires_on``."""
    return StoredFile("file:abc", covers_from, expires_on, uploaded_on or covers_from)
