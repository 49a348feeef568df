"""Four processes appending at once leave one linear, verifiable log (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from aiattest.config.ledger import LedgerSettings
from aiattest.ledger import Ledger
from aiattest.store import Database, upgrade

HELPER = Path(__file__).with_name("appender.py")
WORKERS, PER_WORKER = 4, 60


def _four_appenders(url: str) -> None:
    db = Database(url)
    upgrade(db)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [
        subprocess.Popen(
            [sys.executable, str(HELPER), "run", url, str(w), str(PER_WORKER)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for w in range(WORKERS)
    ]
    acks: dict[int, tuple[int, int]] = {}
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        lines = out.splitlines()
        assert lines[-1] == "done"
        for line in lines[:-1]:
            _, index, worker, seq = line.split()
            assert int(index) not in acks, "two processes were given the same index"
            acks[int(index)] = (int(worker), int(seq))
    try:
        ledger = Ledger(db, LedgerSettings())
        report = ledger.verify()
        assert report.tree_size == WORKERS * PER_WORKER
        assert sorted(acks) == list(range(WORKERS * PER_WORKER))
        for index in range(0, WORKERS * PER_WORKER, 7):
            payload = ledger.entry(index).record()["payload"]
            assert (payload["worker"], payload["seq"]) == acks[index]
        assert sorted(acks.values()) == [(w, s) for w in range(WORKERS) for s in range(PER_WORKER)]
        ledger.close()
    finally:
        db.dispose()


def test_four_processes_on_sqlite(sqlite_url: str) -> None:
    _four_appenders(sqlite_url)


@pytest.mark.postgres
def test_four_processes_on_postgres(postgres_url: str) -> None:
    _four_appenders(postgres_url)
