"""A child process for crash and concurrency tests (run as a script, not collected).

``appender.py fork URL``: read a line per round from stdin; for each, fork a child that
appends until killed, printing ``ack INDEX PID SEQ`` lines only after each commit
returned; the parent reports ``dead PID`` once the child is gone. Forking from one warm
process keeps twenty-odd kills within a few seconds.

``appender.py run URL WORKER N``: append N entries (half through ``append`` from four
threads, half with ``append_many``), print every acknowledged index, then ``done``.
"""

from __future__ import annotations

import os
import random
import sys
import threading

from aiattest.config.ledger import LedgerSettings
from aiattest.ledger import Entry, EntryKind, Ledger
from aiattest.store import Database


def _entry(worker: int, seq: int) -> Entry:
    return Entry(EntryKind.AUDIT_EVENT, 1_764_000_000_000 + seq, f"svc:w{worker}", (),
                 {"worker": worker, "seq": seq}, {"user": f"u{seq}"})  # fmt: skip


def _say(lines: list[str]) -> None:
    # One write per commit: a line is either whole on the pipe or absent.
    os.write(1, "".join(line + "\n" for line in lines).encode())


def _append_forever(url: str) -> None:
    db = Database(url)
    ledger = Ledger(db, LedgerSettings(group_commit_max_batch=64))
    pid, rng, seq = os.getpid(), random.Random(os.getpid()), 0
    _say([f"start {pid}"])
    use_threads = pid % 2 == 0
    lock = threading.Lock()

    def one(s: int) -> None:
        index = ledger.append(_entry(pid, s))
        with lock:
            _say([f"ack {index} {pid} {s}"])

    while True:
        n = rng.randrange(1, 12)
        seqs = list(range(seq, seq + n))
        seq += n
        if use_threads:
            threads = [threading.Thread(target=one, args=(s,)) for s in seqs]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        else:
            indices = ledger.append_many(_entry(pid, s) for s in seqs)
            _say([f"ack {i} {pid} {s}" for i, s in zip(indices, seqs, strict=True)])


def fork_server(url: str) -> None:
    """Fork one appender per input line and report when each one died."""
    for _ in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                _append_forever(url)
            finally:
                os._exit(1)
        os.waitpid(pid, 0)
        _say([f"dead {pid}"])


def run(url: str, worker: int, n: int) -> None:
    """Append n entries from one process, mixing single appends and batches."""
    db = Database(url)
    ledger = Ledger(db, LedgerSettings())
    acks: list[str] = []
    lock = threading.Lock()
    half = n // 2

    def single(part: range) -> None:
        for s in part:
            index = ledger.append(_entry(worker, s))
            with lock:
                acks.append(f"ack {index} {worker} {s}")

    parts = [range(k, half, 4) for k in range(4)]
    threads = [threading.Thread(target=single, args=(p,)) for p in parts]
    for t in threads:
        t.start()
    for start in range(half, n, 10):
        seqs = list(range(start, min(start + 10, n)))
        indices = ledger.append_many(_entry(worker, s) for s in seqs)
        with lock:
            acks.extend(f"ack {i} {worker} {s}" for i, s in zip(indices, seqs, strict=True))
    for t in threads:
        t.join()
    ledger.close()
    db.dispose()
    _say([*acks, "done"])


if __name__ == "__main__":
    if sys.argv[1] == "fork":
        fork_server(sys.argv[2])
    else:
        run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
