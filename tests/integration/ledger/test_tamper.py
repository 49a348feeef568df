"""Tampering with the stored ledger is detected, and the first bad index is named.

Each case copies a clean 200-entry SQLite ledger (checkpoints every 50 entries), changes
rows directly with sqlite3 (as an attacker with database access would), and runs the
full verification. For rows rewritten consistently (body and leaf hash together) the
first provable damage is the smallest stored subtree whose hash disagrees, so the index
named is that subtree's first entry.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiattest.config.ledger import LedgerSettings
from aiattest.errors import VerificationError
from aiattest.ledger import Ledger, merkle
from aiattest.store import Database, upgrade

from .conftest import make_entry

SIZE = 200
Mutation = Callable[[sqlite3.Connection], int]  # applies a change, returns the expected index


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ed25519PrivateKey]:
    path = tmp_path_factory.mktemp("tamper") / "clean.db"
    key = Ed25519PrivateKey.generate()
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    led = Ledger(db, LedgerSettings(checkpoint_every_entries=50), signing_key=key)
    for start in range(0, SIZE, 25):
        led.append_many(make_entry(i) for i in range(start, start + 25))
    assert [c.tree_size for c in led.checkpoints()] == [50, 100, 150, 200]
    led.close()
    db.dispose()
    return path, key


def _verify_copy(clean: tuple[Path, Ed25519PrivateKey], tmp: Path, mutate: Mutation) -> None:
    path, key = clean
    copy = tmp / f"copy-{random.random()}.db"
    shutil.copy(path, copy)
    raw = sqlite3.connect(copy)
    expected = mutate(raw)
    raw.commit()
    raw.close()
    db = Database(f"sqlite:///{copy}")
    try:
        led = Ledger(db, LedgerSettings(), signing_key=key)
        with pytest.raises(VerificationError) as caught:
            led.verify()
        led.close()
        assert caught.value.index == expected, caught.value.message
    finally:
        db.dispose()


def _body(raw: sqlite3.Connection, i: int) -> bytes:
    return bytes(raw.execute("SELECT body FROM ledger_entries WHERE idx = ?", (i,)).fetchone()[0])


def modify_body(i: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        body = _body(raw, i).replace(b'"status":200', b'"status":500')
        raw.execute("UPDATE ledger_entries SET body = ? WHERE idx = ?", (body, i))
        return i

    return run


def modify_leaf_hash(i: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        raw.execute("UPDATE ledger_entries SET leaf_hash = ? WHERE idx = ?", (bytes(32), i))
        return i

    return run


def rewrite_row(i: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        body = _body(raw, i).replace(b'"status":200', b'"status":201')
        raw.execute(
            "UPDATE ledger_entries SET body = ?, leaf_hash = ? WHERE idx = ?",
            (body, merkle.leaf_hash(body), i),
        )
        return i & ~1

    return run


def delete_entry(i: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        raw.execute("DELETE FROM ledger_entries WHERE idx = ?", (i,))
        return i

    return run


def swap_rows(i: int, j: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        raw.execute("UPDATE ledger_entries SET idx = -1 WHERE idx = ?", (i,))
        raw.execute("UPDATE ledger_entries SET idx = ? WHERE idx = ?", (i, j))
        raw.execute("UPDATE ledger_entries SET idx = ? WHERE idx = -1", (j,))
        return min(i, j) & ~1

    return run


def truncate(k: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        raw.execute("DELETE FROM ledger_entries WHERE idx >= ?", (SIZE - k,))
        return SIZE - k

    return run


def truncate_consistently(s: int) -> Mutation:
    """Cut the log back to s entries and fix nodes and head to match: checkpoints catch it."""

    def run(raw: sqlite3.Connection) -> int:
        leaves = [bytes(h) for (h,) in raw.execute(
            "SELECT leaf_hash FROM ledger_entries WHERE idx < ? ORDER BY idx", (s,))]  # fmt: skip
        raw.execute("DELETE FROM ledger_entries WHERE idx >= ?", (s,))
        raw.execute("DELETE FROM ledger_nodes WHERE pos >= ?", (merkle.nodes_before(s),))
        raw.execute(
            "UPDATE ledger_head SET tree_size = ?, root_hash = ?", (s, merkle.root_of(leaves))
        )
        return s

    return run


def insert_entry() -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        body = b'{"forged":true}'
        raw.execute(
            "INSERT INTO ledger_entries VALUES (?, 0, 'evidence', ?, ?)",
            (SIZE, merkle.leaf_hash(body), body),
        )
        return SIZE

    return run


def modify_node(level: int, index: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        cur = raw.execute(
            "UPDATE ledger_nodes SET hash = ? WHERE pos = ?",
            (bytes(32), merkle.position(level, index)),
        )
        assert cur.rowcount == 1
        return index << level

    return run


def delete_node(level: int, index: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        raw.execute("DELETE FROM ledger_nodes WHERE pos = ?", (merkle.position(level, index),))
        return index << level

    return run


def insert_node(i: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        raw.execute("INSERT INTO ledger_nodes VALUES (?, ?)", (merkle.position(0, i), bytes(32)))
        return i

    return run


def forge_checkpoint_signature(k: int) -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        sizes = [s for (s,) in raw.execute("SELECT tree_size FROM ledger_checkpoints ORDER BY 1")]
        note = raw.execute(
            "SELECT note FROM ledger_checkpoints WHERE tree_size = ?", (sizes[k],)
        ).fetchone()[0]
        forged = note.replace(f"\n{sizes[k]}\n", f"\n{sizes[k] - 1}\n")
        raw.execute(
            "UPDATE ledger_checkpoints SET note = ? WHERE tree_size = ?", (forged, sizes[k])
        )
        return sizes[k - 1] if k else 0

    return run


def forge_head() -> Mutation:
    def run(raw: sqlite3.Connection) -> int:
        raw.execute("UPDATE ledger_head SET root_hash = ?", (bytes(32),))
        return SIZE

    return run


FIXED = {
    "body": modify_body(17),
    "leaf_hash": modify_leaf_hash(3),
    "rewrite_row": rewrite_row(41),
    "delete": delete_entry(120),
    "delete_first": delete_entry(0),
    "swap": swap_rows(10, 11),
    "swap_far": swap_rows(90, 20),
    "truncate": truncate(7),
    "truncate_consistently": truncate_consistently(180),
    "insert_beyond": insert_entry(),
    "node": modify_node(3, 5),
    "node_delete": delete_node(1, 60),
    "node_insert": insert_node(33),
    "checkpoint_note": forge_checkpoint_signature(2),
    "first_checkpoint_note": forge_checkpoint_signature(0),
    "head": forge_head(),
}


def test_clean_copy_verifies(clean: tuple[Path, Ed25519PrivateKey]) -> None:
    path, key = clean
    db = Database(f"sqlite:///{path}")
    try:
        led = Ledger(db, LedgerSettings(), signing_key=key)
        report = led.verify()
        led.close()
    finally:
        db.dispose()
    assert (report.tree_size, report.checkpoints_checked, report.unsigned_tail) == (SIZE, 4, 0)
    assert report.nodes_checked == SIZE - SIZE.bit_count()


@pytest.mark.parametrize("name", sorted(FIXED))
def test_each_kind_of_tampering_is_detected(
    name: str, clean: tuple[Path, Ed25519PrivateKey], tmp_path: Path
) -> None:
    _verify_copy(clean, tmp_path, FIXED[name])


def _random_mutation(rng: random.Random) -> Mutation:
    i = rng.randrange(SIZE)
    level = rng.randrange(1, 8)
    choices: list[Callable[[], Mutation]] = [
        lambda: modify_body(i),
        lambda: modify_leaf_hash(i),
        lambda: rewrite_row(i),
        lambda: delete_entry(i),
        lambda: swap_rows(i, (i + 1 + rng.randrange(SIZE - 1)) % SIZE),
        lambda: truncate(rng.randrange(1, 60)),
        lambda: modify_node(level, rng.randrange(SIZE >> level)),
        lambda: delete_node(level, rng.randrange(SIZE >> level)),
        lambda: insert_node(i),
    ]
    return rng.choice(choices)()


def test_many_random_mutations_are_each_detected(
    clean: tuple[Path, Ed25519PrivateKey], tmp_path: Path
) -> None:
    rng = random.Random(20261128)
    for _ in range(60):
        _verify_copy(clean, tmp_path, _random_mutation(rng))
