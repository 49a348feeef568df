"""The evidence scheduler inside ``aiattest serve``: every tick it finds the automated
controls whose period needs a run and runs their checks, for every organisation, in a
worker thread.

When a control is due is a pure function of its last stored results (:func:`is_due`):
continuous and per-event controls are re-checked hourly; daily ones once per day; weekly,
monthly, quarterly and annual ones once per period, and again each day while the latest
run of the period has not passed.

Only one worker among several (uvicorn workers, or hosts sharing PostgreSQL) runs a tick:
on PostgreSQL the tick holds a session-level advisory lock (``pg_try_advisory_lock``); on
SQLite, which only one host can share, it holds an exclusive ``flock`` on a lock file
beside the database file. A worker that cannot take the guard skips the tick; the one that holds it
re-reads the stored results under the guard, so work finished by another worker is never
repeated. Each worker waits a random half to whole tick before its first one, which
spreads the workers' attempts apart.

Inside ``aiattest serve`` the checks run in a child process (``isolate``): a tick can
take seconds of CPU (a full ledger verify, a pass over a day of audit events), which in
the gateway's own process would hold the GIL and stall its event loop and its requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import logging
import multiprocessing
import random
import uuid
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from aiattest.assess import Outcome, period_containing
from aiattest.catalog import Catalog, Control, Frequency
from aiattest.config import Settings
from aiattest.evidence import runner
from aiattest.evidence.registry import REGISTRY
from aiattest.evidence.results import latest_results
from aiattest.ledger import Ledger
from aiattest.store import Database
from aiattest.store.models import Organisation

log = logging.getLogger(__name__)

HOURLY = timedelta(hours=1)
"""How often continuous and per-event controls are re-checked."""
_LOCK_KEY = int.from_bytes(hashlib.sha256(b"aiattest-evidence-scheduler").digest()[:8], "big") >> 1
"""The PostgreSQL advisory lock id of the scheduler (a stable positive bigint)."""


@dataclass(frozen=True, slots=True)
class LastRun:
    """The latest stored results of a control: the oldest of its checks' latest runs."""

    at: datetime
    """As-of time of the least recent of the control's checks' latest runs."""
    period_start: date
    """First day of the period those runs were for (the earliest among them)."""
    passed: bool
    """Whether every check's latest run passed."""


def is_due(frequency: Frequency, last: LastRun | None, now: datetime) -> bool:
    """Whether a control of ``frequency`` needs a run at ``now`` given its ``last`` run."""
    if last is None:
        return True
    if frequency in (Frequency.CONTINUOUS, Frequency.PER_EVENT):
        return now - last.at >= HOURLY
    today = now.date()
    if frequency is Frequency.DAILY:
        return last.at.date() < today
    current = period_containing(frequency, today)
    if last.period_start < current.start:
        return True  # nothing yet for the current period
    # Run once per period; a period whose latest run did not pass is retried daily.
    return not last.passed and last.at.date() < today


def last_runs(
    rows: Sequence[tuple[str, str, datetime, date, str]], controls: Sequence[Control]
) -> dict[str, LastRun | None]:
    """Each control's :class:`LastRun` from rows of (control, check, as_of, period_start,
    status), the latest row per control and check; None when a check has never run."""
    latest = {(c, k): (at, start, status) for c, k, at, start, status in rows}
    out: dict[str, LastRun | None] = {}
    for control in controls:
        runs = [latest.get((control.id, check)) for check in control.checks]
        if any(r is None for r in runs):
            out[control.id] = None
            continue
        present = [r for r in runs if r is not None]
        out[control.id] = LastRun(
            at=min(r[0] for r in present),
            period_start=min(r[1] for r in present),
            passed=all(r[2] == Outcome.PASS for r in present),
        )
    return out


def due_controls(
    controls: Sequence[Control], last: Mapping[str, LastRun | None], now: datetime
) -> list[str]:
    """Ids of the ``controls`` that are due at ``now``, sorted."""
    return sorted(c.id for c in controls if is_due(c.frequency, last.get(c.id), now))


