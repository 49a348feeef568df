"""Persistence: SQLAlchemy models, the session factory and the Alembic migrations."""

from aiattest.store.db import Database
from aiattest.store.migrate import current_revision, downgrade, head_revision, upgrade

__all__ = ["Database", "current_revision", "downgrade", "head_revision", "upgrade"]
