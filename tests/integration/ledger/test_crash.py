"""SIGKILL an appending process at random moments: every acknowledged entry survives.

A warm helper process forks an appender per round; the test kills it with SIGKILL after a
random delay. Afterwards the log must verify and hold every index the child acknowledged
(printed only after ``append``/``append_many`` returned), with the child's own payload.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from aiattest.config.ledger import LedgerSettings
from aiattest.ledger import Ledger
from aiattest.store import Database

HELPER = Path(__file__).with_name("appender.py")
KILLS = 24


def _read_until(proc: subprocess.Popen[str], prefix: str, acks: list[tuple[int, int, int]]) -> str:
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        assert line, "helper exited early"
        if line.startswith("ack "):
            _, index, pid, seq = line.split()
            acks.append((int(index), int(pid), int(seq)))
        if line.startswith(prefix):
            return line.split()[1]


def test_sigkill_never_loses_an_acknowledged_entry(sqlite_db: Database, sqlite_url: str) -> None:
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, str(HELPER), "fork", sqlite_url],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    assert proc.stdin is not None
    acks: list[tuple[int, int, int]] = []
    try:
        for _ in range(KILLS):
            proc.stdin.write("go\n")
            proc.stdin.flush()
            pid = int(_read_until(proc, "start", acks))
            _read_until(proc, "ack", acks)  # let it commit once, then kill at a random moment
            time.sleep(rng.uniform(0.0, 0.04))
            os.kill(pid, signal.SIGKILL)
            assert int(_read_until(proc, "dead", acks)) == pid
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        assert proc.stdout is not None
        proc.stdout.close()
    assert len(acks) >= KILLS
    ledger = Ledger(sqlite_db, LedgerSettings())
    report = ledger.verify()
    assert len({index for index, _, _ in acks}) == len(acks)
    assert max(index for index, _, _ in acks) < report.tree_size
    for index, pid, seq in rng.sample(acks, min(len(acks), 300)):
        payload = ledger.entry(index).record()["payload"]
        assert (payload["worker"], payload["seq"]) == (pid, seq)
    ledger.close()
