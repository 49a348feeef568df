"""Fixtures: a migrated database (SQLite and PostgreSQL) with one organisation, and a
recorder fake that keeps register changes in a list."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from aiattest.governance.recorder import RegisterChange
from aiattest.store import Database, upgrade
from aiattest.store.models import Organisation
from tests.conftest import POSTGRES_ADMIN_URL, service_missing


class ListRecorder:
    """A ChangeRecorder that keeps changes in memory (the ledger-backed one is tested apart)."""

    def __init__(self) -> None:
        self.changes: list[RegisterChange] = []

    def record(self, change: RegisterChange) -> int:
        self.changes.append(change)
        return len(self.changes) - 1

    def record_many(self, changes: Sequence[RegisterChange]) -> list[int]:
        return [self.record(c) for c in changes]


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema once; tests get copies."""
    path = tmp_path_factory.mktemp("governance-template") / "template.db"
    database = Database(f"sqlite:///{path.as_posix()}")
    upgrade(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def _postgres_template() -> Iterator[str]:
    """A PostgreSQL database migrated once, cloned per test (migrating each time is slow)."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aiattest_gov_tpl_{uuid.uuid4().hex[:8]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as e:
        admin.dispose()
        service_missing("PostgreSQL", e.orig)
    database = Database(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    upgrade(database)
    database.dispose()
    try:
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


SQLITE_ONLY = pytest.mark.parametrize("db", ["sqlite"], indirect=True)
"""For tests whose logic does not depend on the database (PostgreSQL runs cost ~1 s each)."""


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database at the newest schema, on SQLite and on PostgreSQL, of its own."""
    if request.param == "sqlite":
        path = tmp_path / "governance.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        database = Database(f"sqlite:///{path.as_posix()}")
        try:
            yield database
        finally:
            database.dispose()
        return
    template = request.getfixturevalue("_postgres_template")
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aiattest_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    database = Database(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
