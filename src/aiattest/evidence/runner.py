"""Run checks and keep their results: each run of a check for a period is appended to the
ledger as a ``control_result`` entry and indexed in ``evidence_check_results``.

``collect`` runs every automated control's checks for the period that contains ``at``;
``collect_window`` back-fills every period of a window (each run as of its period's end),
sharing one pass over the audit events between all periods.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiattest.assess import Outcome, Period, Window, period_containing, periods_for
from aiattest.catalog import Catalog, Control, Frequency
from aiattest.config import Settings
from aiattest.errors import Error, NotFoundError
from aiattest.evidence.interface import Check, CheckContext, CheckResult, day_end
from aiattest.evidence.registry import get_check
from aiattest.ledger import Entry, EntryKind, Ledger
from aiattest.ledger.canonical import canonical_json
from aiattest.store import Database
from aiattest.store.models.evidence import CheckResultRow

log = logging.getLogger(__name__)

ACTOR = "aiattest-evidence"
Progress = Callable[[int, int, str], None]
"""Called after each check run with (done, total, check id)."""


@dataclass(frozen=True, slots=True)
class Collected:
    """One check run for one period, and the controls it is evidence for."""

    result: CheckResult
    """What the check found."""
    controls: tuple[str, ...]
    """Controls that name the check and whose period this is."""
    as_of: datetime
    """The time the check looked at."""
    ledger_index: int
    """Where the result is in the ledger."""


@dataclass(frozen=True, slots=True)
class _Job:
    check_id: str
    period: Period
    as_of: datetime
    controls: tuple[str, ...]


def automated_controls(catalog: Catalog, only: Sequence[str] = ()) -> list[Control]:
    """Controls that have checks (all of them, or those named in ``only``)."""
    controls = [c for c in catalog.controls if c.checks]
    if only:
        manual = [c for c in only if not catalog.control(c).checks]
        if manual:
            raise NotFoundError(
                f"control {manual[0]!r} has no automated checks",
                hint="upload its evidence with `aiattest evidence upload`",
            )
        controls = [c for c in controls if c.id in set(only)]
    return sorted(controls, key=lambda c: c.id)


def collect(
    db: Database,
    ledger: Ledger,
    settings: Settings,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    *,
    at: datetime | None = None,
    controls: Sequence[str] = (),
    progress: Progress | None = None,
) -> list[Collected]:
    """Run the checks of every automated control (or of ``controls``) for the period of
    its frequency that contains ``at`` (default now), as of ``at``."""
    as_of = _utc(at) if at else datetime.now(UTC)
    jobs = _group(
        (check, period_containing(c.frequency, as_of.date()), as_of, c.id)
        for c in automated_controls(catalog, controls)
        for check in c.checks
    )
    window = _span(jobs)
    return _run(db, ledger, settings, organisation_id, jobs, window, progress)


def collect_window(  # noqa: PLR0917 (the collect signature plus a window)
    db: Database,
    ledger: Ledger,
    settings: Settings,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    window: Window,
    *,
    controls: Sequence[str] = (),
    now: datetime | None = None,
    progress: Progress | None = None,
) -> list[Collected]:
    """Back-fill: run each automated control's checks for every period of ``window`` its
    frequency requires (per-event controls per day), each as of the end of its period
    (or ``now`` for a period not over yet)."""
    current = _utc(now) if now else datetime.now(UTC)
    raw: list[tuple[str, Period, datetime, str]] = []
    for control in automated_controls(catalog, controls):
        frequency = Frequency.DAILY if control.frequency is Frequency.PER_EVENT else None
        for period in periods_for(frequency or control.frequency, window):
            as_of = min(day_end(period.end), current)
            if as_of <= datetime.combine(period.start, datetime.min.time(), tzinfo=UTC):
                continue  # the period has not started yet
            raw.extend((check, period, as_of, control.id) for check in control.checks)
    jobs = _group(raw)
    return _run(db, ledger, settings, organisation_id, jobs, window, progress)


def _group(raw: Iterable[tuple[str, Period, datetime, str]]) -> list[_Job]:
    """One job per (check, period, as-of), evidence for every control that asked for it."""
    grouped: dict[tuple[str, Period, datetime], list[str]] = {}
    for check, period, as_of, control in raw:
        grouped.setdefault((check, period, as_of), []).append(control)
    jobs = [_Job(k[0], k[1], k[2], tuple(sorted(set(v)))) for k, v in grouped.items()]
    jobs.sort(key=lambda j: (j.as_of, j.check_id))
    return jobs


def _span(jobs: Sequence[_Job]) -> Window | None:
    if not jobs:
        return None
    return Window(min(j.period.start for j in jobs), max(j.period.end for j in jobs))


def _run(  # noqa: PLR0917
    db: Database,
    ledger: Ledger,
    settings: Settings,
    organisation_id: uuid.UUID,
    jobs: Sequence[_Job],
    window: Window | None,
    progress: Progress | None,
) -> list[Collected]:
    # Resolve every check first: one the registry lacks stops the run before any runs.
    checks = {check_id: get_check(check_id) for check_id in sorted({j.check_id for j in jobs})}
    memo: dict[str, Any] = {}
    contexts: dict[datetime, CheckContext] = {}
    # Checks about other checks' results run second, once this run's results are stored.
    second = {j for j in jobs if checks[j.check_id].reads_results}
    stored: list[Collected] = []
    n = 0
    for phase in ([j for j in jobs if j not in second], [j for j in jobs if j in second]):
        done: list[tuple[_Job, CheckResult]] = []
        for job in phase:
            context = contexts.get(job.as_of)
            if context is None:
                # Contexts share one memo: a pass over the audit events serves every period.
                context = CheckContext(
                    db, ledger, settings, organisation_id, job.as_of, window, memo
                )
                contexts[job.as_of] = context
            done.append((job, _run_one(checks[job.check_id], context, job)))
            n += 1
            if progress:
                progress(n, len(jobs), job.check_id)
        stored.extend(_store(db, ledger, organisation_id, done))
    return stored


def _run_one(check: Check, context: CheckContext, job: _Job) -> CheckResult:
    try:
        return check.run(context, job.period)
    except Error as e:
        reason = e.message
    except Exception as e:  # a broken check is an exception in the evidence, not a crash
        log.exception("check %s failed", job.check_id)
        reason = f"{e.__class__.__name__} while running the check"
    return CheckResult(job.check_id, Outcome.EXCEPTION, f"could not run: {reason}", job.period)


def items_json(result: CheckResult) -> list[dict[str, Any]]:
    """The result's items as stored."""
    return [i.to_json() for i in result.items]


