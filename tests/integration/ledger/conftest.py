"""Fixtures for ledger integration tests: a migrated database and a signing key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiattest.config.ledger import LedgerSettings
from aiattest.ledger import Entry, EntryKind, Ledger
from aiattest.store import Database, upgrade


def make_entry(i: int, actor: str = "svc:test") -> Entry:
    """A small audit event with one sealed personal field."""
    return Entry(
        EntryKind.AUDIT_EVENT, 1_764_000_000_000 + i, actor, (f"req-{i}",),
        {"seq": i, "status": 200, "latency_ms": 12.5}, {"user_email": f"user{i}@example.org"},
    )  # fmt: skip


@pytest.fixture
def key() -> Ed25519PrivateKey:
    """A fresh checkpoint signing key."""
    return Ed25519PrivateKey.generate()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    """A migrated SQLite database."""
    db = Database(sqlite_url)
    upgrade(db)
    yield db
    db.dispose()


@pytest.fixture
def ledger(sqlite_db: Database, key: Ed25519PrivateKey) -> Iterator[Ledger]:
    """A ledger on SQLite that checkpoints every 50 entries."""
    led = Ledger(sqlite_db, LedgerSettings(checkpoint_every_entries=50), signing_key=key)
    yield led
    led.close()
