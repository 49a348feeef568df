"""The periods in which a control must have operated, by its frequency, over a window.

A daily control needs evidence for each day of the window, a quarterly one for each
calendar quarter it touches, and so on. Continuous (automated, always-on) controls are
tested per day, as auditors test their monitoring; per-event controls have no calendar
periods (their population is the events themselves) and yield none here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from aiattest.catalog import Frequency
from aiattest.errors import InputError


@dataclass(frozen=True, slots=True, order=True)
class Window:
    """An inclusive range of calendar days (UTC) an assessment covers."""

    start: date
    """First day."""
    end: date
    """Last day (inclusive)."""

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise InputError(f"window ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def parse(cls, text: str) -> Window:
        """Parse ``FROM..TO`` with ISO dates, e.g. ``2026-01-01..2026-06-30``."""
        start_text, sep, end_text = text.partition("..")
        if not sep:
            raise InputError(f"window {text!r} must look like 2026-01-01..2026-06-30")
        try:
            return cls(date.fromisoformat(start_text), date.fromisoformat(end_text))
        except ValueError as e:
            raise InputError(f"window {text!r}: {e}") from e

    @property
    def days(self) -> int:
        """Number of days in the window."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """One period a control must operate in: inclusive first and last day."""

    start: date
    """First day."""
    end: date
    """Last day (inclusive)."""

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the period."""
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        """A short human label, e.g. ``2026-03-01`` or ``2026-01-01..2026-03-31``."""
        if self.start == self.end:
            return self.start.isoformat()
        return f"{self.start.isoformat()}..{self.end.isoformat()}"


def periods_for(frequency: Frequency, window: Window) -> list[Period]:
    """The periods, clipped to ``window``, in which a control of ``frequency`` must operate."""
    if frequency is Frequency.PER_EVENT:
        return []
    if frequency in (Frequency.DAILY, Frequency.CONTINUOUS):
        return [Period(d, d) for d in _days(window.start, window.end)]
    if frequency is Frequency.WEEKLY:
        first_monday = window.start - timedelta(days=window.start.weekday())
        return _clip(
            ((d, d + timedelta(days=6)) for d in _steps(first_monday, window.end, 7)), window
        )
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}[frequency]
    return _clip(_calendar_blocks(window, months), window)


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _steps(start: date, end: date, step_days: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(0, (end - start).days + 1, step_days)]


def _calendar_blocks(window: Window, months: int) -> list[tuple[date, date]]:
    """Blocks of ``months`` calendar months aligned to January, covering the window."""
    first_month = ((window.start.month - 1) // months) * months + 1
    cursor = date(window.start.year, first_month, 1)
    blocks = []
    while cursor <= window.end:
        nxt = _add_months(cursor, months)
        blocks.append((cursor, nxt - timedelta(days=1)))
        cursor = nxt
    return blocks


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    return date(day.year + index // 12, index % 12 + 1, 1)


def _clip(blocks: Iterable[tuple[date, date]], window: Window) -> list[Period]:
    return [Period(max(start, window.start), min(end, window.end)) for start, end in blocks]


def period_containing(frequency: Frequency, day: date) -> Period:
    """The whole period of ``frequency`` that contains ``day`` (per-event and continuous
    controls are collected per day)."""
    if frequency in (Frequency.PER_EVENT, Frequency.DAILY, Frequency.CONTINUOUS):
        return Period(day, day)
    if frequency is Frequency.WEEKLY:
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6))
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.ANNUAL: 12}[frequency]
    first = date(day.year, ((day.month - 1) // months) * months + 1, 1)
    return Period(first, _add_months(first, months) - timedelta(days=1))
