"""Type II operation: for each period a control must operate in, is there passing evidence?"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from aiattest.assess.periods import Period, Window, periods_for
from aiattest.catalog import Frequency


class Outcome(StrEnum):
    """What one piece of evidence says about one run of a control."""

    PASS = "pass"  # noqa: S105 (an outcome, not a password)
    FAIL = "fail"
    EXCEPTION = "exception"
    """The control did not run as designed, with a documented reason."""


@dataclass(frozen=True, slots=True)
class EvidencePoint:
    """One check result or uploaded artefact, reduced to what scoring needs."""

    day: date
    """The UTC day the evidence is about."""
    outcome: Outcome
    """Its result."""
    ref: str = ""
    """Where it is (e.g. a ledger index), for the exception list."""


@dataclass(frozen=True, slots=True)
class PeriodResult:
    """How one period went."""

    period: Period
    """The period."""
    outcome: Outcome | None
    """PASS if any evidence passed, else FAIL/EXCEPTION as seen, None when there was none."""
    refs: tuple[str, ...]
    """References of the evidence in the period."""


@dataclass(frozen=True, slots=True)
class ControlOperation:
    """A control's operation over a window."""

    frequency: Frequency
    """The control's frequency."""
    periods: tuple[PeriodResult, ...]
    """Every period the control had to operate in, in order."""

    @property
    def required(self) -> int:
        """Number of periods in which the control had to operate."""
        return len(self.periods)

    @property
    def passed(self) -> int:
        """Periods with passing evidence."""
        return sum(1 for p in self.periods if p.outcome is Outcome.PASS)

    @property
    def exceptions(self) -> tuple[PeriodResult, ...]:
        """Periods without passing evidence: failures, exceptions and holes, with dates."""
        return tuple(p for p in self.periods if p.outcome is not Outcome.PASS)

    @property
    def rate(self) -> float:
        """Share of periods with passing evidence (1.0 when none were required)."""
        return self.passed / self.required if self.required else 1.0


def operation(
    frequency: Frequency, window: Window, evidence: Iterable[EvidencePoint]
) -> ControlOperation:
    """Score a control's operation in ``window`` from its evidence.

    Calendar frequencies get one result per period. A per-event control gets one result per
    piece of evidence (each event must have passed). O(periods + evidence).
    """
    points = sorted((e for e in evidence if window.start <= e.day <= window.end), key=_day)
    if frequency is Frequency.PER_EVENT:
        return ControlOperation(
            frequency,
            tuple(PeriodResult(Period(e.day, e.day), e.outcome, (e.ref,)) for e in points),
        )
    results = []
    i = 0
    for period in periods_for(frequency, window):
        outcomes: list[Outcome] = []
        refs: list[str] = []
        while i < len(points) and points[i].day <= period.end:
            outcomes.append(points[i].outcome)
            refs.append(points[i].ref)
            i += 1
        results.append(PeriodResult(period, _combine(outcomes), tuple(refs)))
    return ControlOperation(frequency, tuple(results))


def _day(point: EvidencePoint) -> date:
    return point.day


def _combine(outcomes: list[Outcome]) -> Outcome | None:
    # One passing run is enough for a period; otherwise report what went wrong, exceptions
    # (documented deviations) before plain failures.
    if not outcomes:
        return None
    if Outcome.PASS in outcomes:
        return Outcome.PASS
    if Outcome.EXCEPTION in outcomes:
        return Outcome.EXCEPTION
    return Outcome.FAIL
