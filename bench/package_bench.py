"""Auditor package benchmark: build and verify the package of a window of 1M ledger entries.

The ledger is built once through the real ``Ledger.append_many`` (audit events, one
``control_result`` per thousand so the package carries inclusion proofs too) and cached as
SQLite under ``bench/.cache/``. Each run packages a window covering every synthetic entry,
then times three things: ``build_package``, the library's ``verify_package`` and the
shipped ``verify.py`` under ``python3 -I -S`` (standard library only, no ``cryptography``).
Goal: verification within 10 s.

Each run appends the package's own ledger entry to the cached log (dated now, outside the
window), so the tree grows by one per run; the window's entries stay the same.

Environment: ``PACKAGE_BENCH_ENTRIES`` (default 1000000).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aiattest.assess import Window
from aiattest.config import load_settings
from aiattest.ledger import Entry, EntryKind, Ledger
from aiattest.ledger.keys import ensure_signing_key, signing_key_path
from aiattest.reports.package import build_package, layout, verify_package
from aiattest.store import Database, upgrade
from aiattest.store.models import Organisation

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "package.json"
CACHE = HERE / ".cache"
ENTRIES = int(os.environ.get("PACKAGE_BENCH_ENTRIES", "1000000"))
START_MS = int(datetime(2026, 3, 2, tzinfo=UTC).timestamp() * 1000)
WINDOW = Window(date(2026, 3, 1), date(2026, 3, 31))
GOAL_VERIFY_S = 10.0
BATCH = 50_000


def _entry(i: int) -> Entry:
    ts = START_MS + i * 2  # 1M entries over ~33 minutes, all inside the window
    if i % 1000 == 999:
        return Entry(EntryKind.CONTROL_RESULT, ts, "aiattest-evidence", ("api-key-rotation",),
                     {"check": "api-key-rotation", "status": "pass", "population": 3,
                      "failed": 0, "items_sha256": "cd" * 32})  # fmt: skip
    return Entry(EntryKind.AUDIT_EVENT, ts, "svc:gateway", (f"req-{i}",),
                 {"route": "/v1/chat/completions", "status": 200, "tokens_in": 512,
                  "tokens_out": 128, "latency_ms": 812, "prompt_sha256": "ab" * 32,
                  "decision": "allow"})  # fmt: skip


def _deployment() -> tuple[Path, uuid.UUID]:
    """The cached data directory with a ledger of ENTRIES synthetic entries, and the org."""
    data_dir = CACHE / f"package-{ENTRIES}"
    marker = data_dir / "built.json"
    if marker.exists():
        return data_dir, uuid.UUID(json.loads(marker.read_text())["organisation"])
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "aiattest.db").unlink(missing_ok=True)
    settings = load_settings(data_dir=data_dir)
    ensure_signing_key(signing_key_path(settings))
    db = Database(settings.db_url)
    upgrade(db)
    org = uuid.uuid4()
    with db.session() as session:
        session.add(Organisation(id=org, slug="bench", name="Bench Org"))
    ledger = Ledger.from_settings(db, settings)
    started = time.perf_counter()
    try:
        for start in range(0, ENTRIES, BATCH):
            ledger.append_many(_entry(i) for i in range(start, min(start + BATCH, ENTRIES)))
            print(f"  ledger: {min(start + BATCH, ENTRIES):,} entries", end="\r", flush=True)
    finally:
        ledger.close()
        db.dispose()
    print(f"  ledger: {ENTRIES:,} entries appended in {time.perf_counter() - started:.0f} s")
    marker.write_text(json.dumps({"organisation": str(org), "entries": ENTRIES}))
    return data_dir, org


def main() -> None:
    """Build and verify the package; print the figures and write bench/results/package.json."""
    data_dir, org = _deployment()
    settings = load_settings(data_dir=data_dir)
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    with tempfile.TemporaryDirectory(prefix="aiattest-package-bench-") as tmp:
        pkg = Path(tmp) / "package.zip"
        started = time.perf_counter()
        built = build_package(db, ledger, settings, org, WINDOW, pkg)
        build_s = time.perf_counter() - started
        ledger.close()
        db.dispose()
        started = time.perf_counter()
        report = verify_package(pkg, built.key_fingerprint)
        library_s = time.perf_counter() - started
        with zipfile.ZipFile(pkg) as zf:
            for name in (layout.VERIFIER, layout.LAYOUT, layout.LEDGER_VERIFIER):
                zf.extract(name, tmp)
            entries_bytes = zf.getinfo(layout.ENTRIES).file_size
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(Path(tmp) / layout.VERIFIER), str(pkg),
             "--key", built.key_fingerprint],
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        stdlib_s = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(f"verify.py failed: {done.stderr}")
        zip_bytes = pkg.stat().st_size
    results: dict[str, Any] = {
        "goals": {"verify_s_max": GOAL_VERIFY_S},
        "entries": report.entries,
        "tree_size": report.tree_size,
        "inclusion_proofs": report.inclusion_proofs,
        "entries_jsonl_mb": round(entries_bytes / 1e6, 1),
        "zip_mb": round(zip_bytes / 1e6, 1),
        "build_s": round(build_s, 2),
        "verify_library_s": round(library_s, 2),
        "verify_stdlib_s": round(stdlib_s, 2),
        "verify_entries_per_s": int(report.entries / max(library_s, stdlib_s)),
        "goal_met": max(library_s, stdlib_s) <= GOAL_VERIFY_S,
        "python": sys.version.split()[0],
        # The machine is shared: the 1-minute load average says how busy it was.
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    mb, zip_mb = results["entries_jsonl_mb"], results["zip_mb"]
    print(f"package of {report.entries:,} entries ({mb} MB of entries, {zip_mb} MB zip, "
          f"{report.inclusion_proofs} inclusion proofs)")  # fmt: skip
    print(f"  build                  {build_s:6.2f} s")
    print(f"  verify (library)       {library_s:6.2f} s")
    print(f"  verify.py (-I -S)      {stdlib_s:6.2f} s")
    state = "met" if results["goal_met"] else "NOT met"
    print(f"  goal: verify <= {GOAL_VERIFY_S:.0f} s: {state}")


if __name__ == "__main__":
    main()