class Scheduler:
    """Runs due checks for every organisation, one guarded tick at a time."""

    def __init__(
        self,
        db: Database,
        ledger: Ledger,
        settings: Settings,
        catalog: Catalog,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        isolate: bool = False,
    ) -> None:
        self.isolate = isolate
        """Run the checks in a child process (its own engine, ledger and catalog, read
        from the settings) instead of this one."""
        self._pool: ProcessPoolExecutor | None = None
        self.db = db
        self.ledger = ledger
        self.settings = settings
        self.catalog = catalog
        self.clock = clock
        self._warned: set[str] = set()

    def runnable(self) -> list[Control]:
        """Automated controls whose checks are all registered (others are logged once:
        the registry test makes this empty in a complete build)."""
        out = []
        for control in runner.automated_controls(self.catalog):
            missing = [c for c in control.checks if c not in REGISTRY]
            if missing and control.id not in self._warned:
                self._warned.add(control.id)
                log.warning("control %s not scheduled: no check %s", control.id, missing[0])
            if not missing:
                out.append(control)
        return out

    def tick(self) -> dict[uuid.UUID, list[runner.Collected]] | None:
        """Run what is due for every organisation; None when another worker holds the guard."""
        with self.guard() as held:
            if not held:
                return None
            controls = self.runnable()
            with self.db.session() as session:
                orgs = list(session.scalars(select(Organisation.id).order_by(Organisation.slug)))
            ran: dict[uuid.UUID, list[runner.Collected]] = {}
            for org in orgs:
                try:
                    ran[org] = self._run_org(org, controls)
                except Exception:  # one organisation's failure must not starve the others
                    log.exception("evidence scheduler failed for organisation %s", org)
            return ran

    def _run_org(self, org: uuid.UUID, controls: Sequence[Control]) -> list[runner.Collected]:
        now = self.clock()
        due = due_controls(controls, last_runs(self._latest(org), controls), now)
        if not due:
            return []
        if self.isolate:
            if self._pool is None:
                # One long-lived child, started clean (spawn: no copy of the server's state).
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
            # Settings travel as their values: the loaded class is made per load, unpicklable.
            values = self.settings.model_dump()
            collected = self._pool.submit(collect_isolated, values, org, now, due).result()
        else:
            collected = runner.collect(
                self.db, self.ledger, self.settings, self.catalog, org, at=now, controls=due
            )
        log.info("evidence scheduler ran %d check(s) for %d control(s)", len(collected), len(due))
        return collected

    def _latest(self, org: uuid.UUID) -> list[tuple[str, str, datetime, date, str]]:
        """The latest stored run per (control, check) of ``org``."""
        return [
            (r.control_id, r.check_id, _utc(r.as_of), r.period_start, r.status)
            for r in latest_results(self.db, org)
        ]

    def close(self) -> None:
        """Stop the child process, if one was started."""
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    @contextlib.contextmanager
    def guard(self) -> Iterator[bool]:
        """Hold the scheduler's guard for the block; yields False when another worker
        holds it (the caller then does nothing)."""
        if self.db.dialect == "sqlite":
            yield from self._file_guard()
        else:
            yield from self._advisory_guard()

    def _advisory_guard(self) -> Iterator[bool]:
        with self.db.engine.connect() as conn:
            held = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": _LOCK_KEY}))
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _LOCK_KEY})
                    conn.commit()

    def _file_guard(self) -> Iterator[bool]:
        database = self.db.engine.url.database
        if not database or database == ":memory:":
            yield True  # a private in-memory database has no other workers
            return
        with Path(f"{database}.scheduler.lock").open("a") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    async def run_until(self, stop: asyncio.Event, tick_s: float) -> None:
        """Tick every ``tick_s`` seconds until ``stop`` is set; a tick that has started
        finishes first (its results reach the ledger before the app closes it). A failed
        tick is logged, and the next one tries again."""
        # The first tick comes after half to one whole tick: workers started together
        # spread apart, and a short-lived app (a test, a restart) does not run checks.
        first = tick_s * random.uniform(0.5, 1.0)  # noqa: S311 (spreading, not security)
        if await _wait(stop, first):
            return
        while True:
            try:
                await asyncio.to_thread(self.tick)
            except Exception:  # the gateway keeps serving; evidence is retried next tick
                log.exception("evidence scheduler tick failed")
            if await _wait(stop, tick_s):
                return


async def _wait(stop: asyncio.Event, seconds: float) -> bool:
    """Wait up to ``seconds`` for ``stop``; True when it was set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


@contextlib.asynccontextmanager
async def scheduled(
    settings: Settings, db: Database, ledger: Ledger, catalog: Catalog
) -> AsyncIterator[Scheduler | None]:
    """Run the scheduler as a background task for the life of the block (when enabled)."""
    if not settings.evidence.scheduler_enabled:
        yield None
        return
    # A private in-memory database cannot be opened from another process.
    isolate = db.engine.url.database not in (None, "", ":memory:") or db.dialect != "sqlite"
    scheduler = Scheduler(db, ledger, settings, catalog, isolate=isolate)
    stop = asyncio.Event()
    task = asyncio.create_task(scheduler.run_until(stop, settings.evidence.scheduler_tick_s))
    try:
        yield scheduler
    finally:
        stop.set()
        await task
        await asyncio.to_thread(scheduler.close)


def collect_isolated(
    values: dict[str, Any], org: uuid.UUID, at: datetime, controls: list[str]
) -> list[runner.Collected]:
    """The scheduler's child process: run ``controls``' checks for ``org`` as of ``at``
    with the settings ``values``, and a database engine, ledger and catalog of its own."""
    from aiattest.catalog import load_catalog

    settings = Settings(**values)
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    try:
        catalog = load_catalog(settings.catalog_dir)
        return runner.collect(db, ledger, settings, catalog, org, at=at, controls=controls)
    finally:
        ledger.close()
        db.dispose()


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
