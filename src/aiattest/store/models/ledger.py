"""Tables of the evidence ledger: the log head, entries, tree nodes, checkpoints, secrets.

Keys are chosen so that later growth is additive: ``ledger_entries`` is keyed by the log
index (monotonic in time, so a PostgreSQL range partition on ``idx`` is a time partition),
``ledger_nodes`` by the post-order position of a complete subtree (a key that never
changes, so sealed ranges can be moved out to C2SP tiles without renumbering).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aiattest.store.models.base import Base

# SQLite only aliases the rowid for "INTEGER PRIMARY KEY"; BIGINT would add a second index.
LogInt = BigInteger().with_variant(Integer(), "sqlite")


class LedgerHead(Base):
    """The one row that appenders lock: the current tree size and root."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerEntry(Base):
    """One leaf: its canonical JSON bytes and their leaf hash."""

    __tablename__ = "ledger_entries"

    idx: Mapped[int] = mapped_column(LogInt, primary_key=True, autoincrement=False)
    ts_ms: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    body: Mapped[bytes] = mapped_column(LargeBinary)


class LedgerNode(Base):
    """The hash of a complete subtree above the leaves, keyed by post-order position."""

    __tablename__ = "ledger_nodes"

    pos: Mapped[int] = mapped_column(LogInt, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerCheckpoint(Base):
    """A signed checkpoint (C2SP signed note); one per tree size, kept forever."""

    __tablename__ = "ledger_checkpoints"

    tree_size: Mapped[int] = mapped_column(LogInt, primary_key=True, autoincrement=False)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_ms: Mapped[int] = mapped_column(BigInteger)


class LedgerSecret(Base):
    """The opening of a sealed field: deleting it crypto-shreds the field."""

    __tablename__ = "ledger_secrets"

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    field: Mapped[str] = mapped_column(String(64), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary(32))
    value: Mapped[bytes] = mapped_column(LargeBinary)
