"""The governance API served by the gateway: gateway keys authenticate, roles and tenants
hold, writes reach the same ledger as the audit events, and access reviews revoke keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from aiattest.config import Settings
from aiattest.config.gateway import GatewaySettings, ProviderSettings, RouteSettings, RouteTarget
from aiattest.gateway import create_app
from aiattest.gateway.keys import create_key, list_keys, verify_key
from aiattest.ledger import EntryKind, Ledger
from aiattest.roles import Role
from aiattest.store import Database
from tests.integration.gateway.conftest import ServedApp, migrated_db

SYSTEM = {"name": "support-assistant", "sla_tier": "high", "description": "RAG support bot"}


class Served:
    """A gateway with tenants ``acme`` and ``other`` and a key per role in ``acme``."""

    def __init__(self, tmp_path: Path) -> None:
        gateway = GatewaySettings(
            providers=(ProviderSettings(name="faq", kind="rules"),),
            routes=(RouteSettings(alias="m", targets=(RouteTarget(provider="faq"),)),),
        )
        self.settings = Settings(data_dir=tmp_path / "data", gateway=gateway)
        self.db: Database = migrated_db(self.settings.db_url, "acme", "other")
        self.keys = {
            role: create_key(self.db, principal=f"p-{role.value}", role=role, tenant="acme")[0]
            for role in Role
        }
        self.foreign = create_key(self.db, principal="intruder", role=Role.ADMIN, tenant="other")[0]
        self.server = ServedApp(create_app(self.settings, db=self.db))

    def call(self, method: str, path: str, key: str | None, body: object = None) -> httpx.Response:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return httpx.request(method, self.server.url + path, headers=headers, json=body, timeout=10)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    s = Served(tmp_path)
    yield s
    s.server.stop()
    s.db.dispose()


def test_register_write_through_the_gateway_is_ledgered_and_tenant_scoped(served: Served) -> None:
    assert served.call("PUT", "/api/v1/systems", None, SYSTEM).status_code == 401
    assert (
        served.call("PUT", "/api/v1/systems", served.keys[Role.CONSUMER], SYSTEM).status_code == 403
    )
    created = served.call("PUT", "/api/v1/systems", served.keys[Role.ADMIN], SYSTEM)
    assert created.status_code == 200, created.text
    assert created.json()["outcome"] == "create"
    listed = served.call("GET", "/api/v1/systems", served.keys[Role.AUDITOR]).json()
    assert [s["name"] for s in listed["items"]] == ["support-assistant"]
    # Another tenant's admin sees none of acme's registers.
    foreign = served.call("GET", "/api/v1/systems", served.foreign)
    assert foreign.status_code == 200
    assert foreign.json()["total"] == 0
    assert (
        served.call("GET", "/api/v1/systems/support-assistant", served.foreign).status_code == 404
    )
    with Ledger.from_settings(served.db, served.settings) as ledger:
        kinds = [e.record()["kind"] for e in ledger.tail(50)]
        assert EntryKind.REGISTER_CHANGE.value in kinds
        ledger.verify()


def test_access_review_revokes_a_gateway_key(served: Served) -> None:
    admin = served.keys[Role.ADMIN]
    second_admin = create_key(served.db, principal="p-admin-2", role=Role.ADMIN, tenant="acme")[0]
    refused = served.call(
        "POST", "/api/v1/access-reviews", served.keys[Role.OPERATOR], {"name": "x", "reviewer": "x"}
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "role operator may not use this route"
    opened = served.call(
        "POST", "/api/v1/access-reviews", admin, {"name": "q4", "reviewer": "p-admin"}
    )
    assert opened.status_code == 201, opened.text
    items = opened.json()["items"]
    consumer_key = next(
        k.key_id for k in list_keys(served.db, tenant="acme") if k.principal == "p-consumer"
    )
    assert {"kind": "api_key", "subject": consumer_key} in [
        {"kind": i["kind"], "subject": i["subject"]} for i in items
    ]
    assert not any(i["holder"] == "intruder" for i in items)
    # Two items are the reviewer's own: their principal and their API key.
    assert sorted(i["kind"] for i in items if i["holder"] == "p-admin") == ["api_key", "principal"]
    for item in items:
        decision = "revoke" if item["subject"] == consumer_key else "keep"
        body = {"kind": item["kind"], "subject": item["subject"], "decision": decision,
                "reason": "left the team" if decision == "revoke" else ""}  # fmt: skip
        # Segregation of duties: the reviewer's own access (principal or key) is decided by
        # someone else.
        own = item["holder"] == "p-admin"
        if own:
            refused = served.call("POST", "/api/v1/access-reviews/q4/decisions", admin, body)
            assert refused.status_code == 409, (item, refused.text)
            assert "cannot review their own access" in refused.json()["error"]["message"]
        decider = second_admin if own else admin
        reply = served.call("POST", "/api/v1/access-reviews/q4/decisions", decider, body)
        assert reply.status_code == 200, reply.text
    closed = served.call("POST", "/api/v1/access-reviews/q4/close", admin)
    assert closed.status_code == 200, closed.text
    revoked = {k.key_id: k.revoked_at is not None for k in list_keys(served.db, tenant="acme")}
    assert revoked[consumer_key] is True
    assert sum(revoked.values()) == 1  # the kept keys still work
    # Workers cache verified keys for a few seconds; a fresh verification refuses the key.
    assert verify_key(served.db, served.keys[Role.CONSUMER]) is None
