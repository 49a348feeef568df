"""Evidence benchmark: every automated check over a year of gateway traffic and registers.

Builds (once; cached under ``bench/.cache/``) a SQLite database holding a year of history:
1M gateway audit events appended through ``Ledger.append_many`` in the gateway sink's
format (~2% injection blocks, ~5% PII redactions, ~1% fallbacks, some 5xx, secrets,
output findings and held tool calls), signed checkpoints made as the year went by, and
registers written through the real services (``apply`` of an organisation document with
vendors, models, changes and deployments, incidents, policies; gateway keys; approvals).

Each run copies the cached database (the runs append results) and times:
(a) ``collect`` at the end of the year, (b) ``collect_window`` over the whole year;
then profiles the slowest check with cProfile. Goal: all checks over the year in 30 s.

Environment: ``EVIDENCE_BENCH_EVENTS`` (default 1000000).
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import random
import shutil
import tempfile
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiattest.assess import Outcome, Period, Window, periods_for
from aiattest.catalog import Catalog, Frequency, load_catalog
from aiattest.config import Settings, load_settings
from aiattest.config.gateway import GatewaySettings, ProviderSettings, RouteSettings, RouteTarget
from aiattest.evidence.interface import CheckContext, day_end
from aiattest.evidence.registry import get_check
from aiattest.evidence.runner import collect, collect_window
from aiattest.gateway import approvals
from aiattest.gateway.audit import AuditEvent, FindingSummary, ProviderAttempt
from aiattest.gateway.keys import create_key, rotate_key
from aiattest.governance.apply import apply_document
from aiattest.governance.document import API_VERSION, OrgDocument
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.ledger import Entry, EntryKind, Ledger
from aiattest.ledger.keys import ensure_signing_key, load_signing_key, signing_key_path
from aiattest.roles import Role
from aiattest.store import Database, upgrade
from aiattest.store.models import Organisation

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "evidence.json"
CACHE = HERE / ".cache"
EVENTS = int(os.environ.get("EVIDENCE_BENCH_EVENTS", "1000000"))
GOAL_S = 30.0
BATCH = 1_000
"""Events per append: about 9 hours of traffic, so checkpoints come a few times a day."""
ROUTES = (("chat-default", 0.6), ("chat-fast", 0.3), ("support-bot", 0.1))
DAY_MS = 86_400_000


def gateway_settings() -> GatewaySettings:
    """Three chat routes, each with two TLS providers."""
    providers = tuple(
        ProviderSettings(name=n, kind="openai", base_url=f"https://{n}.example.com/v1")
        for n in ("primary", "secondary")
    )
    targets = (RouteTarget(provider="primary"), RouteTarget(provider="secondary"))
    routes = tuple(RouteSettings(alias=r, targets=targets) for r, _ in ROUTES)
    return GatewaySettings(providers=providers, routes=routes)


def settings_for(data_dir: Path) -> Settings:
    """The bench deployment's settings."""
    return load_settings(data_dir=data_dir, gateway=gateway_settings())


# -- the year of audit events -------------------------------------------------------------


def _payload(**fields: Any) -> dict[str, Any]:
    """A payload exactly as ``LedgerAuditSink`` writes it."""
    event = AuditEvent(request_id="r", endpoint="chat.completions", tenant="acme", **fields)
    return {k: v for k, v in event.to_payload().items() if v not in (None, (), [])}


def _shapes() -> list[tuple[float, dict[str, Any]]]:
    ok = ProviderAttempt("primary", None, 200, 420.0)
    failed = ProviderAttempt("primary", "upstream_5xx", 502, 35.0)
    fine = ProviderAttempt("secondary", None, 200, 610.0)

    def found(scanner: str, kind: str, stage: str = "input") -> tuple[FindingSummary, ...]:
        return (FindingSummary(scanner, kind, 1, 0.97, stage),)

    served: dict[str, Any] = {"status": 200, "provider": "primary", "attempts": (ok,)}
    blocked: dict[str, Any] = {"status": 400, "decision": "block"}
    blocked["error_code"] = "content_policy_violation"
    held = {"status": 428, "decision": "needs_approval", "error_code": "approval_required"}
    lost = (failed, ProviderAttempt("secondary", "timeout"))
    return [
        (0.020, _payload(**blocked, findings=found("injection", "PROMPT_INJECTION"))),
        (0.050, _payload(**served, decision="redact", findings=found("pii", "EMAIL_ADDRESS"))),
        (0.010, _payload(status=200, provider="secondary", attempts=(failed, fine), fallbacks=1)),
        (0.002, _payload(status=502, attempts=lost, fallbacks=2, error_code="upstream_error")),
        (0.003, _payload(**blocked, findings=found("secrets", "SECRET"))),
        (
            0.005,
            _payload(**served, decision="flag", findings=found("refusal", "REFUSAL", "output")),
        ),
        (0.001, _payload(**held, findings=found("tool_policy", "TOOL_NEEDS_APPROVAL", "tool"))),
        (0.909, _payload(**served)),
    ]


