"""Counts over the gateway's audit events, made in one pass and shared by every check.

The gateway appends one ``audit_event`` ledger entry per request (see
:class:`aiattest.gateway.audit.AuditEvent`). The traffic checks all need counts of the same
events — requests, 5xx, fallbacks, guard decisions per finding category — by UTC day and
route. :func:`scan_events` reads the events of a time range once and buckets them;
:func:`period_totals` serves a check's period from the memoised pass over the collect
run's window, so a back-fill over a year reads each event once, not once per period.

Speed matters (a year may hold millions of events): the common event — no findings, no
fallback, decision ``allow`` — is recognised from the canonical bytes without parsing
them; only the other events go through ``json.loads``. Canonical JSON (RFC 8785, sorted
keys, no spaces) makes the byte patterns exact.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum
from typing import Any

from aiattest.assess import Period
from aiattest.evidence.interface import CheckContext, day_end, day_start
from aiattest.gateway.audit import AUDIT_KIND
from aiattest.store.models import Organisation

DAY_MS = 86_400_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()

DECISIONS = ("allow", "flag", "redact", "needs_approval", "block")
"""Guard decisions, weakest first (the index is a decision's slot within a category)."""
_DECISION_INDEX = {d: i for i, d in enumerate(DECISIONS)}
STRONG = frozenset({"redact", "needs_approval", "block"})
"""Decisions that stop content from passing as it was: redacted, held or blocked."""

NO_ROUTE = "(none)"
"""Route label of events that named no model (e.g. a malformed request)."""

# Counter slots of a bucket. The first six count requests; then, per category, one slot
# per decision (requests of that category, by the request's final decision).
REQUESTS = 0
"""Requests."""
SERVER_ERRORS = 1
"""Requests answered with a 5xx."""
FALLBACK_SERVED = 2
"""Requests a later provider served after earlier ones failed."""
ALL_FAILED = 3
"""Requests where every provider tried failed (the client got an error)."""
DEGRADED = 4
"""Requests only the rule-based last resort answered (every real provider failed)."""
PRIMARY_FAILED = 5
"""Requests where at least one provider attempt failed."""
_BASE = 6


class Category(IntEnum):
    """Groups of guard findings the checks ask about."""

    ALL = 0
    """Every request (its decision, findings or not)."""
    INJECTION = 1
    """``PROMPT_INJECTION`` findings."""
    PII = 2
    """Findings of the ``pii`` scanner on input."""
    SECRET = 3
    """``SECRET`` findings (any stage)."""
    OUTPUT = 4
    """Any finding of the output stage."""
    TOOL = 5
    """Tool-policy findings on tool calls the model made (stage ``tool``; offered tools the
    policy dropped, stage ``tools``, are not counted: dropping them is the action)."""


WIDTH = _BASE + len(Category) * len(DECISIONS)
"""Counters per bucket."""


def slot(category: Category, decision: str) -> int:
    """The counter slot of ``category`` requests whose decision was ``decision``."""
    return _BASE + int(category) * len(DECISIONS) + _DECISION_INDEX[decision]


def by_decision(counts: list[int], category: Category) -> dict[str, int]:
    """Requests of ``category`` per decision (decisions with none left out)."""
    first = _BASE + int(category) * len(DECISIONS)
    return {d: counts[first + i] for i, d in enumerate(DECISIONS) if counts[first + i]}


def category_total(counts: list[int], category: Category) -> int:
    """Requests with a finding of ``category`` (``ALL``: every request)."""
    first = _BASE + int(category) * len(DECISIONS)
    return sum(counts[first : first + len(DECISIONS)])


def day_of(ts_ms: int) -> date:
    """The UTC date of a millisecond timestamp."""
    return date.fromordinal(_EPOCH_ORDINAL + ts_ms // DAY_MS)


@dataclass
class AuditStats:
    """Counts of one scan, by UTC day number (days since 1970-01-01) and route."""

    days: dict[int, dict[str, list[int]]] = field(default_factory=dict)
    """Day number to route to :data:`WIDTH` counters."""
    pii: dict[int, dict[tuple[str, str, str], int]] = field(default_factory=dict)
    """Day number to (route, PII type, decision) to requests with that input PII type."""
    first_index: dict[int, int] = field(default_factory=dict)
    """Day number to the lowest ledger index of that day's events."""
    last_ts: dict[int, int] = field(default_factory=dict)
    """Day number to the latest timestamp (ms) among that day's events."""
    events: int = 0
    """Events counted."""

    @property
    def buckets(self) -> dict[tuple[int, str], list[int]]:
        """(day number, route) to counters: the same counts, flat."""
        return {(d, r): c for d, routes in self.days.items() for r, c in routes.items()}

    def counters(self, day: int, route: str) -> list[int]:
        """The counters of ``route`` on ``day``, made when missing."""
        routes = self.days.setdefault(day, {})
        counts = routes.get(route)
        if counts is None:
            counts = routes[route] = [0] * WIDTH
        return counts


@dataclass
class Totals:
    """The counts of one period as of a time: summed per route, with daily figures."""

    routes: dict[str, list[int]] = field(default_factory=dict)
    """Route to counters summed over the period."""
    pii: dict[tuple[str, str, str], int] = field(default_factory=dict)
    """(route, PII type, decision) to requests."""
    daily: dict[date, int] = field(default_factory=dict)
    """Requests per day (days without events left out)."""
    first_index: dict[date, int] = field(default_factory=dict)
    """Lowest ledger index of each day's events."""

    def total(self, index: int) -> int:
        """Counter ``index`` summed over every route."""
        return sum(c[index] for c in self.routes.values())

    def add(self, stats: AuditStats, first_day: int, end_day: int) -> None:
        """Add the counts of ``stats`` for day numbers ``first_day <= d < end_day``."""
        for d in range(first_day, end_day):
            routes = stats.days.get(d)
            if routes is None:
                continue
            when = day_of(d * DAY_MS)
            for route, counts in routes.items():
                mine = self.routes.get(route)
                if mine is None:
                    self.routes[route] = list(counts)
                else:
                    for i, n in enumerate(counts):
                        mine[i] += n
                self.daily[when] = self.daily.get(when, 0) + counts[REQUESTS]
            for key, n in stats.pii.get(d, {}).items():
                self.pii[key] = self.pii.get(key, 0) + n
            if d in stats.first_index:
                first = stats.first_index[d]
                self.first_index[when] = min(first, self.first_index.get(when, first))


_PLAIN_HEAD = b'"decision":"allow","degraded":false,"endpoint":"'
_PLAIN_TAIL = b'"fallbacks":0,"key_id":'
_STATUS = b',"status":'
_ROUTE = b'"route":"'


def scan_events(rows: Iterable[tuple[int, int, bytes]], tenant: str) -> AuditStats:
    """Bucket the audit events of ``tenant`` among ``rows`` (index, ts_ms, canonical
    body, in index order), reading each body once; events of other tenants, or of none,
    are skipped.

    The plain event is recognised from its bytes: in canonical JSON the payload keys come
    sorted (``attempts``, ``completion_tokens``, ``decision``, ``degraded``, ``endpoint``,
    ``error_code``, ``fallbacks``, ``findings``, ``key_id``, ... ``route``, ``status``,
    ``stream``, ``tenant``), so "decision allow, not degraded" followed by "no fallback and
    no findings" (``fallbacks`` directly followed by ``key_id``) is a fixed pattern, and
    ``route``, ``status`` and ``tenant`` follow in that order. A quote inside a string is
    always escaped, so the patterns cannot match inside a value.
    """
    stats = AuditStats()
    days, first_index, last_ts = stats.days, stats.first_index, stats.last_ts
    marker = b'"tenant":' + json.dumps(tenant).encode()
    plain_allow = slot(Category.ALL, "allow")
    routes: dict[bytes, str] = {}
    current_day, day_buckets = -1, {}
    counted = 0
    for index, ts_ms, body in rows:
        head = body.find(_PLAIN_HEAD)
        tail = body.find(_PLAIN_TAIL, head) if head >= 0 else -1
        status_at = body.find(_STATUS, tail) if tail >= 0 else -1
        if status_at >= 0:
            if body.find(marker, status_at, status_at + 40 + len(marker)) < 0:
                continue  # another tenant's event (or an anonymous one)
            start = body.find(_ROUTE, tail, status_at)
            raw = body[start + 9 : status_at - 1] if start >= 0 else b""
            route = routes.get(raw)
            if route is None and b"\\" not in raw:
                route = routes[raw] = raw.decode() if raw else NO_ROUTE
            if route is not None:
                counted += 1
                day = ts_ms // DAY_MS
                if ts_ms > last_ts.get(day, -1):
                    last_ts[day] = ts_ms
                if day != current_day:
                    current_day, day_buckets = day, days.setdefault(day, {})
                    first_index.setdefault(day, index)  # rows come in index order
                counts = day_buckets.get(route)
                if counts is None:
                    counts = day_buckets[route] = [0] * WIDTH
                counts[REQUESTS] += 1
                counts[plain_allow] += 1
                if body[status_at + 10] >= 0x35:  # "5": a 5xx status (statuses are 3 digits)
                    counts[SERVER_ERRORS] += 1
                continue
        if marker not in body:
            continue
        counted += 1
        day = ts_ms // DAY_MS
        first_index.setdefault(day, index)
        if ts_ms > last_ts.get(day, -1):
            last_ts[day] = ts_ms
        _count_parsed(stats, day, json.loads(body)["payload"])
    stats.events = counted
    return stats


def _count_parsed(stats: AuditStats, day: int, payload: dict[str, Any]) -> None:
    """Count one event that has findings, fallbacks or a decision other than allow."""
    route = str(payload.get("route") or NO_ROUTE)
    counts = stats.counters(day, route)
    status = int(payload.get("status", 0))
    decision = str(payload.get("decision", "allow"))
    if decision not in _DECISION_INDEX:
        decision = "allow"  # an unknown decision is treated as the weakest (fail closed)
    counts[REQUESTS] += 1
    if status >= 500:
        counts[SERVER_ERRORS] += 1
    if int(payload.get("fallbacks", 0)) > 0:
        counts[PRIMARY_FAILED] += 1
        if payload.get("degraded"):
            counts[DEGRADED] += 1
        elif payload.get("provider") and status < 500:
            counts[FALLBACK_SERVED] += 1
        elif payload.get("attempts"):
            counts[ALL_FAILED] += 1
    counts[slot(Category.ALL, decision)] += 1
    seen: set[Category] = set()
    for finding in payload.get("findings", ()):
        found = categorise(finding)
        seen.update(found)
        if Category.PII in found:
            pii = stats.pii.setdefault(day, {})
            pii_key = (route, str(finding.get("type", "")), decision)
            pii[pii_key] = pii.get(pii_key, 0) + 1
    for category in seen:
        counts[slot(category, decision)] += 1


def categorise(finding: dict[str, Any]) -> set[Category]:
    """The categories a finding summary of an audit event belongs to."""
    kind, stage = str(finding.get("type", "")), str(finding.get("stage", "input"))
    out: set[Category] = set()
    if kind == "PROMPT_INJECTION":
        out.add(Category.INJECTION)
    if kind == "SECRET":
        out.add(Category.SECRET)
    if stage == "output":
        out.add(Category.OUTPUT)
    elif stage == "tool":
        out.add(Category.TOOL)
    elif stage == "input" and finding.get("scanner") == "pii":
        out.add(Category.PII)
    return out


def tenant_of(context: CheckContext) -> str:
    """The organisation's slug: the tenant its gateway events carry (read once per run)."""

    def load() -> str:
        with context.db.session() as session:
            org = session.get(Organisation, context.organisation_id)
            return org.slug if org is not None else str(context.organisation_id)

    return context.memo(f"audit-stats:tenant:{context.organisation_id}", load)


def _scan(context: CheckContext, start: datetime, end: datetime) -> AuditStats:
    """The memoised pass over ``[start, end)``."""
    start_ms, end_ms = _ms(start), _ms(end)
    tenant = tenant_of(context)
    key = f"audit-stats:{context.organisation_id}:{start_ms}:{end_ms}"
    return context.memo(
        key, lambda: scan_events(context.ledger.scan(AUDIT_KIND, start_ms, end_ms), tenant)
    )


def period_totals(context: CheckContext, period: Period) -> Totals:
    """The counts of ``period`` as of ``context.at`` (shared by every check of the run:
    treat them as read-only).

    With a window that holds the period, the whole window is scanned once for the collect
    run and the period's days are taken from it; a day cut short by ``at`` is taken from
    it too unless that pass saw events of the day after ``at`` (then that day is counted
    from a scan up to ``at``). Without a window, the period itself is scanned.
    """
    until_ms = _ms(context.until(period))
    key = f"audit-totals:{context.organisation_id}:{period.start}:{period.end}:{until_ms}"
    return context.memo(key, lambda: _totals(context, period))


def _totals(context: CheckContext, period: Period) -> Totals:
    totals = Totals()
    begin, until = day_start(period.start), context.until(period)
    if until <= begin:
        return totals
    first_day = _ms(begin) // DAY_MS
    window = context.window
    if window is None or not (window.start <= period.start and period.end <= window.end):
        totals.add(_scan(context, begin, until), first_day, _ms(until) // DAY_MS + 1)
        return totals
    whole = _scan(context, day_start(window.start), day_end(window.end))
    cut = until.date()
    if until == day_start(cut):  # ends at midnight: whole days only
        totals.add(whole, first_day, _ms(until) // DAY_MS)
        return totals
    cut_day = _ms(day_start(cut)) // DAY_MS
    if whole.last_ts.get(cut_day, -1) < _ms(until):
        # The window's pass saw nothing of that day after ``until``: its counts are exact.
        totals.add(whole, first_day, cut_day + 1)
        return totals
    totals.add(whole, first_day, cut_day)
    totals.add(_scan(context, day_start(cut), until), first_day, cut_day + 1)
    return totals


def days_of(period: Period, until: datetime) -> list[date]:
    """The days of ``period`` that have begun before ``until``."""
    out, d = [], period.start
    while d <= period.end and day_start(d) < until:
        out.append(d)
        d += timedelta(days=1)
    return out


def _ms(when: datetime) -> int:
    return int(when.astimezone(UTC).timestamp() * 1000)
