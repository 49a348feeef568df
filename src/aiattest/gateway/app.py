"""``create_app(settings)``: the gateway's FastAPI application and its shared state."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import httpx
from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aiattest.catalog import load_catalog
from aiattest.config import Settings
from aiattest.evidence.scheduler import scheduled
from aiattest.gateway import api_admin, api_openai, api_ops
from aiattest.gateway.access import ApiKeyDirectory
from aiattest.gateway.api_errors import install_error_handlers
from aiattest.gateway.audit import AuditSink
from aiattest.gateway.auth import KeyCache, RoleGate
from aiattest.gateway.ledger_sink import LedgerAuditSink
from aiattest.gateway.limits import Limits
from aiattest.gateway.metrics import GatewayMetrics
from aiattest.gateway.providers import build_provider
from aiattest.gateway.ratelimit import LocalRateLimiter, RateLimiter, RedisRateLimiter
from aiattest.gateway.retention import RetentionStore
from aiattest.gateway.router import Router
from aiattest.gateway.state import REQUEST_ID_HEADER, GatewayState
from aiattest.gateway.transport import PooledTransport
from aiattest.governance.access_reviews import AccessDirectory, PrincipalDirectory
from aiattest.governance.api import ApiDeps, create_router
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.guard.sdk import Guard
from aiattest.ledger import Ledger
from aiattest.roles import Role
from aiattest.store import Database

_CLIENT_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (the client's, when well-formed) and echoes it back."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"x-request-id"), "")
        request_id = given if _CLIENT_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((REQUEST_ID_HEADER.encode(), request_id.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_id)


def create_app(
    settings: Settings,
    *,
    audit: AuditSink | None = None,
    http_client: httpx.AsyncClient | None = None,
    db: Database | None = None,
    limiter: RateLimiter | None = None,
    guard: Guard | None = None,
    use_guard: bool = True,
    clock: Callable[[], float] = time.perf_counter,
) -> FastAPI:
    """The gateway app. ``http_client`` is shared by every HTTP provider (one is made and
    closed with the app when not given); ``audit`` receives one event per request; ``db``
    (default: the settings' database, which must be migrated) holds keys and approvals;
    ``limiter`` defaults to Redis when ``redis_url`` is set, else to in-process buckets;
    ``guard`` defaults to the configured policy (``use_guard=False`` turns scanning off);
    ``audit`` defaults to the ledger of ``db``."""
    owns_client = http_client is None
    owns_db = db is None
    database = db or Database(settings.db_url)
    # Plain-HTTP upstreams (vLLM, Ollama, an internal LiteLLM) get the lean pooled
    # transport; TLS upstreams keep httpx's default one.
    client = http_client or httpx.AsyncClient(
        mounts={"http://": PooledTransport()},
        limits=httpx.Limits(max_connections=512, max_keepalive_connections=128),
    )
    providers = {p.name: build_provider(p, client) for p in settings.gateway.providers}
    state = GatewayState(
        settings=settings, router=Router(settings.gateway, providers), audit=audit, clock=clock
    )
    if limiter is None:
        gw = settings.gateway
        limiter = (
            RedisRateLimiter(settings.redis_url, gw.redis_prefix)
            if settings.redis_url
            else LocalRateLimiter()
        )
    state.limits = Limits(settings.gateway, limiter)
    state.metrics = GatewayMetrics(state.router.circuit_states)
    if isinstance(limiter, RedisRateLimiter):
        state.extras["redis_ping"] = limiter.ping
    if use_guard:
        state.guard = guard or Guard.from_policy(settings=settings.guard)
    # One ledger for everything: audit events (unless a sink is injected) and the
    # register changes the governance API makes.
    ledger = Ledger.from_settings(database, settings)
    if audit is None:
        state.audit = LedgerAuditSink(ledger)
    state.extras["db"] = database
    state.extras["keys"] = KeyCache(database)
    if settings.gateway.retention.enabled:
        # Opt-in only: without it no prompt or completion text is stored anywhere.
        state.extras["retention"] = RetentionStore(database, settings.gateway.retention)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            # The evidence scheduler runs checks at their controls' frequency while serving.
            async with scheduled(settings, database, ledger, load_catalog(settings.catalog_dir)):
                yield
        finally:
            if owns_client:
                await client.aclose()
            ledger.close()
            if owns_db:
                database.dispose()
            if isinstance(limiter, RedisRateLimiter):
                await limiter.aclose()

    app = FastAPI(
        title="aiattest gateway",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.gateway = state
    install_error_handlers(app)
    app.include_router(api_openai.router)
    app.include_router(api_admin.router)
    app.include_router(api_ops.router)
    app.include_router(_governance_router(settings, database, ledger))
    app.add_middleware(RequestIdMiddleware)
    return app


def _governance_router(settings: Settings, database: Database, ledger: Ledger) -> APIRouter:
    """The governance registers' REST API, authenticated by the gateway's keys.

    Every governance route checks its own roles (declared in ``openapi_extra``); the gate
    here only authenticates, so it admits every role.
    """
    recorder = LedgerRecorder(ledger)
    catalog = load_catalog(settings.catalog_dir)
    directories: dict[str, AccessDirectory] = {
        "principal": PrincipalDirectory(),
        "api_key": ApiKeyDirectory(),
    }
    return create_router(
        ApiDeps(
            principal=RoleGate(*Role),
            database=lambda: database,
            recorder=lambda: recorder,
            catalog=lambda: catalog,
            directories=lambda: directories,
        )
    )
