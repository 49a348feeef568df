"""Fixtures: fake upstreams and the gateway itself, each a real HTTP server on loopback."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select

from aiattest.config import Settings
from aiattest.config.evidence import EvidenceSettings
from aiattest.config.gateway import GatewaySettings
from aiattest.gateway import create_app
from aiattest.gateway.audit import AuditEvent
from aiattest.gateway.keys import create_key
from aiattest.guard.sdk import Guard
from aiattest.roles import Role
from aiattest.store import Database, upgrade
from aiattest.store.models import Organisation
from tests.integration.gateway.fake_upstream import FakeUpstream


@dataclass
class RecordingSink:
    """An AuditSink that keeps events in memory (stands in until the ledger is wired)."""

    events: list[AuditEvent] = field(default_factory=list)

    async def record(self, event: AuditEvent) -> None:
        self.events.append(event)


class ServedApp:
    """A uvicorn server in a thread, bound to a free loopback port."""

    key: str = ""
    """A consumer key of tenant ``acme`` (set by the ``serve`` fixture)."""
    db: Database | None = None
    """The gateway's database (set by the ``serve`` fixture)."""

    def __init__(self, app: Any) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        # A long keep-alive: with uvicorn's 5 s default, a loaded machine can close an idle
        # pooled connection just as the test client reuses it, and httpx does not retry a
        # POST that met a closed connection (the openai client would; these tests do not).
        config = uvicorn.Config(
            app, log_level="warning", access_log=False, ws="none", lifespan="on",
            timeout_keep_alive=120,
        )  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=lambda: asyncio.run(self.server.serve(sockets=[sock])), daemon=True
        )
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("gateway did not start")
            time.sleep(0.01)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def auth(self) -> dict[str, str]:
        """Headers that authenticate with ``key``."""
        return {"authorization": f"Bearer {self.key}"}


def migrated_db(url: str, *tenants: str) -> Database:
    """A database at the newest schema with the given organisations."""
    db = Database(url)
    upgrade(db, "heads")
    with db.session() as session:
        existing = set(session.scalars(select(Organisation.slug)))
        for slug in set(tenants) - existing:
            session.add(Organisation(slug=slug, name=slug.title()))
    return db


@pytest.fixture
def upstreams() -> Iterator[Callable[..., FakeUpstream]]:
    """A factory of started fake upstreams, all stopped after the test."""
    started: list[FakeUpstream] = []

    def make(**kwargs: Any) -> FakeUpstream:
        up = FakeUpstream(**kwargs).start()
        started.append(up)
        return up

    yield make
    for up in started:
        up.stop()


DEFAULT_POLICY = Path(__file__).parents[3] / "src/aiattest/guard/policies/default.yaml"


def guard_policy(tmp_path: Path) -> Path:
    """The shipped default policy, plus grants for the fake tools: ``get_weather`` may be
    called by anyone; ``wire_money`` needs a person's approval."""
    text = DEFAULT_POLICY.read_text()
    text = text.replace(
        "  allow: []                      # no tool is allowed until a grant names it\n"
        "  approval: []\n",
        "  allow:\n    - tools: [get_weather, wire_money]\n  approval: [wire_money]\n",
    )
    assert "get_weather" in text
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[ServedApp, RecordingSink]]]:
    """A factory: gateway settings in, a served gateway app and its audit sink out."""
    served: list[ServedApp] = []

    def make(
        gateway: GatewaySettings, *, scan: bool = True, **settings: Any
    ) -> tuple[ServedApp, RecordingSink]:
        sink = RecordingSink()
        # The evidence scheduler has tests of its own; here its first tick (30-60 s in) would
        # run every check in this process in the middle of a timing-sensitive test.
        settings.setdefault("evidence", EvidenceSettings(scheduler_enabled=False))
        config = Settings(data_dir=tmp_path / "data", gateway=gateway, **settings)
        db = migrated_db(config.db_url, "acme")
        key, _ = create_key(db, principal="app", role=Role.CONSUMER, tenant="acme")
        guard = Guard.from_policy(guard_policy(tmp_path)) if scan else None
        server = ServedApp(create_app(config, audit=sink, db=db, guard=guard, use_guard=scan))
        server.key, server.db = key, db
        served.append(server)
        return server, sink

    yield make
    for server in served:
        server.stop()
        if server.db is not None:
            server.db.dispose()


def closed_port_url() -> str:
    """A loopback URL where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
