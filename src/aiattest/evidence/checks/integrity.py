"""Checks over the evidence itself: the ledger verifies, control results are current."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from aiattest.assess import Outcome, Period, period_containing
from aiattest.catalog import Catalog, Control, Frequency, load_catalog
from aiattest.errors import VerificationError
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.ledger import VerifyReport
from aiattest.store.models.evidence import CheckResultRow

MAX_FAILING_DAYS = 30
"""A control whose results have failed for longer than this, without a pass, fails."""


class LedgerVerifies(Check):
    """The evidence ledger is intact.

    Reads the whole ledger (``Ledger.verify``: every leaf rebuilt into the tree, the head
    and every signed checkpoint checked); verified once per collect run, since one
    verification covers every earlier state. One item, the log (ref: its tree size),
    passes when verification succeeds; on ``VerificationError`` it fails with the reason
    (ref: the first bad index, when known).
    """

    id = "ledger-verifies"
    title = "The evidence ledger verifies"
    population = "log"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item: the log."""
        outcome = context.memo("ledger-verify", lambda: _verify(context))
        if isinstance(outcome, VerificationError):
            ref = str(outcome.index) if outcome.index is not None else "log"
            item = Item(ref, "log", False, note=f"verification failed: {outcome.message}")
        else:
            note = f"{outcome.tree_size} entries rebuilt and checked"
            item = Item(str(outcome.tree_size), "log", True, note=note)
        return self.result(period, [item])


def _verify(context: CheckContext) -> VerifyReport | VerificationError:
    try:
        return context.ledger.verify()
    except VerificationError as e:
        return e


@dataclass(frozen=True, slots=True)
class _Stored:
    """What this check needs of one stored result."""

    control_id: str
    check_id: str
    status: str
    period_start: date
    as_of: datetime


@dataclass(frozen=True, slots=True)
class History:
    """One control's stored results, by period."""

    starts: list[date]
    """First days of the periods that have results, ascending."""
    by_start: dict[date, list[_Stored]]
    """Results of each period (every check, every run)."""

    @classmethod
    def of(cls, results: list[_Stored]) -> History:
        """Index ``results``."""
        by_start: dict[date, list[_Stored]] = defaultdict(list)
        for r in results:
            by_start[r.period_start].append(r)
        return cls(sorted(by_start), dict(by_start))


def _stored(context: CheckContext) -> dict[str, History]:
    """Every stored result of the organisation by control, as of any time (filtered later)."""

    def load() -> dict[str, History]:
        query = select(
            CheckResultRow.control_id,
            CheckResultRow.check_id,
            CheckResultRow.status,
            CheckResultRow.period_start,
            CheckResultRow.as_of,
        ).where(CheckResultRow.organisation_id == context.organisation_id)
        out: dict[str, list[_Stored]] = defaultdict(list)
        with context.db.session() as session:
            for row in session.execute(query):
                out[row[0]].append(_Stored(*row))
        return {control: History.of(results) for control, results in out.items()}

    return context.memo(f"stored-results:{context.organisation_id}", load)


def _catalog(context: CheckContext) -> Catalog:
    path = context.settings.catalog_dir
    return context.memo(f"catalog:{path}", lambda: load_catalog(path))


def _period_fails(results: list[_Stored], at: datetime) -> tuple[bool, datetime] | None:
    """Whether a period failed as of ``at`` (the latest result of any of its checks is not
    a pass), and when it was first seen failing; None when it had no result by ``at``."""
    latest: dict[str, _Stored] = {}
    for r in results:
        if r.as_of <= at and (r.check_id not in latest or latest[r.check_id].as_of < r.as_of):
            latest[r.check_id] = r
    if not latest:
        return None
    failed = [r.as_of for r in results if r.as_of <= at and r.status != Outcome.PASS]
    if all(r.status == Outcome.PASS for r in latest.values()):
        return False, at
    return True, min(failed)


def failing_since(history: History, at: datetime, horizon: datetime) -> datetime | None:
    """When the unbroken run of failing periods that ends with the latest period (as of
    ``at``) was first seen failing, or None when the latest period passed. The walk back
    stops once the run reaches before ``horizon``: older periods cannot change the verdict,
    and stopping keeps a back-fill over a year linear."""
    since = None
    for i in range(bisect_right(history.starts, at.date()) - 1, -1, -1):
        verdict = _period_fails(history.by_start[history.starts[i]], at)
        if verdict is None:
            continue
        failed, first_seen = verdict
        if not failed:
            break
        since = first_seen if since is None else min(since, first_seen)
        if since < horizon:
            break
    return since


def _judge(control: Control, history: History | None, at: datetime) -> Item:
    frequency = Frequency.DAILY if control.frequency is Frequency.PER_EVENT else control.frequency
    current = period_containing(frequency, at.date())
    previous = period_containing(frequency, current.start - timedelta(days=1))
    if history is None:
        history = History([], {})
    # A back-fill clips periods to its window, so a result counts for the previous or the
    # current period when its period starts anywhere within them.
    lo, hi = bisect_left(history.starts, previous.start), bisect_right(history.starts, current.end)
    recent = [r for s in history.starts[lo:hi] for r in history.by_start[s] if r.as_of <= at]
    problems = []
    if not recent:
        problems.append(f"no result for {previous.start}..{previous.end} or the current period")
    horizon = at - timedelta(days=MAX_FAILING_DAYS)
    since = failing_since(history, at, horizon)
    if since is not None and since < horizon:
        problems.append(
            f"failing for more than {MAX_FAILING_DAYS} days (at least since {since.date()})"
        )
    note = "; ".join(problems) or "the latest period passed"
    if not problems and since is not None:
        note = f"failing since {since.date()}, within {MAX_FAILING_DAYS} days"
    return Item(control.id, "control", not problems, note=note)


class ControlResultsCurrent(Check):
    """Every automated control has current results and none keeps failing.

    Reads the catalog (``settings.catalog_dir`` over the shipped one) and the organisation's
    rows of ``evidence_check_results`` stored by ``at``. An item per control with checks
    passes when it has a stored result for its latest complete period before ``at`` (per
    its frequency; per-event controls per day) or for the current period, and its results
    have not failed (fail or exception) for more than 30 days in a row.
    """

    id = "control-results-current"
    title = "Automated controls have current, non-stale results"
    population = "control"
    reads_results = True

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per automated control."""
        stored = _stored(context)
        automated = sorted((c for c in _catalog(context).controls if c.checks), key=lambda c: c.id)
        items = [_judge(c, stored.get(c.id), context.at) for c in automated]
        return self.result(period, items, empty="the catalog has no automated controls")


CHECKS: tuple[type[Check], ...] = (LedgerVerifies, ControlResultsCurrent)
