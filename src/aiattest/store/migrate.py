"""Run the Alembic migrations shipped in the package, programmatically."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.exc import SQLAlchemyError

from aiattest.errors import InputError, StoreError
from aiattest.store.db import Database

SCRIPT_LOCATION = "aiattest.store:migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def head_revision() -> str:
    """The newest revision shipped with this version of aiattest."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "the package ships at least one migration"
    return head


def current_revision(db: Database) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    try:
        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as e:
        raise StoreError(f"cannot read the schema revision: {e}") from e


def upgrade(db: Database, revision: str = "head") -> None:
    """Migrate the database up to ``revision`` (default: the newest)."""
    _run(db, "upgrade", revision)


def downgrade(db: Database, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base`` removes every table)."""
    _run(db, "downgrade", revision)


def _run(db: Database, direction: str, revision: str) -> None:
    config = _config()
    try:
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            if direction == "upgrade":
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
    except CommandError as e:
        raise InputError(f"cannot {direction} to {revision!r}: {e}") from e
    except SQLAlchemyError as e:
        raise StoreError(f"migration {direction} to {revision} failed: {e}") from e
