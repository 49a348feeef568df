"""Bucketing of gateway audit events by UTC day and route, from the ledger's leaf bytes."""

from __future__ import annotations

import json
import random
from datetime import date

from aiattest.evidence.audit_stats import (
    ALL_FAILED,
    DAY_MS,
    DEGRADED,
    FALLBACK_SERVED,
    NO_ROUTE,
    PRIMARY_FAILED,
    REQUESTS,
    SERVER_ERRORS,
    AuditStats,
    Category,
    Totals,
    _count_parsed,
    by_decision,
    category_total,
    scan_events,
)
from aiattest.gateway.audit import AuditEvent, FindingSummary, ProviderAttempt
from aiattest.ledger import Entry, EntryKind, seal

DAY0 = date(2026, 3, 1)
T0 = (DAY0.toordinal() - date(1970, 1, 1).toordinal()) * DAY_MS


def body(event: AuditEvent, ts_ms: int = T0 + 1000) -> bytes:
    """The leaf bytes the ledger sink stores for ``event``."""
    payload = {k: v for k, v in event.to_payload().items() if v not in (None, (), [])}
    entry = Entry(
        EntryKind.AUDIT_EVENT, ts_ms, event.key_id or "gateway", (event.request_id,), payload
    )
    return seal(entry).body


def ev(n: int, **fields: object) -> AuditEvent:
    base: dict[str, object] = {
        "request_id": f"r{n}",
        "endpoint": "chat.completions",
        "status": 200,
        "tenant": "acme",
        "key_id": "k1",
        "route": "chat",
        "provider": "a",
        "attempts": (ProviderAttempt("a", None, 200, 3.0),),
    }
    base.update(fields)
    return AuditEvent(**base)  # type: ignore[arg-type]


def rows(*events: AuditEvent, ts_ms: int = T0 + 1000) -> list[tuple[int, int, bytes]]:
    return [(i, ts_ms, body(e, ts_ms)) for i, e in enumerate(events)]


def only(stats: AuditStats, route: str = "chat") -> list[int]:
    (counts,) = [c for k, c in stats.buckets.items() if k[1] == route]
    return counts


