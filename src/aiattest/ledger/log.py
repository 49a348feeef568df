"""The ``Ledger``: append (durably, in group commits), checkpoint, prove, read, shred."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiattest.config import Settings
from aiattest.config.ledger import LedgerSettings
from aiattest.errors import Error, InputError, LedgerError, NotFoundError, VerificationError
from aiattest.ledger import merkle
from aiattest.ledger.entries import Entry, EntryKind, LogIndex, SealedEntry, Secret, confirm, seal
from aiattest.ledger.interface import (
    Checkpoint,
    ConsistencyProof,
    InclusionProof,
    StoredEntry,
    VerifyReport,
)
from aiattest.ledger.keys import load_signing_key, signing_key_path
from aiattest.ledger.note import CheckpointBody, NoteSigner, NoteVerifier
from aiattest.ledger.storage import LedgerStore
from aiattest.ledger.writer import GroupCommitter
from aiattest.store import Database

_log = logging.getLogger(__name__)


class Ledger:
    """The evidence log of one database: one linear RFC 9162 tree with signed checkpoints.

    Safe to share between threads; any number of processes may append at once.
    """

    def __init__(
        self,
        db: Database,
        settings: LedgerSettings,
        *,
        signing_key: Ed25519PrivateKey | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self.store = LedgerStore(db)
        self.signer = NoteSigner(settings.origin, signing_key) if signing_key else None
        self._clock = clock
        self._writer: GroupCommitter | None = None
        self._writer_lock = threading.Lock()
        self._last_checkpoint: tuple[int, float] | None = None

    @classmethod
    def from_settings(cls, db: Database, settings: Settings) -> Ledger:
        """A ledger with the configured signing key, if it exists (else no checkpoints)."""
        path = signing_key_path(settings)
        key = load_signing_key(path) if path.exists() else None
        return cls(db, settings.ledger, signing_key=key)

    # -- appending -------------------------------------------------------------------------

    def seal(self, entry: Entry) -> SealedEntry:
        """The leaf bytes of an entry (raises InputError for entries that cannot be stored)."""
        return seal(entry, max_bytes=self.settings.max_entry_bytes)

    def append(self, entry: Entry) -> LogIndex:
        """Append one entry; return its index once the commit holding it is durable."""
        return LogIndex(self._group().submit(self.seal(entry)).result())

    async def append_async(self, entry: Entry) -> LogIndex:
        """Append from a coroutine; concurrent callers share group commits."""
        return LogIndex(await self._group().submit_async(self.seal(entry)))

    def append_many(self, entries: Iterable[Entry]) -> list[LogIndex]:
        """Append a batch in as few transactions as the batch limit allows; durable on return.

        The entries get consecutive indices within each transaction.
        """
        sealed = [self.seal(e) for e in entries]
        indices: list[LogIndex] = []
        step = self.settings.group_commit_max_batch
        for i in range(0, len(sealed), step):
            chunk = sealed[i : i + step]
            first = self._commit(chunk)
            indices.extend(LogIndex(first + k) for k in range(len(chunk)))
        return indices

    def _commit(self, batch: Sequence[SealedEntry]) -> int:
        first = self.store.append(batch)
        try:
            self._maybe_checkpoint(first + len(batch))
        except Error:
            # The entries are committed: their callers must get their indices, not an error
            # that invites a retry (and a duplicate). The failed checkpoint is retried on
            # the next commit, and `ledger verify` reports what blocks it.
            _log.exception("automatic ledger checkpoint failed")
        return first

    def _group(self) -> GroupCommitter:
        writer = self._writer
        if writer is not None:
            return writer
        with self._writer_lock:  # the first appends may race to start the writer
            if self._writer is None:
                self._writer = GroupCommitter(
                    self._commit,
                    max_batch=self.settings.group_commit_max_batch,
                    linger_s=self.settings.group_commit_linger_ms / 1000,
                    idle=self._idle_checkpoint,
                    idle_every_s=min(self.settings.checkpoint_every_seconds, 1.0),
                )
            return self._writer

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Flush queued appends, stop the writer thread and return kept read connections."""
        with self._writer_lock:
            writer, self._writer = self._writer, None
        if writer is not None:
            writer.close()
        self.store.close_readers()

    # -- checkpoints -----------------------------------------------------------------------

    def _maybe_checkpoint(self, size: int) -> None:
        if self.signer is None:
            return
        if self._last_checkpoint is None:
            with self.store.connection() as cur:
                latest = self.store.latest_checkpoint(cur)
            self._last_checkpoint = (latest[0], latest[3] / 1000) if latest else (0, self._clock())
        last_size, last_time = self._last_checkpoint
        due_by_count = size - last_size >= self.settings.checkpoint_every_entries
        due_by_time = self._clock() - last_time >= self.settings.checkpoint_every_seconds
        if size > last_size and (due_by_count or due_by_time):
            self.checkpoint(only_if_due=True)

    def _due(self, size: int, last_size: int, last_created_ms: int) -> bool:
        if size - last_size >= self.settings.checkpoint_every_entries:
            return True
        return self._clock() - last_created_ms / 1000 >= self.settings.checkpoint_every_seconds

    def _idle_checkpoint(self) -> None:
        if self.signer is not None and self._last_checkpoint is not None:
            with self.store.connection() as cur:
                size, _ = self.store.head(cur)
            self._maybe_checkpoint(size)

    def checkpoint(self, *, only_if_due: bool = False) -> Checkpoint:
        """Sign a checkpoint of the current tree (or return the one at this size).

        Before signing, the new tree is proven consistent with the newest checkpoint, so
        the log never signs two views that contradict each other. ``only_if_due`` (the
        automatic policy) re-checks the schedule under the lock, because another process
        may have just signed one.
        """
        if self.signer is None:
            raise LedgerError(
                "no signing key: cannot sign checkpoints",
                hint="run `aiattest init` or set ledger.signing_key_path",
            )
        store = self.store
        with store.connection(write=True) as cur:
            size, root = store.head(cur, lock=True)
            latest = store.latest_checkpoint(cur)
            if latest is not None:
                old_size, old_root, note, created = latest
                if old_size > size:
                    raise VerificationError(
                        f"a checkpoint covers {old_size} entries but the log has {size}",
                        index=size,
                    )
                proof = self._consistency_path(cur, old_size, size)
                try:
                    merkle.verify_consistency(old_size, size, old_root, root, proof)
                except merkle.ProofError as e:
                    raise VerificationError(
                        f"the log at size {size} is not consistent with the checkpoint at "
                        f"size {old_size}; refusing to sign",
                        index=old_size,
                    ) from e
                if old_size == size or (only_if_due and not self._due(size, old_size, created)):
                    self._last_checkpoint = (old_size, created / 1000)
                    return Checkpoint(old_size, old_root, note, created)
            created_ms = int(self._clock() * 1000)
            note = self.signer.sign(CheckpointBody(self.settings.origin, size, root).text())
            store.insert_checkpoint(cur, size, root, note, created_ms)
        self._last_checkpoint = (size, created_ms / 1000)
        return Checkpoint(size, root, note, created_ms)

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, oldest first."""
        with self.store.reader() as cur:
            return [Checkpoint(*row) for row in self.store.checkpoints(cur)]

    def verifier(self) -> NoteVerifier:
        """The verifier key of this ledger's signing key."""
        if self.signer is None:
            raise LedgerError("no signing key configured", hint="run `aiattest init`")
        return self.signer.verifier()

    # -- proofs ----------------------------------------------------------------------------

    def size(self) -> int:
        """The number of entries in the log."""
        with self.store.reader() as cur:
            return self.store.head(cur)[0]

    def prove_inclusion(self, index: int, tree_size: int | None = None) -> InclusionProof:
        """The inclusion proof of entry ``index`` in the tree of ``tree_size`` (default: now)."""
        with self.store.reader() as cur:
            size, head_root = self.store.head(cur)
            tree_size = size if tree_size is None else tree_size
            if not 0 <= index < tree_size <= size:
                raise InputError(f"no entry {index} in a tree of size {tree_size} (log: {size})")
            plan = merkle.inclusion_plan(index, tree_size)
            roots = [] if tree_size == size else merkle.frontier_ids(tree_size)
            found = self.store.hashes(cur, merkle.plan_nodes(plan) | set(roots) | {(0, index)})
        root = head_root if not roots else merkle.fold([found[n] for n in roots])
        path = merkle.materialise(plan, found)
        return InclusionProof(index, tree_size, found[(0, index)], root, tuple(path))

    def prove_consistency(self, first: int, second: int | None = None) -> ConsistencyProof:
        """The consistency proof from tree size ``first`` to ``second`` (default: now)."""
        with self.store.reader() as cur:
            size, head_root = self.store.head(cur)
            second = size if second is None else second
            if not 0 <= first <= second <= size:
                raise InputError(f"sizes must satisfy 0 <= {first} <= {second} <= {size}")
            path = self._consistency_path(cur, first, second)
            first_root, second_root = self._roots(cur, (first, second), size, head_root)
        return ConsistencyProof(first, second, first_root, second_root, tuple(path))

    def _consistency_path(self, cur: Any, first: int, second: int) -> list[bytes]:
        plan = merkle.consistency_plan(first, second)
        return merkle.materialise(plan, self.store.hashes(cur, merkle.plan_nodes(plan)))

    def _roots(self, cur: Any, sizes: Sequence[int], size: int, head_root: bytes) -> list[bytes]:
        ids = {n for s in sizes if s not in (0, size) for n in merkle.frontier_ids(s)}
        found = self.store.hashes(cur, ids) if ids else {}
        out = []
        for s in sizes:
            if s == size:
                out.append(head_root)
            elif s == 0:
                out.append(merkle.EMPTY_ROOT)
            else:
                out.append(merkle.fold([found[n] for n in merkle.frontier_ids(s)]))
        return out

    # -- reading and shredding ---------------------------------------------------------------

    def entry(self, index: int) -> StoredEntry:
        """One stored entry."""
        with self.store.reader() as cur:
            rows = self.store.entries(cur, index, index + 1)
        if not rows:
            raise NotFoundError(f"no ledger entry {index}")
        return StoredEntry(*rows[0])

    def scan(
        self, kind: EntryKind | str, start_ms: int = 0, end_ms: int = 2**53, *, page: int = 5_000
    ) -> Iterator[tuple[int, int, bytes]]:
        """Every entry of ``kind`` with ``start_ms <= ts_ms < end_ms`` as (index, ts_ms,
        canonical body), in index order, read in pages so memory stays flat."""
        after = -1
        while True:
            with self.store.reader() as cur:
                rows = self.store.scan(cur, str(kind), start_ms, end_ms, after, page)
            yield from rows
            if len(rows) < page:
                return
            after = rows[-1][0]

    def tail(self, n: int = 10) -> list[StoredEntry]:
        """The newest ``n`` entries, oldest first."""
        if n < 1:
            raise InputError("n must be at least 1")
        with self.store.reader() as cur:
            return [StoredEntry(*row) for row in self.store.tail(cur, n)]

    def reveal(self, index: int) -> dict[str, Any]:
        """The sealed fields of an entry that can still be confirmed against its leaf."""
        entry = self.entry(index)
        sealed = entry.record().get("sealed", {})
        with self.store.reader() as cur:
            openings = self.store.secrets(cur, index)
        out: dict[str, Any] = {}
        for name, salt, value in openings:
            secret = Secret(name, salt, value)
            if name in sealed and confirm(sealed[name], secret):
                out[name] = json.loads(value)
        return out

    def shred(self, index: int, fields: Sequence[str] | None = None) -> int:
        """Crypto-shred sealed fields of an entry (all when ``fields`` is None)."""
        with self.store.connection() as cur:
            return self.store.shred(cur, index, fields)

    def verify(self, verifier: NoteVerifier | None = None) -> VerifyReport:
        """Rebuild and check the whole log; raise VerificationError at the first bad index."""
        from aiattest.ledger.verify import verify_store

        if verifier is None and self.signer is not None:
            verifier = self.signer.verifier()
        return verify_store(self.store, verifier, self.settings.origin)
