"""The scheduler inside a served gateway app on loopback, and its guard on SQLite and
PostgreSQL: one worker runs a tick, the others skip it."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
from sqlalchemy import func, select

from aiattest.catalog import load_catalog
from aiattest.config import Settings
from aiattest.config.gateway import GatewaySettings
from aiattest.evidence.scheduler import Scheduler
from aiattest.gateway import create_app
from aiattest.gateway.keys import create_key
from aiattest.ledger import EntryKind, Ledger
from aiattest.roles import Role
from aiattest.store import Database
from aiattest.store.models.evidence import CheckResultRow
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.gateway.conftest import RecordingSink, ServedApp, migrated_db


def _rows(db: Database) -> list[tuple[str, str]]:
    with db.session() as session:
        query = select(CheckResultRow.control_id, CheckResultRow.check_id)
        return [(c, k) for c, k in session.execute(query)]


def test_served_app_runs_due_checks_once(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        gateway=GatewaySettings(),
        evidence={"scheduler_tick_s": 0.2},
    )
    db = migrated_db(settings.db_url, "acme", "globex")
    create_key(db, principal="svc", role=Role.CONSUMER, tenant="acme")
    server = ServedApp(create_app(settings, audit=RecordingSink(), db=db, use_guard=False))
    try:
        assert httpx.get(f"{server.url}/healthz", timeout=5).status_code == 200
        catalog = load_catalog()
        pairs = {(c.id, k) for c in catalog.controls for k in c.checks}
        deadline = time.monotonic() + 60
        while len(_rows(db)) < 2 * len(pairs) and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(0.5)  # a late duplicate would show up now
        first = _rows(db)
        # Every automated control got each of its checks run once, for both organisations.
        assert sorted(first) == sorted([*pairs, *pairs])
        # Several ticks later nothing is due again (hourly at most), so nothing re-ran.
        time.sleep(1.0)
        assert len(_rows(db)) == len(first)
    finally:
        server.stop()
    with Ledger.from_settings(db, settings) as ledger:
        results = sum(1 for _ in ledger.scan(EntryKind.CONTROL_RESULT))
    # Every stored result points at its ledger entry, and no entry is unindexed.
    with db.session() as session:
        indexed = set(session.scalars(select(CheckResultRow.ledger_index)))
    assert results == len(indexed)
    db.dispose()


def test_only_one_worker_holds_the_guard(env: EvidenceEnv) -> None:
    catalog = load_catalog()
    first = Scheduler(env.db, env.ledger, env.settings, catalog)
    second = Scheduler(env.db, env.ledger, env.settings, catalog)
    with first.guard() as held:
        assert held
        assert second.tick() is None  # skipped: nothing ran
        with env.db.session() as session:
            assert session.scalar(select(func.count()).select_from(CheckResultRow)) == 0
    ran = second.tick()
    assert ran is not None
    assert len(ran[env.org]) > 0
    assert second.tick() == {env.org: []}  # nothing due right after