def _events(first_day: date, n: int, keys: list[str]) -> Any:
    """``n`` audit entries spread evenly over 365 days from ``first_day``, in time order."""
    rng = random.Random(2026)
    shapes = _shapes()
    weights = [w for w, _ in shapes]
    start_ms = int(datetime.combine(first_day, datetime.min.time(), tzinfo=UTC).timestamp()) * 1000
    step = 365 * DAY_MS / n
    route_names, route_weights = [r for r, _ in ROUTES], [w for _, w in ROUTES]
    for i in range(n):
        _, shape = rng.choices(shapes, weights)[0]
        payload = dict(shape)
        request_id = f"req-{i:08d}"
        key_id = keys[i % len(keys)]
        payload.update(
            request_id=request_id,
            key_id=key_id,
            route=rng.choices(route_names, route_weights)[0],
            prompt_tokens=rng.randint(20, 2000),
            completion_tokens=rng.randint(0, 800),
            latency_ms=round(rng.uniform(80, 2500), 3),
            request_sha256=f"{rng.getrandbits(256):064x}",
        )
        ts = start_ms + int(i * step)
        yield Entry(EntryKind.AUDIT_EVENT, ts, key_id, (request_id,), payload)


# -- registers ------------------------------------------------------------------------------


def _promotion(m: int, promoted: datetime) -> tuple[dict[str, Any], ...]:
    """Model version ``m``, its passing eval run and the change that promotes it."""
    subject, change = f"bench-llm@v{m}", f"CHG-{m:03d}"

    def at(hours: int) -> str:
        return (promoted - timedelta(hours=hours)).isoformat()

    model = {
        "name": "bench-llm",
        "version": f"v{m}",
        "system": f"sys-{m % 5}",
        "provider": "openai",
        "purpose": "Draft answers",
        "owners": ["platform-team"],
    }
    run = {
        "name": f"{change}-gate",
        "suite": "quality",
        "suite_version": "1",
        "dataset_hash": "sha256:00",
        "target": subject,
        "metrics": {"accuracy": 0.9},
        "thresholds": {"accuracy": 0.8},
        "run_at": at(6),
    }
    steps = [
        {"action": "evaluate", "actor": "ci", "eval_run": run["name"], "at": at(5)},
        {"action": "approve", "actor": "approver", "at": at(4)},
        {"action": "stage", "actor": "release-bot", "rollout_percent": 10, "at": at(2)},
        {"action": "promote", "actor": "release-bot", "at": at(0)},
    ]
    spec = {
        "name": change,
        "subject_kind": "model",
        "subject": subject,
        "requester": "dev",
        "steps": steps,
    }
    return model, run, spec


def _document(first_day: date) -> OrgDocument:
    """A year of registers: 5 systems, 60 vendors, 100 model versions promoted through
    changes, 120 incidents, 25 policies."""
    rng = random.Random(7)
    start = datetime.combine(first_day, datetime.min.time(), tzinfo=UTC)
    systems = [
        {"name": f"sys-{s}", "description": f"system {s}", "components": ["gateway"],
         "owners": ["platform-team"]}
        for s in range(5)
    ]  # fmt: skip
    vendors = []
    for v in range(60):
        llm = v < 5
        vendors.append(
            {
                "name": f"vendor-{v:03d}",
                "kind": "llm-provider" if llm else "cloud",
                "soc2_report_type": "type2",
                "soc2_period_end": (first_day + timedelta(days=rng.randint(0, 300))).isoformat(),
                "soc2_report_sha256": "ab" * 32,
                "zero_retention": llm,
                "dpa_signed_on": (first_day - timedelta(days=100)).isoformat(),
                "regions": ["eu"],
                "owner": "vendor-management",
            }
        )
        if llm:
            vendors[-1]["zero_retention_terms"] = "ZDR addendum"
    promotions = [_promotion(m, start + timedelta(days=3 * m + 10, hours=10)) for m in range(100)]
    incidents = []
    for k in range(120):
        opened = start + timedelta(days=rng.randint(0, 350), hours=rng.randint(0, 23))
        incident: dict[str, Any] = {
            "name": f"INC-{k:03d}",
            "title": f"incident {k}",
            "type": "other",
            "severity": rng.choice(["sev2", "sev3", "sev4"]),
            "owner": "security-team",
            "opened_at": opened.isoformat(),
        }
        if rng.random() < 0.9:
            incident["status"] = "closed"
            resolved = opened + timedelta(hours=rng.randint(1, 200))
            incident["resolved_at"] = resolved.isoformat()
            incident["postmortem"] = "Cause found and fixed; a regression check was added."
        incidents.append(incident)
    policies = [
        {"name": f"policy-{p:02d}", "title": f"Policy {p}", "version": "1.0", "owner": "ciso",
         "status": "approved", "approved_by": "ceo",
         "approved_on": (first_day + timedelta(days=p * 10)).isoformat()}
        for p in range(25)
    ]  # fmt: skip
    data = {
        "apiVersion": API_VERSION,
        "organisation": {"slug": "acme", "name": "Acme"},
        "systems": systems,
        "vendors": vendors,
        "models": [m for m, _, _ in promotions],
        "eval_runs": [r for _, r, _ in promotions],
        "changes": [c for _, _, c in promotions],
        "incidents": incidents,
        "policies": policies,
    }
    return OrgDocument.model_validate(data)


