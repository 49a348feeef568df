"""Every route x every role x a foreign tenant, over real HTTP; tenants come from keys only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute

from aiattest.config import Settings
from aiattest.config.gateway import (
    GatewaySettings,
    ProviderSettings,
    RouteSettings,
    RouteTarget,
)
from aiattest.gateway import approvals, create_app
from aiattest.gateway.auth import RoleGate
from aiattest.gateway.keys import create_key, verify_key
from aiattest.governance.api import ROLES_KEY
from aiattest.roles import Role
from aiattest.store import Database
from tests.integration.gateway.conftest import ServedApp, closed_port_url, migrated_db

A, M, OP, C, U = Role.ADMIN, Role.MODEL_DEVELOPER, Role.OPERATOR, Role.CONSUMER, Role.AUDITOR
# The documented policy: (method, path) -> roles allowed. The test fails when a route is
# added without an entry here, or when a route's gate disagrees with this table.
POLICY: dict[tuple[str, str], frozenset[Role]] = {
    ("POST", "/v1/chat/completions"): frozenset({A, M, OP, C}),
    ("POST", "/v1/embeddings"): frozenset({A, M, OP, C}),
    ("GET", "/v1/models"): frozenset({A, M, OP, C}),
    ("GET", "/api/v1/keys"): frozenset({A, U}),
    ("POST", "/api/v1/keys"): frozenset({A}),
    ("DELETE", "/api/v1/keys/{key_id}"): frozenset({A}),
    ("POST", "/api/v1/keys/{key_id}/rotate"): frozenset({A}),
    ("GET", "/api/v1/routes"): frozenset({A, M, OP, U}),
    ("GET", "/api/v1/providers"): frozenset({A, M, OP, U}),
    ("GET", "/api/v1/approvals"): frozenset({A, OP, U}),
    ("POST", "/api/v1/approvals/{approval_id}/approve"): frozenset({A, OP}),
    ("POST", "/api/v1/approvals/{approval_id}/deny"): frozenset({A, OP}),
}
PUBLIC = {("GET", "/healthz"), ("GET", "/readyz"), ("GET", "/metrics")}
BODIES: dict[str, dict[str, Any]] = {
    "/v1/chat/completions": {"model": "m", "messages": [{"role": "user", "content": "hi"}]},
    "/v1/embeddings": {"model": "e", "input": "hi"},
    "/api/v1/keys": {"principal": "new-svc", "role": "consumer"},
}


class World:
    """A served gateway with two tenants, a key per role in ``acme`` and an ``other`` admin."""

    def __init__(self, tmp_path: Path) -> None:
        gateway = GatewaySettings(
            providers=(
                ProviderSettings(name="faq", kind="rules"),
                ProviderSettings(
                    name="dead", kind="openai", base_url=closed_port_url(), max_retries=0
                ),
            ),
            routes=(
                RouteSettings(alias="m", targets=(RouteTarget(provider="faq"),)),
                RouteSettings(
                    alias="e", kind="embeddings", targets=(RouteTarget(provider="dead"),)
                ),
            ),
        )
        settings = Settings(data_dir=tmp_path / "data", gateway=gateway)
        self.db: Database = migrated_db(settings.db_url, "acme", "other")
        self.keys = {
            role: create_key(self.db, principal=f"p-{role.value}", role=role, tenant="acme")[0]
            for role in Role
        }
        self.foreign = create_key(self.db, principal="intruder", role=A, tenant="other")[0]
        self.app = create_app(settings, db=self.db)
        self.server = ServedApp(self.app)
        caller = verify_key(self.db, self.keys[C])
        assert caller is not None
        self.acme_id = caller.organisation_id

    def target(self, param: str) -> str:
        """A fresh object of tenant ``acme`` for a path parameter."""
        if param == "key_id":
            return create_key(self.db, principal="victim", role=C, tenant="acme")[1].key_id
        return approvals.hold(
            self.db,
            organisation_id=self.acme_id,
            request_id="r",
            key_id="k",
            route="m",
            request_sha256="0" * 64,
            reasons=("PROMPT_INJECTION",),
        ).id

    def call(self, method: str, path: str, key: str | None) -> httpx.Response:
        url = path
        for param in ("key_id", "approval_id"):
            url = url.replace("{" + param + "}", self.target(param))
        headers = {"authorization": f"Bearer {key}"} if key else {}
        body = BODIES.get(path)
        return httpx.request(method, self.server.url + url, headers=headers, json=body, timeout=10)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    w = World(tmp_path)
    yield w
    w.server.stop()
    w.db.dispose()


def _routes(app: Any, *, governance: bool = False) -> dict[tuple[str, str], APIRoute]:
    """The gateway's own routes, or (``governance=True``) the governance routes it mounts,
    which declare their roles in ``openapi_extra`` and are walked by their own tests."""
    found: dict[tuple[str, str], APIRoute] = {}
    pending = list(app.routes)
    while pending:
        route = pending.pop()
        # FastAPI wraps included routers; their routes carry the full path already.
        inner = getattr(route, "original_router", None)
        if inner is not None:
            pending.extend(inner.routes)
        elif (
            isinstance(route, APIRoute) and (ROLES_KEY in (route.openapi_extra or {})) == governance
        ):
            found.update({(method, route.path): route for method in route.methods})
    return found


def test_every_route_declares_the_documented_roles(world: World) -> None:
    routes = _routes(world.app)
    assert set(routes) - PUBLIC == set(POLICY)
    for key, route in routes.items():
        if key in PUBLIC:
            continue
        gates = [d.call for d in route.dependant.dependencies if isinstance(d.call, RoleGate)]
        assert len(gates) == 1, key
        assert gates[0].roles == POLICY[key], key


def test_mounted_governance_routes_authenticate_with_gateway_keys(world: World) -> None:
    routes = _routes(world.app, governance=True)
    assert len(routes) > 50
    for (_method, path), route in routes.items():
        assert path.startswith("/api/v1/"), path
        declared = set(route.openapi_extra[ROLES_KEY])  # type: ignore[index]
        assert declared, path
        assert declared <= {r.value for r in Role}, path
        # The mount authenticates every role; each route then applies its declared roles.
        gates = [d.call for d in route.dependant.dependencies if isinstance(d.call, RoleGate)]
        assert not gates or gates[0].roles == frozenset(Role), path


def test_every_route_with_every_role_and_a_foreign_tenant(world: World) -> None:
    checked = 0
    for (method, path), allowed in POLICY.items():
        assert world.call(method, path, None).status_code == 401
        assert world.call(method, path, "aiat_forged_key").status_code == 401
        for role in Role:
            response = world.call(method, path, world.keys[role])
            if role in allowed:
                assert response.status_code not in (401, 403), (method, path, role)
                assert response.status_code < 500 or path == "/v1/embeddings", response.text
            else:
                assert response.status_code == 403, (method, path, role)
                assert response.json()["error"]["code"] == "insufficient_role"
            checked += 1
        foreign = world.call(method, path, world.foreign)
        if "{" in path:
            # Another tenant's object does not exist for this caller.
            assert foreign.status_code == 404, (method, path)
        elif method == "GET" and path.startswith("/api/v1/"):
            assert foreign.status_code == 200
            text = foreign.text
            assert "p-admin" not in text
            assert "acme" not in text
            assert "victim" not in text
    assert checked == len(POLICY) * len(Role)


def test_a_key_made_through_the_api_belongs_to_the_callers_tenant(world: World) -> None:
    made = httpx.post(
        world.server.url + "/api/v1/keys",
        headers={"authorization": f"Bearer {world.foreign}"},
        json={"principal": "x", "role": "admin", "tenant": "acme"},
    )
    assert made.status_code == 400  # "tenant" is not a field: it always comes from the key
    made = httpx.post(
        world.server.url + "/api/v1/keys",
        headers={"authorization": f"Bearer {world.foreign}"},
        json={"principal": "x", "role": "admin"},
    )
    assert made.status_code == 201
    assert made.json()["tenant"] == "other"
    revoked = httpx.delete(
        world.server.url + f"/api/v1/keys/{made.json()['key_id']}",
        headers={"authorization": f"Bearer {world.foreign}"},
    )
    assert revoked.status_code == 200
    refused = httpx.get(
        world.server.url + "/api/v1/keys", headers={"authorization": f"Bearer {made.json()['key']}"}
    )
    assert refused.status_code == 401
