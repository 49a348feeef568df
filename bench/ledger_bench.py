"""Ledger benchmarks: durable appends vs plain INSERTs, proof latency at 1M/10M, verify rate.

Peers, side by side in one run:
- appends: the ledger (canonical JSON, sealed field, leaf hash, tree nodes, head update,
  one durable commit per batch) against plain INSERTs of the same records
  (``json.dumps`` + insert of (idx, ts, kind, body) rows, one durable commit per batch,
  same driver path: executemany on SQLite, COPY on PostgreSQL);
- group commit: many threads calling ``append`` (one entry each, durable on return);
- proofs: ``prove_inclusion`` on trees bulk-loaded straight into the tables (leaves are
  small synthetic bodies, nodes computed with the same Frontier the ledger uses, then
  inserted in 200k-leaf transactions) — proof cost depends on the tree, not the bodies;
- verification: a full ``verify`` of the 1M-entry tree.

Environment: ``LEDGER_BENCH_APPENDS`` (default 100000), ``LEDGER_BENCH_BIG`` (10000000),
``AIATTEST_TEST_POSTGRES_URL`` (admin URL; a scratch database is created and dropped).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from aiattest.config.ledger import LedgerSettings
from aiattest.ledger import Entry, EntryKind, Ledger, merkle
from aiattest.ledger.storage import LedgerStore
from aiattest.store import Database, upgrade

RESULTS = Path(__file__).parent / "results" / "ledger.json"
POSTGRES_ADMIN_URL = os.environ.get(
    "AIATTEST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BATCH = 1000


def _entries(n: int) -> list[Entry]:
    return [
        Entry(
            EntryKind.AUDIT_EVENT,
            1_764_000_000_000 + i,
            "svc:gateway",
            (f"req-{i}",),
            {
                "route": "/v1/chat/completions",
                "status": 200,
                "tokens_in": 512,
                "tokens_out": 128,
                "latency_ms": 812,
                "prompt_sha256": "ab" * 32,
                "decision": "allow",
            },
            {"user": f"user-{i}"},
        )
        for i in range(n)
    ]


@contextmanager
def _postgres() -> Iterator[str | None]:
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aiattest_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as e:  # no server: the PostgreSQL figures are reported as missing
        print(f"PostgreSQL not reachable ({e.__class__.__name__}); skipping its figures")
        admin.dispose()
        yield None
        return
    try:
        yield POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _plain_inserts(db: Database, entries: list[Entry]) -> float:
    store = LedgerStore(db)
    with store.connection() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_plain")
        cur.execute(
            "CREATE TABLE bench_plain (idx BIGINT PRIMARY KEY, ts_ms BIGINT, kind TEXT, body "
            + ("BLOB)" if store.is_sqlite else "BYTEA)")
        )

    def run() -> None:
        for start in range(0, len(entries), BATCH):
            rows = [
                (start + k, e.ts_ms, e.kind.value, json.dumps(
                    {"kind": e.kind.value, "ts": e.ts_ms, "actor": e.actor,
                     "subjects": e.subjects, "payload": e.payload, "private": e.private},
                    separators=(",", ":")).encode())
                for k, e in enumerate(entries[start : start + BATCH])
            ]  # fmt: skip
            with store.connection(write=True) as cur:
                if store.is_sqlite:
                    cur.executemany("INSERT INTO bench_plain VALUES (?, ?, ?, ?)", rows)
                else:
                    store._copy(cur, "bench_plain", rows, ["int8", "int8", "text", "bytea"])

    return _timed(run)


def _appends(url: str, n: int) -> dict[str, Any]:
    db = Database(url)
    upgrade(db)
    entries = _entries(n)
    plain_s = _plain_inserts(db, entries)
    ledger = Ledger(db, LedgerSettings())
    batch_s = _timed(
        lambda: [ledger.append_many(entries[i : i + BATCH]) for i in range(0, n, BATCH)]
    )
    threads_n, per = 32, max(1, min(n, 10_000) // 32)
    single = _entries(threads_n * per)

    def worker(w: int) -> None:
        for e in single[w * per : (w + 1) * per]:
            ledger.append(e)

    def run_threads() -> None:
        pool = [threading.Thread(target=worker, args=(w,)) for w in range(threads_n)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()

    group_s = _timed(run_threads)
    in_flight, async_n = 1000, min(n, 30_000)
    async_entries = _entries(async_n)

    async def run_async() -> None:
        todo = iter(async_entries)

        async def request() -> None:
            for e in todo:
                await ledger.append_async(e)

        await asyncio.gather(*(request() for _ in range(in_flight)))

    async_s = _timed(lambda: asyncio.run(run_async()))
    ledger.close()
    verify_s = _timed(ledger.verify)
    size = ledger.size()
    ledger.close()
    db.dispose()
    return {
        "entries": n,
        "plain_inserts_per_s": round(n / plain_s),
        "ledger_append_many_per_s": round(n / batch_s),
        "cost_ratio_vs_plain": round(batch_s / plain_s, 2),
        "group_commit_threads": threads_n,
        "group_commit_appends_per_s": round(threads_n * per / group_s),
        "async_in_flight": in_flight,
        "async_group_commit_appends_per_s": round(async_n / async_s),
        "verify_entries_per_s": round(size / verify_s),
    }


def bulk_load(db: Database, n: int, chunk: int = 200_000) -> None:
    """Fill an empty ledger with ``n`` synthetic leaves straight into its tables."""
    store = LedgerStore(db)
    frontier = merkle.Frontier()
    leaf_hash, position = merkle.leaf_hash, merkle.position
    for start in range(0, n, chunk):
        nodes: list[tuple[int, bytes]] = []
        rows = []
        add_node = nodes.append

        def emit(level: int, index: int, h: bytes, add: Any = add_node) -> None:
            add((position(level, index), h))

        for i in range(start, min(start + chunk, n)):
            body = b'{"i":%d}' % i
            h = leaf_hash(body)
            frontier.append(h, emit)
            rows.append((i, 0, "evidence", h, body))
        with store.connection(write=True) as cur:
            store.insert_rows(cur, rows, nodes)
            cur.execute(
                store._q("UPDATE ledger_head SET tree_size = ?, root_hash = ? WHERE id = 1"),
                (frontier.size, frontier.root()),
            )


def _proof_latency(db: Database, n: int, samples: int = 2000) -> dict[str, Any]:
    ledger = Ledger(db, LedgerSettings())
    rng = random.Random(n)
    times = []
    for _ in range(samples):
        i = rng.randrange(n)
        start = time.perf_counter()
        proof = ledger.prove_inclusion(i)
        times.append(time.perf_counter() - start)
    merkle.verify_inclusion(proof.index, n, proof.leaf_hash, list(proof.path), proof.root)
    ledger.close()
    times.sort()
    return {
        "entries": n,
        "mean_ms": round(statistics.fmean(times) * 1000, 3),
        "p50_ms": round(times[len(times) // 2] * 1000, 3),
        "p99_ms": round(times[int(len(times) * 0.99)] * 1000, 3),
    }


def _big_tree(url: str, n: int, verify: bool) -> dict[str, Any]:
    db = Database(url)
    upgrade(db)
    load_s = _timed(lambda: bulk_load(db, n))
    result = {"bulk_load_s": round(load_s, 1), **_proof_latency(db, n)}
    if verify:
        with Ledger(db, LedgerSettings()) as ledger:
            verify_s = _timed(ledger.verify)
        result["verify_entries_per_s"] = round(n / verify_s)
    db.dispose()
    return result


def main() -> None:
    """Run every ledger benchmark, print the ratios and write bench/results/ledger.json."""
    n = int(os.environ.get("LEDGER_BENCH_APPENDS", "100000"))
    big = int(os.environ.get("LEDGER_BENCH_BIG", "10000000"))
    goals = {
        "sqlite_appends_per_s": 50_000,
        "postgres_appends_per_s": 10_000,
        "cost_ratio_vs_plain_max": 2.0,
        "proof_ms_max": 1.0,
        "verify_entries_per_s": 500_000,
    }
    out: dict[str, Any] = {"goals": goals}
    with tempfile.TemporaryDirectory() as tmp:
        out["sqlite_appends"] = _appends(f"sqlite:///{tmp}/appends.db", n)
        _report("SQLite", out["sqlite_appends"])
        out["sqlite_proofs_1m"] = _big_tree(f"sqlite:///{tmp}/1m.db", 1_000_000, verify=True)
        _report_proofs("SQLite 1M", out["sqlite_proofs_1m"])
        Path(f"{tmp}/1m.db").unlink()
        with _postgres() as pg:
            if pg is not None:
                out["postgres_appends"] = _appends(pg, n)
                _report("PostgreSQL", out["postgres_appends"])
        with _postgres() as pg:
            if pg is not None:
                out["postgres_proofs_1m"] = _big_tree(pg, 1_000_000, verify=True)
                _report_proofs("PostgreSQL 1M", out["postgres_proofs_1m"])
        if big > 1_000_000:
            out[f"sqlite_proofs_{big // 1_000_000}m"] = _big_tree(
                f"sqlite:///{tmp}/big.db", big, verify=False
            )
            _report_proofs(f"SQLite {big // 1_000_000}M", out[f"sqlite_proofs_{big // 1_000_000}m"])
    out["machine"] = {"cpus": os.cpu_count(), "load_avg_1m": round(os.getloadavg()[0], 2)}
    out["summary"] = _summary(out, goals)
    for name, row in out["summary"].items():
        print(
            f"goal {name}: {row['value']} vs {row['goal']} -> {'met' if row['met'] else 'NOT met'}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(out, indent=2) + "\n")
    print(f"wrote {RESULTS}")


def _summary(out: dict[str, Any], goals: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each goal with the measured value it is judged on and whether it is met."""
    rows: dict[str, dict[str, Any]] = {}

    def add(name: str, value: float | None, goal: float, higher_is_better: bool) -> None:
        if value is not None:
            met = value >= goal if higher_is_better else value <= goal
            rows[name] = {"value": value, "goal": goal, "met": met}

    for db in ("sqlite", "postgres"):
        appends = out.get(f"{db}_appends")
        if appends:
            best = max(
                appends["ledger_append_many_per_s"], appends["async_group_commit_appends_per_s"]
            )
            add(f"{db}_appends_per_s", best, goals[f"{db}_appends_per_s"], True)
            ratio = appends["cost_ratio_vs_plain"]
            add(f"{db}_cost_ratio_vs_plain", ratio, goals["cost_ratio_vs_plain_max"], False)
    for key in [k for k in out if "_proofs_" in k]:
        add(f"{key}_mean_ms", out[key]["mean_ms"], goals["proof_ms_max"], False)
    measured = [v for k, v in out.items() if k not in ("goals", "summary", "machine")]
    verify = [r["verify_entries_per_s"] for r in measured if "verify_entries_per_s" in r]
    add(
        "verify_entries_per_s", max(verify) if verify else None, goals["verify_entries_per_s"], True
    )
    return rows


def _report(name: str, r: dict[str, Any]) -> None:
    print(
        f"{name}: ledger append_many {r['ledger_append_many_per_s']:,}/s vs plain INSERT "
        f"{r['plain_inserts_per_s']:,}/s -> cost ratio {r['cost_ratio_vs_plain']}x; "
        f"group commit ({r['group_commit_threads']} threads) "
        f"{r['group_commit_appends_per_s']:,}/s; async ({r['async_in_flight']} in flight) "
        f"{r['async_group_commit_appends_per_s']:,}/s; "
        f"verify {r['verify_entries_per_s']:,} entries/s"
    )


def _report_proofs(name: str, r: dict[str, Any]) -> None:
    extra = f"; verify {r['verify_entries_per_s']:,}/s" if "verify_entries_per_s" in r else ""
    print(
        f"{name}: inclusion proof mean {r['mean_ms']} ms, p50 {r['p50_ms']} ms, "
        f"p99 {r['p99_ms']} ms (bulk load {r['bulk_load_s']} s){extra}"
    )


if __name__ == "__main__":
    main()
