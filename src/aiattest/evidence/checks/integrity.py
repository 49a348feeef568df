"""Checks over the evidence itself: the ledger verifies, control results are current."""

from __future__ import annotations

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


def _stored(context: CheckContext) -> dict[str, list[_Stored]]:
    """Every stored result of the organisation by control, as of any time (filtered later)."""

    def load() -> dict[str, list[_Stored]]:
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
        return dict(out)

    return context.memo(f"stored-results:{context.organisation_id}", load)


def _catalog(context: CheckContext) -> Catalog:
    path = context.settings.catalog_dir
    return context.memo(f"catalog:{path}", lambda: load_catalog(path))


def failing_since(results: list[_Stored]) -> datetime | None:
    """When the unbroken run of failing periods that ends with the latest period was first
    seen failing (the earliest ``as_of`` of its failing results), or None when the latest
    period passed. A period fails when the latest result of any of its checks is not a
    pass (fail or exception)."""
    latest: dict[tuple[date, str], _Stored] = {}
    for r in results:
        key = (r.period_start, r.check_id)
        if key not in latest or latest[key].as_of < r.as_of:
            latest[key] = r
    failing: dict[date, bool] = {}
    for (start, _), r in latest.items():
        failing[start] = failing.get(start, False) or r.status != Outcome.PASS
    streak: set[date] = set()
    for start in sorted(failing, reverse=True):
        if not failing[start]:
            break
        streak.add(start)
    seen = [r.as_of for r in results if r.period_start in streak and r.status != Outcome.PASS]
    return min(seen, default=None)


def _judge(control: Control, results: list[_Stored], at: datetime) -> Item:
    frequency = Frequency.DAILY if control.frequency is Frequency.PER_EVENT else control.frequency
    current = period_containing(frequency, at.date())
    previous = period_containing(frequency, current.start - timedelta(days=1))
    known = [r for r in results if r.as_of <= at]
    recent = {r.period_start for r in known} & {previous.start, current.start}
    problems = []
    if not recent:
        problems.append(f"no result for {previous.start}..{previous.end} or the current period")
    since = failing_since(known)
    if since is not None and (at - since).days > MAX_FAILING_DAYS:
        problems.append(f"failing since {since.date()} ({(at - since).days} days)")
    note = "; ".join(problems) or f"{len(known)} results; the latest period passed"
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
        items = [_judge(c, stored.get(c.id, []), context.at) for c in automated]
        return self.result(period, items, empty="the catalog has no automated controls")


CHECKS: tuple[type[Check], ...] = (LedgerVerifies, ControlResultsCurrent)
