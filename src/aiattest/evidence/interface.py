"""The ``Check`` seam: code that decides from real data whether a control operated in a
period, the context it reads through, and the result it returns.

A check reads registers, gateway keys and settings, and the ledger's audit events, as of
``context.at`` (data created later is ignored, so a check can be re-run for a past day),
and returns one :class:`Item` per member of the population it examined.
"""

from __future__ import annotations

import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, ClassVar, NewType, TypeVar

from aiattest.assess import Outcome, Period, Window
from aiattest.config import Settings
from aiattest.errors import Error
from aiattest.ledger import Ledger
from aiattest.store import Database

CheckId = NewType("CheckId", str)
"""Kebab-case id of a check, as controls name it in the catalog."""

T = TypeVar("T")


class EvidenceError(Error):
    """A check could not run or its evidence could not be stored."""


@dataclass(frozen=True, slots=True)
class Item:
    """One member of the population a check examined, and whether it met the control."""

    ref: str
    """Stable id of the occurrence: a key id, ``model@version``, a change or vendor name."""
    kind: str
    """What the population holds: ``api-key``, ``deployment``, ``vendor``, ``route``, ..."""
    ok: bool
    """Whether this occurrence met the control."""
    at: datetime | None = None
    """When the occurrence happened (events), or None for a state examined as of ``at``."""
    note: str = ""
    """Why it failed, or what was seen; ids and counts, never personal data or content."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "ref": self.ref,
            "kind": self.kind,
            "ok": self.ok,
            "at": self.at.isoformat() if self.at else None,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What one run of a check found for one period."""

    check_id: str
    """The check that ran."""
    status: Outcome
    """PASS, FAIL, or EXCEPTION when the check could not decide (data missing, error)."""
    summary: str
    """One line for a person."""
    period: Period
    """The period the result is about."""
    items: tuple[Item, ...] = ()
    """The population examined, each member with its verdict."""

    @property
    def failures(self) -> tuple[Item, ...]:
        """Members that did not meet the control."""
        return tuple(i for i in self.items if not i.ok)


@dataclass
class CheckContext:
    """What a check may read: the store, the ledger, the settings, one organisation, a time."""

    db: Database
    """The database with the registers and gateway tables."""
    ledger: Ledger
    """The evidence ledger (audit events, register changes, earlier results)."""
    settings: Settings
    """Settings in effect (gateway routes, guard policy, evidence thresholds)."""
    organisation_id: uuid.UUID
    """The organisation under assessment."""
    at: datetime
    """As-of time (UTC): checks ignore data created after it."""
    window: Window | None = None
    """All the days this collect run covers (a back-fill covers many periods): a check that
    scans the ledger may read the whole window once, memoised, and serve every period."""
    shared: dict[str, Any] = field(default_factory=dict, repr=False)
    """Memo shared by every context of one collect run (see :meth:`memo`)."""

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """Compute a value once per context (e.g. one pass over the audit events that
        several checks share) and hand the same object to every later caller."""
        if key not in self.shared:
            self.shared[key] = factory()
        value: T = self.shared[key]
        return value

    def until(self, period: Period) -> datetime:
        """End of ``period`` (exclusive) as a UTC time, but never after ``at``."""
        return min(day_end(period.end), self.at)


def day_start(day: date) -> datetime:
    """00:00 UTC of ``day``."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def day_end(day: date) -> datetime:
    """00:00 UTC of the day after ``day`` (an exclusive bound)."""
    return day_start(day) + timedelta(days=1)


class Check(ABC):
    """Decides whether a control operated in a period. Subclasses set the class
    attributes and implement :meth:`run`; they hold no state between runs."""

    id: ClassVar[str]
    """The check id controls name."""
    title: ClassVar[str]
    """What it verifies, in a few words."""
    population: ClassVar[str]
    """What its items are (``api-key``, ``deployment``, ...)."""
    events: ClassVar[bool] = False
    """True when the items are events dated in the period (deployments, incidents,
    rotations): a run over a whole window then gives the window's complete population.
    False when the check examines state as of ``at`` (the population is its runs)."""
    reads_results: ClassVar[bool] = False
    """True for a check about other checks' stored results: the runner runs it after it
    has stored the results of the others in the same collect run."""

    @abstractmethod
    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """Examine the population for ``period`` as of ``context.at``."""

    def result(
        self,
        period: Period,
        items: Iterable[Item],
        *,
        empty: str | None = None,
        ok: str | None = None,
    ) -> CheckResult:
        """Build the result: FAIL if any item failed; with no items, PASS with ``ok`` when
        ``empty`` is None, else FAIL with ``empty`` as the reason."""
        examined = tuple(items)
        failed = sum(1 for i in examined if not i.ok)
        if not examined and empty is not None:
            return CheckResult(self.id, Outcome.FAIL, empty, period, examined)
        if failed:
            summary = f"{failed} of {len(examined)} {self.population} failed"
            return CheckResult(self.id, Outcome.FAIL, summary, period, examined)
        summary = ok or f"{len(examined)} {self.population} examined, all passed"
        return CheckResult(self.id, Outcome.PASS, summary, period, examined)
