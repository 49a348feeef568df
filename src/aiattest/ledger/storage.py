"""The ledger's SQL: one locked head row sequences every appender; nodes by post-order key.

Writes go through the raw DB-API connection of the project's engine: a group commit of
thousands of rows is dominated by per-row overhead, which the ORM would multiply. Every
append runs in one transaction that first locks the head row (SQLite: ``BEGIN
IMMEDIATE``, the single-writer lock; PostgreSQL: ``SELECT ... FOR UPDATE``), so appends
from any number of processes form one linear log; the primary key on the index is a
second line of defence against a fork.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from aiattest.errors import StoreError, VerificationError
from aiattest.ledger.entries import SealedEntry
from aiattest.ledger.merkle import Frontier, NodeId, frontier_ids, position
from aiattest.store import Database

_HEAD = "SELECT tree_size, root_hash FROM ledger_head WHERE id = 1"
_ENTRY_RANGE = (
    "SELECT idx, leaf_hash, body FROM ledger_entries WHERE idx >= ? AND idx < ? ORDER BY idx"
)


def _blob(value: Any) -> bytes:
    """Column value as bytes; a tampered row may hold text or a number where bytes belong."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    return str(value).encode()


class LedgerStore:
    """Reads and writes the ledger tables of one database."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.is_sqlite = db.dialect == "sqlite"
        self._p = "?" if self.is_sqlite else "%s"
        self._dbapi_error: type[Exception] = db.engine.dialect.loaded_dbapi.Error
        self._cache_lock = threading.Lock()
        self._cached: Frontier | None = None
        self._local = threading.local()
        self._readers: list[Any] = []
        self._cached_root = b""

    def _q(self, sql: str) -> str:
        """The statement in this driver's parameter style (written with ``?``)."""
        return sql if self.is_sqlite else sql.replace("?", "%s")

    # -- connections ---------------------------------------------------------------------

    @contextmanager
    def connection(self, *, write: bool = False, snapshot: bool = False) -> Iterator[Any]:
        """A raw DB-API cursor in a transaction, committed on success, rolled back on error.

        ``write`` takes the writer lock at once (so the head read is current and stays
        so); ``snapshot`` gives a stable view for long reads (verification, export).
        """
        conn = self.db.engine.raw_connection()
        try:
            # psycopg: binary results skip the hex round trip of every bytea value.
            cur = conn.cursor() if self.is_sqlite else conn.cursor(binary=True)
            if self.is_sqlite and (write or snapshot):
                cur.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            elif snapshot:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield cur
            conn.commit()
        except self._dbapi_error as e:
            conn.rollback()
            raise StoreError(f"ledger database error: {e.__class__.__name__}: {e}") from e
        except BaseException:
            conn.rollback()
            raise
        finally:
            conn.close()

    @contextmanager
    def reader(self) -> Iterator[Any]:
        """A cursor for short reads on a connection this thread keeps (no pool round trip).

        Statements run in autocommit, each seeing committed data. That is consistent for
        proofs: a commit never changes a stored hash, and the head is updated in the same
        transaction that adds the nodes it covers, so nodes read after the head exist.
        """
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.db.engine.raw_connection()
            # Detached: the autocommit setting must never travel back into the shared pool.
            conn.detach()
            driver: Any = conn.dbapi_connection
            if not self.is_sqlite:
                driver.autocommit = True
            self._local.conn = conn
            with self._cache_lock:
                self._readers.append(conn)
        cur = conn.cursor() if self.is_sqlite else conn.cursor(binary=True)
        try:
            yield cur
        except self._dbapi_error as e:
            self._drop_reader(conn)  # it may be broken; the next read reconnects
            raise StoreError(f"ledger database error: {e.__class__.__name__}: {e}") from e
        finally:
            with suppress(self._dbapi_error):  # its connection may already be gone
                cur.close()

    def _drop_reader(self, conn: Any) -> None:
        self._local.conn = None
        with self._cache_lock:
            if conn in self._readers:
                self._readers.remove(conn)
        with suppress(self._dbapi_error):
            conn.close()

    def close_readers(self) -> None:
        """Close the kept read connections."""
        with self._cache_lock:
            readers, self._readers = self._readers, []
        self._local = threading.local()
        for conn in readers:
            try:
                conn.close()
            except self._dbapi_error:  # already broken
                continue

    # -- the head and the tree -----------------------------------------------------------

    def head(self, cur: Any, *, lock: bool = False) -> tuple[int, bytes]:
        """The tree size and root; ``lock`` holds the head row until the transaction ends."""
        cur.execute(_HEAD + (" FOR UPDATE" if lock and not self.is_sqlite else ""))
        row = cur.fetchone()
        if row is None:
            raise StoreError("the ledger head row is missing; run `aiattest db upgrade`")
        return int(row[0]), _blob(row[1])

    def hashes(self, cur: Any, ids: Sequence[NodeId] | set[NodeId]) -> dict[NodeId, bytes]:
        """The stored hash of each named complete subtree (leaves come from the entries)."""
        leaves = sorted(index for level, index in ids if level == 0)
        inner = {position(level, index): (level, index) for level, index in ids if level > 0}
        found: dict[NodeId, bytes] = {}
        keys = sorted(inner)
        # One round trip: leaf hashes and inner nodes in a single statement.
        parts, params = [], []
        if leaves:
            marks = ",".join([self._p] * len(leaves))
            parts.append(f"SELECT 0, idx, leaf_hash FROM ledger_entries WHERE idx IN ({marks})")  # noqa: S608
            params.extend(leaves)
        if keys:
            marks = ",".join([self._p] * len(keys))
            parts.append(f"SELECT 1, pos, hash FROM ledger_nodes WHERE pos IN ({marks})")  # noqa: S608
            params.extend(keys)
        if parts:
            cur.execute(" UNION ALL ".join(parts), params)
            for table, key, h in cur.fetchall():
                node = inner[int(key)] if table else (0, int(key))
                found[node] = _blob(h)
        for level, index in ids:
            if (level, index) not in found:
                raise VerificationError(
                    f"stored tree lacks the node at level {level}, index {index}",
                    index=index << level,
                )
        return found

    def frontier(self, cur: Any, size: int, root: bytes) -> Frontier:
        """The compact range of the first ``size`` leaves, checked against ``root``."""
        with self._cache_lock:
            cached = self._cached
            if cached is not None and cached.size == size and self._cached_root == root:
                return cached.copy()
        ids = frontier_ids(size)
        found = self.hashes(cur, ids)
        frontier = Frontier(size, [found[i] for i in ids])
        if frontier.root() != root:
            raise VerificationError(
                f"stored tree of size {size} does not lead to the head root",
                hint="run `aiattest ledger verify` to find the first bad index",
            )
        return frontier

    def remember(self, frontier: Frontier) -> None:
        """Keep the frontier after a commit so the next append skips reading it."""
        with self._cache_lock:
            self._cached = frontier.copy()
            self._cached_root = frontier.root()

    # -- appends ---------------------------------------------------------------------------

    def append(self, batch: Sequence[SealedEntry]) -> int:
        """Append entries in one transaction; return the index of the first."""
        with self.connection(write=True) as cur:
            size, root = self.head(cur, lock=True)
            frontier = self.frontier(cur, size, root)
            nodes: list[tuple[int, bytes]] = []

            def emit(level: int, index: int, h: bytes) -> None:
                nodes.append((position(level, index), h))

            rows = []
            for offset, sealed in enumerate(batch):
                frontier.append(sealed.leaf_hash, emit)
                rows.append(
                    (size + offset, sealed.ts_ms, sealed.kind, sealed.leaf_hash, sealed.body)
                )
            secrets = [
                (size + offset, s.field, s.salt, s.value)
                for offset, sealed in enumerate(batch)
                for s in sealed.secrets
            ]
            self.insert_rows(cur, rows, nodes, secrets)
            cur.execute(
                self._q("UPDATE ledger_head SET tree_size = ?, root_hash = ? WHERE id = 1"),
                (frontier.size, frontier.root()),
            )
        self.remember(frontier)
        return size

    def insert_rows(
        self,
        cur: Any,
        entries: Sequence[tuple[int, int, str, bytes, bytes]],
        nodes: Sequence[tuple[int, bytes]],
        secrets: Sequence[tuple[int, str, bytes, bytes]] = (),
    ) -> None:
        """Insert entry, node and secret rows (COPY on PostgreSQL, executemany on SQLite)."""
        if self.is_sqlite:
            cur.executemany("INSERT INTO ledger_entries VALUES (?, ?, ?, ?, ?)", entries)
            if nodes:
                cur.executemany("INSERT INTO ledger_nodes VALUES (?, ?)", nodes)
            if secrets:
                cur.executemany("INSERT INTO ledger_secrets VALUES (?, ?, ?, ?)", secrets)
            return
        self._copy(cur, "ledger_entries (idx, ts_ms, kind, leaf_hash, body)", entries,
                   ["int8", "int8", "text", "bytea", "bytea"])  # fmt: skip
        if nodes:
            self._copy(cur, "ledger_nodes (pos, hash)", nodes, ["int8", "bytea"])
        if secrets:
            self._copy(cur, "ledger_secrets (idx, field, salt, value)", secrets,
                       ["int8", "text", "bytea", "bytea"])  # fmt: skip

    @staticmethod
    def _copy(cur: Any, target: str, rows: Sequence[tuple[Any, ...]], types: list[str]) -> None:
        with cur.copy(f"COPY {target} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row(row)

    # -- checkpoints -----------------------------------------------------------------------

    def checkpoints(self, cur: Any) -> list[tuple[int, bytes, str, int]]:
        """Every checkpoint (size, root, note, created_ms), oldest first."""
        cur.execute(
            "SELECT tree_size, root_hash, note, created_ms FROM ledger_checkpoints "
            "ORDER BY tree_size"
        )
        return [(int(s), _blob(r), str(n), int(c)) for s, r, n, c in cur.fetchall()]

    def latest_checkpoint(self, cur: Any) -> tuple[int, bytes, str, int] | None:
        """The newest checkpoint, if any."""
        cur.execute(
            "SELECT tree_size, root_hash, note, created_ms FROM ledger_checkpoints "
            "ORDER BY tree_size DESC LIMIT 1"
        )
        row = cur.fetchone()
        return None if row is None else (int(row[0]), _blob(row[1]), str(row[2]), int(row[3]))

    def insert_checkpoint(
        self, cur: Any, size: int, root: bytes, note: str, created_ms: int
    ) -> None:
        """Store a signed checkpoint."""
        cur.execute(
            self._q("INSERT INTO ledger_checkpoints VALUES (?, ?, ?, ?)"),
            (size, root, note, created_ms),
        )

    # -- reads -----------------------------------------------------------------------------

    def entries(
        self, cur: Any, start: int, end: int, *, raw: bool = False
    ) -> list[tuple[int, bytes, bytes]]:
        """(idx, leaf_hash, body) of the stored entries with start <= idx < end, in order.

        ``raw`` skips the per-row type normalisation (the verifier compares values as
        stored, so a retyped column simply fails to match).
        """
        cur.execute(self._q(_ENTRY_RANGE), (start, end))
        rows: list[tuple[int, bytes, bytes]] = cur.fetchall()
        return rows if raw else [(int(i), _blob(h), _blob(b)) for i, h, b in rows]

    def scan(  # noqa: PLR0917 (one positional per SQL parameter)
        self, cur: Any, kind: str, start_ms: int, end_ms: int, after: int, limit: int
    ) -> list[tuple[int, int, bytes]]:
        """(idx, ts_ms, body) of up to ``limit`` entries of ``kind`` with start_ms <= ts_ms <
        end_ms and idx > after, in index order (a keyset page over the primary key)."""
        cur.execute(
            self._q(
                "SELECT idx, ts_ms, body FROM ledger_entries WHERE idx > ? AND kind = ?"
                " AND ts_ms >= ? AND ts_ms < ? ORDER BY idx LIMIT ?"
            ),
            (after, kind, start_ms, end_ms, limit),
        )
        return [(int(i), int(t), _blob(b)) for i, t, b in cur.fetchall()]

    def nodes(self, cur: Any, lo: int, hi: int, *, raw: bool = False) -> list[tuple[int, bytes]]:
        """(pos, hash) of the stored nodes with lo <= pos < hi, in order (``raw``: as stored)."""
        cur.execute(
            self._q("SELECT pos, hash FROM ledger_nodes WHERE pos >= ? AND pos < ? ORDER BY pos"),
            (lo, hi),
        )
        rows: list[tuple[int, bytes]] = cur.fetchall()
        return rows if raw else [(int(p), _blob(h)) for p, h in rows]

    def first_at_or_after(self, cur: Any, table: str, column: str, start: int) -> int | None:
        """The smallest key >= start in a table (finds rows beyond the tree)."""
        # Table and column come from this module, never from input.
        sql = f"SELECT MIN({column}) FROM {table} WHERE {column} >= ?"  # noqa: S608
        cur.execute(self._q(sql), (start,))
        row = cur.fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def tail(self, cur: Any, n: int) -> list[tuple[int, bytes, bytes]]:
        """The last ``n`` entries (idx, leaf_hash, body), oldest first."""
        cur.execute(
            self._q("SELECT idx, leaf_hash, body FROM ledger_entries ORDER BY idx DESC LIMIT ?"),
            (n,),
        )
        return [(int(i), _blob(h), _blob(b)) for i, h, b in reversed(cur.fetchall())]

    def secrets(self, cur: Any, idx: int) -> list[tuple[str, bytes, bytes]]:
        """(field, salt, value) openings kept for an entry."""
        cur.execute(
            self._q("SELECT field, salt, value FROM ledger_secrets WHERE idx = ? ORDER BY field"),
            (idx,),
        )
        return [(str(f), bytes(s), bytes(v)) for f, s, v in cur.fetchall()]

    def shred(self, cur: Any, idx: int, fields: Sequence[str] | None) -> int:
        """Delete the openings of an entry's sealed fields (all, or those named)."""
        if fields is None:
            cur.execute(self._q("DELETE FROM ledger_secrets WHERE idx = ?"), (idx,))
        else:
            cur.executemany(
                self._q("DELETE FROM ledger_secrets WHERE idx = ? AND field = ?"),
                [(idx, f) for f in fields],
            )
        return int(cur.rowcount or 0)