def test_plain_requests_and_server_errors_are_counted_per_day_and_route() -> None:
    events = [ev(i) for i in range(5)] + [ev(9, status=503, error_code="upstream_error")]
    stats = scan_events(rows(*events), "acme")
    counts = only(stats)
    assert counts[REQUESTS] == 6
    assert counts[SERVER_ERRORS] == 1
    assert by_decision(counts, Category.ALL) == {"allow": 6}
    assert stats.first_index == {T0 // DAY_MS: 0}


def test_other_tenants_and_anonymous_events_are_skipped() -> None:
    events = [ev(1), ev(2, tenant="globex"), ev(3, tenant=None, status=401)]
    stats = scan_events(rows(*events), "acme")
    assert stats.events == 1
    assert only(stats)[REQUESTS] == 1


def test_fallbacks_are_told_apart_from_total_failures() -> None:
    failed = ProviderAttempt("a", "upstream_5xx", 502, 4.0)
    served = ev(1, provider="b", attempts=(failed, ProviderAttempt("b", None, 200)), fallbacks=1)
    lost = ev(2, provider=None, status=502, attempts=(failed,), fallbacks=1, error_code="x")
    degraded = ev(3, provider="last-resort", fallbacks=2, degraded=True)
    counts = only(scan_events(rows(served, lost, degraded, ev(4)), "acme"))
    assert counts[PRIMARY_FAILED] == 3
    assert counts[FALLBACK_SERVED] == 1
    assert counts[ALL_FAILED] == 1
    assert counts[DEGRADED] == 1
    assert counts[SERVER_ERRORS] == 1


def test_findings_are_counted_by_category_and_the_request_decision() -> None:
    inj = FindingSummary("injection", "PROMPT_INJECTION", 1, 0.99)
    email = FindingSummary("pii", "EMAIL_ADDRESS", 2, 0.9)
    secret_out = FindingSummary("secrets", "SECRET", 1, 1.0, "output")
    tool = FindingSummary("tool_policy", "TOOL_NEEDS_APPROVAL", 1, 1.0, "tool")
    dropped = FindingSummary("tool_policy", "TOOL_NOT_ALLOWED", 1, 1.0, "tools")
    events = [
        ev(1, status=400, decision="block", findings=(inj,)),
        ev(2, decision="redact", findings=(email,)),
        ev(3, decision="flag", findings=(email,)),
        ev(4, decision="block", findings=(secret_out,)),
        ev(5, status=428, decision="needs_approval", findings=(tool,)),
        ev(6, decision="redact", findings=(dropped,)),
    ]
    stats = scan_events(rows(*events), "acme")
    counts = only(stats)
    assert by_decision(counts, Category.INJECTION) == {"block": 1}
    assert by_decision(counts, Category.PII) == {"flag": 1, "redact": 1}
    assert by_decision(counts, Category.SECRET) == {"block": 1}
    assert by_decision(counts, Category.OUTPUT) == {"block": 1}
    assert by_decision(counts, Category.TOOL) == {"needs_approval": 1}
    assert category_total(counts, Category.ALL) == 6
    day = T0 // DAY_MS
    assert stats.pii == {
        day: {("chat", "EMAIL_ADDRESS", "redact"): 1, ("chat", "EMAIL_ADDRESS", "flag"): 1}
    }


def test_days_follow_utc_midnight_and_totals_take_only_the_asked_days() -> None:
    before = rows(ev(1), ts_ms=T0 - 1)  # the last millisecond of the day before
    first = [(10, T0, body(ev(2), T0)), (11, T0 + DAY_MS - 1, body(ev(3), T0 + DAY_MS - 1))]
    second = [(12, T0 + DAY_MS, body(ev(4, route=None, status=400), T0 + DAY_MS))]
    stats = scan_events([*before, *first, *second], "acme")
    totals = Totals()
    totals.add(stats, T0 // DAY_MS, T0 // DAY_MS + 2)
    assert totals.daily == {DAY0: 2, date(2026, 3, 2): 1}
    assert totals.first_index == {DAY0: 10, date(2026, 3, 2): 12}
    assert totals.routes["chat"][REQUESTS] == 2
    assert totals.routes[NO_ROUTE][REQUESTS] == 1
    assert totals.total(REQUESTS) == 3


def test_the_byte_fast_path_counts_exactly_what_a_full_parse_counts() -> None:
    rng = random.Random(5)
    inj = FindingSummary("injection", "PROMPT_INJECTION", 1, 0.99)
    pii = (FindingSummary("pii", "PERSON", 1, 0.8), FindingSummary("pii", "IP_ADDRESS", 2, 0.7))
    out = FindingSummary("secrets", "SECRET", 1, 1.0, "output")
    tool = FindingSummary("tool_policy", "TOOL_NEEDS_APPROVAL", 1, 1.0, "tool")
    failed = ProviderAttempt("a", "timeout")
    kinds: list[dict[str, object]] = [
        {},
        {"status": 500, "error_code": "internal"},
        {"decision": "redact", "findings": pii},
        {"status": 400, "decision": "block", "findings": (inj, *pii), "error_code": "x"},
        {"decision": "block", "findings": (out,)},
        {"status": 428, "decision": "needs_approval", "findings": (tool,)},
        {"decision": "flag", "findings": (out, tool), "route": None},
        {"fallbacks": 1, "provider": "b", "attempts": (failed, ProviderAttempt("b", None))},
        {"fallbacks": 1, "provider": None, "status": 502, "attempts": (failed,)},
        {"fallbacks": 2, "provider": "last-resort", "degraded": True},
        {"route": 'we"ird\\route'},
        {"route": "other", "key_id": None},
        {"decision": "flag"},
        {"tenant": "acme-2"},
    ]
    events = [ev(i, **rng.choice(kinds)) for i in range(600)]
    fast = scan_events(rows(*events), "acme")
    slow = AuditStats()
    for _, ts, raw in rows(*events):
        record = json.loads(raw)["payload"]
        if record.get("tenant") == "acme":
            _count_parsed(slow, ts // DAY_MS, record)
    assert fast.events == sum(c[REQUESTS] for c in slow.buckets.values()) > 300
    assert fast.buckets == slow.buckets
    assert fast.pii == slow.pii