def build(data_dir: Path, n: int) -> dict[str, Any]:
    """Create the database of a year; returns facts about it."""
    started = time.perf_counter()
    data_dir.mkdir(parents=True)
    settings = settings_for(data_dir)
    db = Database(settings.db_url)
    upgrade(db)
    with db.session() as session:
        session.add(Organisation(slug="acme", name="Acme"))
    key_path = signing_key_path(settings)
    ensure_signing_key(key_path)
    last_day = datetime.now(UTC).date() - timedelta(days=1)
    first_day = last_day - timedelta(days=364)
    keys = []
    for k in range(300):
        role = Role.CONSUMER if k % 10 else Role.ADMIN
        _, info = create_key(db, principal=f"svc-{k % 60}", role=role, tenant="acme")
        keys.append(info.key_id)
    for key_id in keys[:40]:
        rotate_key(db, key_id, tenant="acme")
    clock = [time.time()]
    ledger = Ledger(db, settings.ledger, signing_key=load_signing_key(key_path),
                    clock=lambda: clock[0])  # fmt: skip
    with ledger:
        apply_document(db, LedgerRecorder(ledger), _document(first_day), "evidence-bench")
        with db.session() as session:
            org = session.query(Organisation).filter_by(slug="acme").one().id
        for a in range(200):
            held = approvals.hold(db, organisation_id=org, request_id=f"held-{a}", key_id=keys[0],
                                  route="chat-default", request_sha256="0" * 64,
                                  reasons=("TOOL_NEEDS_APPROVAL",))  # fmt: skip
            if a % 20:
                approvals.decide(db, org, held.id, approve=a % 3 != 0, by="reviewer")
        batch: list[Entry] = []
        for entry in _events(first_day, n, keys):
            batch.append(entry)
            if len(batch) == BATCH:
                clock[0] = batch[-1].ts_ms / 1000  # checkpoints are signed as the year goes
                ledger.append_many(batch)
                batch = []
        if batch:
            ledger.append_many(batch)
        clock[0] = time.time()
        ledger.checkpoint()
    db.dispose()
    facts = {"events": n, "first_day": first_day.isoformat(), "last_day": last_day.isoformat(),
             "build_s": round(time.perf_counter() - started, 1)}  # fmt: skip
    (data_dir / "bench.json").write_text(json.dumps(facts))
    return facts


def cached(n: int) -> tuple[Path, dict[str, Any]]:
    """The cached database of ``n`` events, built when missing."""
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    data_dir = CACHE / f"evidence-v2-{n}"  # v2: batches of 1000 events
    facts_file = data_dir / "bench.json"
    if not facts_file.exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        print(f"building the year ({n} audit events); cached in {data_dir}")
        return data_dir, {**build(data_dir, n), "cached": False}
    return data_dir, {**json.loads(facts_file.read_text()), "cached": True}


# -- timing -------------------------------------------------------------------------------


def _periods(catalog: Catalog, check_id: str, window: Window) -> list[Period]:
    """The periods ``collect_window`` runs ``check_id`` for (per-event controls per day)."""
    periods: set[Period] = set()
    for control in catalog.controls:
        if check_id in control.checks:
            f = control.frequency
            periods.update(periods_for(Frequency.DAILY if f is Frequency.PER_EVENT else f, window))
    return sorted(periods, key=lambda p: (p.start, p.end))


def _contexts(ctx: dict[str, Any], window: Window, memo: dict[str, Any]) -> Any:
    """A factory of contexts as ``collect_window`` makes them: one per as-of, one memo."""
    made: dict[datetime, CheckContext] = {}

    def context(as_of: datetime) -> CheckContext:
        if as_of not in made:
            made[as_of] = CheckContext(
                ctx["db"], ctx["ledger"], ctx["settings"], ctx["org"], as_of, window, memo
            )
        return made[as_of]

    return context


