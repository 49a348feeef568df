"""The scheduler inside a served gateway app on loopback, inside ``aiattest serve`` with two
workers, and its guard on SQLite and PostgreSQL: one worker runs a tick, the others skip."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
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
from aiattest.store.models import Organisation
from aiattest.store.models.evidence import CheckResultRow
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.gateway.conftest import RecordingSink, ServedApp, migrated_db

SCRIPT = str(Path(sys.executable).with_name("aiattest"))


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


@pytest.mark.slow
@pytest.mark.parametrize("db", ["postgres"], indirect=True)
def test_two_serve_workers_run_each_check_once(tmp_path: Path, db: Database) -> None:
    """Two ``aiattest serve`` workers on one PostgreSQL: the advisory lock lets one run."""
    config = tmp_path / "aiattest.toml"
    config.write_text(
        f'database_url = "{db.url}"\ndata_dir = "{tmp_path / "data"}"\n'
        "[evidence]\nscheduler_tick_s = 0.3\n"
    )
    with db.session() as session:
        session.add(Organisation(slug="acme", name="Acme"))
    pairs = {(c.id, k) for c in load_catalog().controls for k in c.checks}
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIATTEST_")}
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    log = tmp_path / "serve.log"
    with log.open("w") as err:
        proc = subprocess.Popen(
            [SCRIPT, "--config", str(config), "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 90
        while len(_rows(db)) < len(pairs):
            assert proc.poll() is None, log.read_text()[-2000:]
            assert time.monotonic() < deadline, "the scheduler stored no results"
            time.sleep(0.3)
        time.sleep(2.0)  # several more ticks of both workers
        assert sorted(_rows(db)) == sorted(pairs)  # each check once per control, no duplicate
        assert log.read_text().count("evidence scheduler ran") == 1
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
