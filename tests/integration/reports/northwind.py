"""Fixtures for the report tests, imported by them (a conftest here would reach the other
report tests of this folder too): the example organisation (``examples/org.yaml``) applied
through the real registers, its two support models in production, and a few gateway
principals made by the real key store.

A test module imports ``northwind``, ``db`` and the two template fixtures from here."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from aiattest.config import Settings, load_settings
from aiattest.gateway.keys import create_key
from aiattest.governance.apply import apply_document
from aiattest.governance.document import OrgDocument, parse_document
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.governance.unit import organisation_id
from aiattest.ledger import Ledger
from aiattest.roles import Role
from aiattest.store import Database
from tests.integration.governance.conftest import (  # noqa: F401 (fixtures re-used)
    _postgres_template,
    _sqlite_template,
    db,
)

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
PRODUCTION = ("support-llm", "support-llm-fallback")
"""Models the fixture puts in production (the example leaves them in development)."""


def example_data() -> dict[str, Any]:
    """The example file, parsed, with the support models in production."""
    data: dict[str, Any] = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    for model in data["models"]:
        if model["name"] in PRODUCTION:
            model["status"] = "production"
    return data


def example_document() -> OrgDocument:
    """:func:`example_data` as an organisation document."""
    return parse_document(example_data(), str(EXAMPLE))


@dataclass
class World:
    """The applied example organisation."""

    db: Database
    ledger: Ledger
    settings: Settings
    org: uuid.UUID


@pytest.fixture
def northwind(db: Database, tmp_path: Path) -> Iterator[World]:  # noqa: F811
    """Northwind Lending, applied from the example file; three consumers and an operator
    (on SQLite and PostgreSQL, like ``db``)."""
    settings = load_settings(data_dir=tmp_path / "data")
    ledger = Ledger.from_settings(db, settings)
    try:
        apply_document(db, LedgerRecorder(ledger), example_document(), "dana")
        for principal, role in (("support-web", Role.CONSUMER), ("support-app", Role.CONSUMER),
                                ("batch", Role.CONSUMER), ("oncall", Role.OPERATOR)):  # fmt: skip
            create_key(db, principal=principal, role=role, tenant="northwind")
        with db.session() as session:
            org = organisation_id(session, "northwind")
        yield World(db, ledger, settings, org)
    finally:
        ledger.close()
