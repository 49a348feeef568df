"""Fixtures: a migrated database (SQLite and PostgreSQL) with one organisation, and a
recorder fake that keeps register changes in a list."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from aiattest.governance.recorder import RegisterChange
from aiattest.store import Database, upgrade
from aiattest.store.models import Organisation


class ListRecorder:
    """A ChangeRecorder that keeps changes in memory (the ledger-backed one is tested apart)."""

    def __init__(self) -> None:
        self.changes: list[RegisterChange] = []

    def record(self, change: RegisterChange) -> int:
        self.changes.append(change)
        return len(self.changes) - 1


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest) -> Iterator[Database]:
    """A database at the newest schema, on SQLite and on PostgreSQL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "postgres_url")
    database = Database(url)
    upgrade(database)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def org(db: Database) -> uuid.UUID:
    """The id of a fresh organisation ``acme``."""
    with db.session() as session:
        row = Organisation(id=uuid.uuid4(), slug="acme", name="Acme")
        session.add(row)
    return row.id


@pytest.fixture
def recorder() -> ListRecorder:
    """A fresh in-memory recorder."""
    return ListRecorder()
