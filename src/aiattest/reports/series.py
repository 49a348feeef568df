"""The data series the report charts draw, computed once so the SVG (HTML) and the
reportlab (PDF) charts show the same numbers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from aiattest.assess.model import CategoryScore, Gap
from aiattest.assess.operation import Outcome
from aiattest.assess.periods import Window
from aiattest.reports.interface import ResultPoint

CATEGORY_LABELS = {
    "security": "Security",
    "availability": "Availability",
    "processing_integrity": "Processing integrity",
    "confidentiality": "Confidentiality",
    "privacy": "Privacy",
}
"""Display names of the TSC categories."""

MAX_WEEKS = 60
"""The evidence chart shows at most this many weeks (the newest); a Type II window of
twelve months is 53 weeks."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a horizontal bar chart."""

    label: str
    """What the bar is."""
    value: float
    """Its length, 0..1."""
    note: str = ""
    """Text printed after the bar (e.g. ``12 of 15 ready``)."""


@dataclass(frozen=True, slots=True)
class WeekCount:
    """Stored check results of one week (Monday to Sunday), by status."""

    week_start: date
    """The Monday."""
    passed: int
    """Passing results."""
    failed: int
    """Failing results."""
    exceptions: int
    """Documented exceptions."""

    @property
    def total(self) -> int:
        """All results of the week."""
        return self.passed + self.failed + self.exceptions


def category_label(category: str) -> str:
    """Display name of a TSC category (the slug itself when unknown)."""
    return CATEGORY_LABELS.get(category, category)


def readiness_bars(categories: Sequence[CategoryScore]) -> tuple[Bar, ...]:
    """One bar per TSC category: its readiness and how many controls are ready."""
    return tuple(
        Bar(category_label(c.category), _unit(c.score), f"{c.ready} of {c.controls} ready")
        for c in categories
    )


def gap_bars(gaps: Sequence[Gap], limit: int) -> tuple[Bar, ...]:
    """The ``limit`` highest-impact gaps, scaled so the largest fills the chart."""
    top = sorted(gaps, key=lambda g: (-g.impact, g.control_id))[: max(limit, 0)]
    largest = max((g.impact for g in top), default=0.0)
    return tuple(
        Bar(g.control_id, g.impact / largest if largest > 0 else 0.0, f"{g.impact:.3f}")
        for g in top
    )


def weekly_counts(
    points: Iterable[ResultPoint], window: Window | None = None
) -> tuple[WeekCount, ...]:
    """Results per week, every week from the first to the last (empty weeks included).

    With a window, only results inside it count and the weeks span the whole window, so a
    quiet stretch shows as a gap rather than disappearing.
    """
    counts: dict[date, list[int]] = {}
    for point in points:
        if window is not None and not window.start <= point.day <= window.end:
            continue
        slot = counts.setdefault(_monday(point.day), [0, 0, 0])
        slot[_INDEX[point.status]] += 1
    if window is not None:
        first, last = _monday(window.start), _monday(window.end)
    elif counts:
        first, last = min(counts), max(counts)
    else:
        return ()
    weeks = []
    day = max(first, last - timedelta(weeks=MAX_WEEKS - 1))
    while day <= last:
        passed, failed, excepted = counts.get(day, (0, 0, 0))
        weeks.append(WeekCount(day, passed, failed, excepted))
        day += timedelta(weeks=1)
    return tuple(weeks)


_INDEX = {Outcome.PASS: 0, Outcome.FAIL: 1, Outcome.EXCEPTION: 2}


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _unit(value: float) -> float:
    return min(max(value, 0.0), 1.0)
