"""The shipped migrations upgrade and downgrade on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from aiattest.errors import InputError
from aiattest.store import Database, current_revision, downgrade, head_revision, upgrade

FOUNDATION_TABLES = {"organisations", "principals", "principal_roles", "ai_systems"}


def _round_trip(url: str) -> None:
    db = Database(url)
    try:
        assert current_revision(db) is None
        upgrade(db)
        assert current_revision(db) == head_revision()
        tables = set(inspect(db.engine).get_table_names())
        assert tables >= FOUNDATION_TABLES
        upgrade(db)  # a second upgrade is a no-op
        downgrade(db, "base")
        assert current_revision(db) is None
        assert not set(inspect(db.engine).get_table_names()) & FOUNDATION_TABLES
        upgrade(db)
        assert current_revision(db) == head_revision()
    finally:
        db.dispose()


def test_sqlite_upgrade_downgrade(sqlite_url: str) -> None:
    _round_trip(sqlite_url)


@pytest.mark.postgres
def test_postgres_upgrade_downgrade(postgres_url: str) -> None:
    _round_trip(postgres_url)


def test_unknown_revision_is_input_error(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with pytest.raises(InputError, match="nope"):
            upgrade(db, "nope")
        assert current_revision(db) is None
    finally:
        db.dispose()
