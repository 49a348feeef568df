"""The governance migration upgrades and downgrades on SQLite and PostgreSQL, and gives AI
systems created before it sensible scope defaults."""

from __future__ import annotations

import uuid

from sqlalchemy import Uuid, bindparam, inspect, select, text

from aiattest.store import Database, current_revision, downgrade, head_revision, upgrade
from aiattest.store.models import Organisation
from aiattest.store.models.governance_registers import GovernedAISystem
from aiattest.store.types import UTCDateTime

GOVERNANCE_TABLES = {"model_versions", "datasets", "vendors", "changes", "change_events",
                     "lineage_edges", "rag_documents", "access_reviews", "policies"}  # fmt: skip
REVISION = "0004_governance"
AISYSTEM_ID = uuid.uuid4()


def _down_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", "aiattest.store:migrations")
    script = ScriptDirectory.from_config(config).get_revision(REVISION)
    assert script is not None
    down = script.down_revision
    assert isinstance(down, str)
    return down


def test_round_trip(db: Database) -> None:
    assert current_revision(db) == head_revision()
    assert set(inspect(db.engine).get_table_names()) >= GOVERNANCE_TABLES
    downgrade(db, _down_revision())
    assert not set(inspect(db.engine).get_table_names()) & GOVERNANCE_TABLES
    columns = {c["name"] for c in inspect(db.engine).get_columns("ai_systems")}
    assert "automated_decisions" not in columns
    # A system created before governance existed gets the scope defaults on upgrade.
    with db.session() as session:
        org = Organisation(id=uuid.uuid4(), slug="o", name="O")
        session.add(org)
        session.flush()
        # Only the foundation columns exist now, so the insert names just those.
        session.execute(
            text(
                "INSERT INTO ai_systems (id, organisation_id, name, description, created_at)"
                " VALUES (:id, :org, 'old', '', :at)"
            ).bindparams(
                bindparam("id", type_=Uuid()),
                bindparam("org", type_=Uuid()),
                bindparam("at", type_=UTCDateTime()),
            ),
            {"id": AISYSTEM_ID, "org": org.id, "at": org.created_at},
        )
    upgrade(db)
    with db.session() as session:
        row = session.scalars(select(GovernedAISystem)).one()
        assert (row.name, row.components, row.sla_tier, row.automated_decisions) == (
            "old", [], "standard", False,
        )  # fmt: skip
