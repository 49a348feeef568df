"""Fixtures for the evidence engine: a migrated database with one organisation, a real
ledger, settings, and contexts at chosen times. Data is built through the real registers,
key store and gateway, never inserted behind their back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aiattest.assess import Period
from aiattest.config import Settings, load_settings
from aiattest.evidence.interface import CheckContext
from aiattest.ledger import Ledger
from aiattest.store import Database
from aiattest.store.models import Organisation
from tests.integration.governance.conftest import (  # noqa: F401 (fixtures re-used)
    _postgres_template,
    _sqlite_template,
    db,
)


@dataclass
class EvidenceEnv:
    """One organisation's world: database, ledger, settings."""

    db: Database
    ledger: Ledger
    settings: Settings
    org: uuid.UUID
    data_dir: Path
    shared: dict[str, Any] = field(default_factory=dict)

    def context(self, at: datetime, settings: Settings | None = None) -> CheckContext:
        """A check context as of ``at`` (naive times are UTC)."""
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return CheckContext(self.db, self.ledger, settings or self.settings, self.org, at)

    def with_settings(self, **overrides: Any) -> Settings:
        """These settings with some values replaced (e.g. ``gateway=...``)."""
        return load_settings(data_dir=self.data_dir, **overrides)


@pytest.fixture
def env(db: Database, tmp_path: Path) -> Iterator[EvidenceEnv]:  # noqa: F811 (the fixture)
    """A fresh organisation ``acme`` with its own ledger (SQLite and PostgreSQL)."""
    settings = load_settings(data_dir=tmp_path / "data")
    with db.session() as session:
        row = Organisation(id=uuid.uuid4(), slug="acme", name="Acme")
        session.add(row)
    ledger = Ledger.from_settings(db, settings)
    try:
        yield EvidenceEnv(db, ledger, settings, row.id, tmp_path / "data")
    finally:
        ledger.close()


def day(text: str) -> Period:
    """The one-day period of an ISO date."""
    from datetime import date

    d = date.fromisoformat(text)
    return Period(d, d)