def per_check(ctx: dict[str, Any], window: Window, at: datetime) -> dict[str, float]:
    """Seconds each check takes over the year, run as ``collect_window`` runs them (one
    memo shared by all, so the pass over the audit events is charged to the first check
    that needs it), without storing: the runner's own timing lumps storing in."""
    catalog: Catalog = ctx["catalog"]
    ids = sorted({c for control in catalog.controls for c in control.checks})
    jobs = [(min(day_end(p.end), at), c, p) for c in ids for p in _periods(catalog, c, window)]
    jobs.sort(key=lambda j: (get_check(j[1]).reads_results, j[0], j[1]))
    context = _contexts(ctx, window, {})
    spent: dict[str, float] = defaultdict(float)
    for as_of, check_id, period in jobs:
        started = time.perf_counter()
        get_check(check_id).run(context(as_of), period)
        spent[check_id] += time.perf_counter() - started
    return dict(spent)


def profile_check(check_id: str, ctx: dict[str, Any], window: Window, at: datetime) -> list[str]:
    """cProfile of ``check_id`` over every period of the year (fresh memo): the top lines."""
    check, context = get_check(check_id), _contexts(ctx, window, {})
    profiler = cProfile.Profile()
    profiler.enable()
    for period in _periods(ctx["catalog"], check_id, window):
        check.run(context(min(day_end(period.end), at)), period)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(14)
    lines = [ln.rstrip() for ln in out.getvalue().splitlines() if ln.strip()]
    start = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("ncalls"))
    return lines[start : start + 15]


def measure(data_dir: Path, window: Window) -> dict[str, Any]:
    """Time (a) ``collect`` at the end of the year and (b) ``collect_window`` over it, then
    each check alone, and profile the slowest."""
    settings = settings_for(data_dir)
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    catalog = load_catalog()
    with db.session() as session:
        org = session.query(Organisation).filter_by(slug="acme").one().id
    at = day_end(window.end)
    try:
        t0 = time.perf_counter()
        collected = collect(db, ledger, settings, catalog, org, at=at)
        collect_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        back = collect_window(db, ledger, settings, catalog, org, window, now=at)
        window_s = time.perf_counter() - t0
        ctx = {"catalog": catalog, "db": db, "ledger": ledger, "settings": settings, "org": org}
        spent = per_check(ctx, window, at)
        slowest = max(spent, key=lambda k: spent[k])
        profile = profile_check(slowest, ctx, window, at)
    finally:
        ledger.close()
        db.dispose()
    statuses: dict[str, int] = defaultdict(int)
    failing: dict[str, int] = defaultdict(int)
    for c in back:
        statuses[str(c.result.status)] += 1
        if c.result.status is not Outcome.PASS:
            failing[c.result.check_id] += 1
    top = sorted(spent.items(), key=lambda kv: -kv[1])[:10]
    return {
        "collect": {"at": at.isoformat(), "runs": len(collected), "seconds": round(collect_s, 2)},
        "collect_window": {
            "runs": len(back),
            "seconds": round(window_s, 2),
            "statuses": dict(statuses),
            "runs_not_passing_by_check": dict(sorted(failing.items())),
        },
        "per_check_s": {
            "checks_only_total": round(sum(spent.values()), 2),
            "slowest": {k: round(v, 2) for k, v in top},
        },
        "slowest_check": {"id": slowest, "seconds": round(spent[slowest], 2), "profile": profile},
        "goal_met": window_s <= GOAL_S and collect_s <= GOAL_S,
    }


def main() -> None:
    """Build or reuse the year, time both collects, profile the slowest check, save."""
    source, facts = cached(EVENTS)
    window = Window(date.fromisoformat(facts["first_day"]), date.fromisoformat(facts["last_day"]))
    with tempfile.TemporaryDirectory(prefix="evidence-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        copy_start = time.perf_counter()
        shutil.copytree(source, data_dir)
        facts["copy_s"] = round(time.perf_counter() - copy_start, 1)
        measured = measure(data_dir, window)
    result = {"goal": {"collect_and_collect_window_s_max": GOAL_S}, "data": facts, **measured}
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    origin = "cached" if facts["cached"] else f"built in {facts['build_s']} s"
    print(f"data: {facts['events']} events {facts['first_day']}..{facts['last_day']} ({origin})")
    a, b = measured["collect"], measured["collect_window"]
    print(f"(a) collect at {a['at']}: {a['runs']} runs in {a['seconds']:.2f} s")
    print(f"(b) collect_window over the year: {b['runs']} runs in {b['seconds']:.2f} s")
    print(f"checks alone (no storing), slowest first: {measured['per_check_s']['slowest']}")
    slow = measured["slowest_check"]
    print(f"slowest check: {slow['id']} ({slow['seconds']:.2f} s); top functions:")
    print("\n".join(slow["profile"]))
    print(f"goal (<= {GOAL_S:.0f} s each): {'met' if measured['goal_met'] else 'NOT met'}")


if __name__ == "__main__":
    main()
