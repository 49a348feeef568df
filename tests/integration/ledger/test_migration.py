"""Migration 0002 creates and drops the ledger tables on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from aiattest.store import Database, current_revision, downgrade, head_revision, upgrade

LEDGER_TABLES = {"ledger_head", "ledger_entries", "ledger_nodes", "ledger_checkpoints",
                 "ledger_secrets"}  # fmt: skip


def _round_trip(url: str) -> None:
    db = Database(url)
    try:
        upgrade(db)
        assert set(inspect(db.engine).get_table_names()) >= LEDGER_TABLES
        with db.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT tree_size FROM ledger_head WHERE id = 1")).scalar() == 0
            )
        downgrade(db, "0001_foundation")
        assert current_revision(db) == "0001_foundation"
        assert not set(inspect(db.engine).get_table_names()) & LEDGER_TABLES
        upgrade(db)
        assert current_revision(db) == head_revision()
        assert set(inspect(db.engine).get_table_names()) >= LEDGER_TABLES
        downgrade(db, "base")
        assert not set(inspect(db.engine).get_table_names()) & LEDGER_TABLES
    finally:
        db.dispose()


def test_sqlite_round_trip(sqlite_url: str) -> None:
    _round_trip(sqlite_url)


@pytest.mark.postgres
def test_postgres_round_trip(postgres_url: str) -> None:
    _round_trip(postgres_url)
