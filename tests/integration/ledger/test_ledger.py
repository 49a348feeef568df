"""The Ledger on a real SQLite database: appends, proofs, checkpoints, shredding, async."""

from __future__ import annotations

import asyncio
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiattest.config.ledger import LedgerSettings
from aiattest.errors import InputError, LedgerError, VerificationError
from aiattest.ledger import Ledger, merkle
from aiattest.ledger.note import parse_checkpoint
from aiattest.store import Database

from .conftest import make_entry


def test_indices_are_consecutive_and_proofs_verify(ledger: Ledger) -> None:
    assert ledger.append_many(make_entry(i) for i in range(70)) == list(range(70))
    assert [ledger.append(make_entry(70 + i)) for i in range(5)] == list(range(70, 75))
    size = ledger.size()
    assert size == 75
    head = ledger.prove_inclusion(0)
    for index in (0, 1, 31, 64, 74):
        for tree_size in (index + 1, 64, 75):
            if tree_size <= index:
                continue
            proof = ledger.prove_inclusion(index, tree_size)
            assert proof.leaf_hash == merkle.leaf_hash(ledger.entry(index).body)
            merkle.verify_inclusion(index, tree_size, proof.leaf_hash, list(proof.path), proof.root)
    for first in (0, 1, 7, 50, 64, 75):
        proof = ledger.prove_consistency(first, 75)
        assert proof.second_root == head.root
        merkle.verify_consistency(first, 75, proof.first_root, proof.second_root, list(proof.path))
    with pytest.raises(InputError):
        ledger.prove_inclusion(75)
    with pytest.raises(InputError):
        ledger.prove_consistency(10, 76)


def test_checkpoints_every_n_entries_and_on_demand(ledger: Ledger) -> None:
    ledger.append_many(make_entry(i) for i in range(120))
    sizes = [c.tree_size for c in ledger.checkpoints()]
    assert sizes == [120]  # one batch of 120 appended at once: one checkpoint after it
    for i in range(60):
        ledger.append(make_entry(200 + i))
    ledger.close()
    assert [c.tree_size for c in ledger.checkpoints()][-1] >= 170
    on_demand = ledger.checkpoint()
    assert on_demand.tree_size == 180
    assert ledger.checkpoint() == on_demand  # same size: the stored one, not a second signature
    body = parse_checkpoint(ledger.verifier().open(on_demand.note))
    assert (body.origin, body.size, body.root) == ("aiattest.local/ledger", 180, on_demand.root)
    assert ledger.verify().checkpoints_checked == len(ledger.checkpoints())


def test_time_based_checkpoint_uses_the_injected_clock(sqlite_db: Database) -> None:
    now = [1000.0]
    led = Ledger(
        sqlite_db,
        LedgerSettings(checkpoint_every_entries=10_000, checkpoint_every_seconds=30),
        signing_key=Ed25519PrivateKey.generate(),
        clock=lambda: now[0],
    )
    led.append_many([make_entry(0)])
    assert led.checkpoints() == []
    now[0] += 31
    led.append_many([make_entry(1)])
    assert [c.tree_size for c in led.checkpoints()] == [2]
    assert led.checkpoints()[0].created_ms == 1_031_000
    led.close()


def test_refuses_to_sign_a_view_inconsistent_with_the_last_checkpoint(ledger: Ledger) -> None:
    ledger.append_many(make_entry(i) for i in range(10))
    ledger.checkpoint()
    with ledger.store.connection(write=True) as cur:  # rewrite history behind the ledger's back
        cur.execute("UPDATE ledger_checkpoints SET root_hash = ?", (bytes(32),))
    with pytest.raises(VerificationError):
        ledger.checkpoint()
    # Appends still commit and return their indices; only the automatic checkpoint fails.
    assert ledger.append_many(make_entry(i) for i in range(10, 70)) == list(range(10, 70))
    assert [c.tree_size for c in ledger.checkpoints()] == [10]


def test_no_key_means_no_checkpoints(sqlite_db: Database) -> None:
    led = Ledger(sqlite_db, LedgerSettings())
    led.append_many([make_entry(0)])
    with pytest.raises(LedgerError, match="no signing key"):
        led.checkpoint()
    assert led.verify().tree_size == 1
    led.close()


def test_crypto_shredding_keeps_the_log_verifiable(ledger: Ledger) -> None:
    ledger.append_many(make_entry(i) for i in range(3))
    assert ledger.reveal(1) == {"user_email": "user1@example.org"}
    assert b"user1@example.org" not in ledger.entry(1).body
    before = ledger.prove_inclusion(1)
    assert ledger.shred(1) == 1
    assert ledger.reveal(1) == {}
    assert ledger.reveal(2) == {"user_email": "user2@example.org"}
    assert ledger.prove_inclusion(1) == before
    assert ledger.verify().tree_size == 3


def test_threads_share_group_commits(ledger: Ledger) -> None:
    results: list[int] = []
    lock = threading.Lock()

    def worker(w: int) -> None:
        for i in range(25):
            index = ledger.append(make_entry(w * 100 + i))
            with lock:
                results.append(index)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == list(range(200))
    assert ledger.verify().tree_size == 200


def test_async_appends_from_many_tasks(ledger: Ledger) -> None:
    async def main() -> list[int]:
        return list(await asyncio.gather(*(ledger.append_async(make_entry(i)) for i in range(64))))

    indices = asyncio.run(main())
    assert sorted(indices) == list(range(64))
    seqs = {ledger.entry(i).record()["payload"]["seq"] for i in indices}
    assert seqs == set(range(64))


def test_bad_entries_fail_before_anything_is_written(ledger: Ledger) -> None:
    with pytest.raises(InputError):
        ledger.append_many([make_entry(0), make_entry(1).__class__(
            kind=make_entry(1).kind, ts_ms=1, actor="a", payload={"x": float("inf")})])  # fmt: skip
    assert ledger.size() == 0


def test_tail_returns_the_newest_entries(ledger: Ledger) -> None:
    ledger.append_many(make_entry(i) for i in range(12))
    tail = ledger.tail(3)
    assert [e.index for e in tail] == [9, 10, 11]
    assert tail[-1].record()["payload"]["seq"] == 11