def items_digest(items: list[dict[str, Any]]) -> str:
    """SHA-256 hex of the canonical JSON of the stored items (what the ledger commits to)."""
    return hashlib.sha256(canonical_json(items)).hexdigest()


def _entry(job: _Job, result: CheckResult, digest: str) -> Entry:
    return Entry(
        kind=EntryKind.CONTROL_RESULT,
        ts_ms=int(job.as_of.timestamp() * 1000),
        actor=ACTOR,
        subjects=(job.check_id, *job.controls),
        payload={
            "check": job.check_id,
            "controls": list(job.controls),
            "status": str(result.status),
            "period": [result.period.start.isoformat(), result.period.end.isoformat()],
            "population": len(result.items),
            "failed": len(result.failures),
            "items_sha256": digest,
        },
    )


def _store(
    db: Database,
    ledger: Ledger,
    organisation_id: uuid.UUID,
    done: Sequence[tuple[_Job, CheckResult]],
) -> list[Collected]:
    if not done:
        return []
    stored = [items_json(r) for _, r in done]
    digests = [items_digest(s) for s in stored]
    # The ledger first: a result that is indexed is always also in the tamper-evident log.
    indexes = ledger.append_many(
        _entry(job, result, digest) for (job, result), digest in zip(done, digests, strict=True)
    )
    out = []
    with db.session() as session:
        for (job, result), items, digest, index in zip(done, stored, digests, indexes, strict=True):
            for control in job.controls:
                session.add(
                    CheckResultRow(
                        organisation_id=organisation_id,
                        control_id=control,
                        check_id=job.check_id,
                        status=str(result.status),
                        period_start=result.period.start,
                        period_end=result.period.end,
                        as_of=job.as_of,
                        population=len(result.items),
                        failed=len(result.failures),
                        summary=result.summary,
                        items=items,
                        items_sha256=digest,
                        ledger_index=int(index),
                    )
                )
            out.append(Collected(result, job.controls, job.as_of, int(index)))
    return out


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
