"""The state every request handler shares, and the FastAPI dependency that hands it out."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from aiattest.config import Settings
from aiattest.gateway.audit import AuditEvent, AuditSink
from aiattest.gateway.limits import Limits
from aiattest.gateway.metrics import GatewayMetrics
from aiattest.gateway.router import Router
from aiattest.guard.sdk import Guard

REQUEST_ID_HEADER = "x-request-id"
PROVIDER_HEADER = "x-aiattest-provider"
ACCESS_LOG = logging.getLogger("aiattest.gateway.access")
# What a log line may say about a request: ids, codes, counts and timings, never content.
_LOGGED = (
    "request_id",
    "tenant",
    "key_id",
    "endpoint",
    "route",
    "status",
    "provider",
    "decision",
    "fallbacks",
    "degraded",
    "prompt_tokens",
    "completion_tokens",
    "latency_ms",
    "error_code",
)


@dataclass
class GatewayState:
    """What every request handler shares: settings, router, audit sink, clock."""

    settings: Settings
    """The settings the app was built with."""
    router: Router
    """Routes and providers."""
    audit: AuditSink | None = None
    """Where audit events go; None records nothing (tests of the HTTP surface only)."""
    clock: Callable[[], float] = time.perf_counter
    """Monotonic clock for latencies."""
    limits: Limits | None = None
    """Rate limits (None: none)."""
    guard: Guard | None = None
    """The guard (None: requests are not scanned)."""
    metrics: GatewayMetrics | None = None
    """Prometheus metrics of this worker."""
    extras: dict[str, Any] = field(default_factory=dict)
    """Components added by later layers (keys, limits, guard)."""

    async def record(self, event: AuditEvent) -> None:
        """Hand ``event`` to the audit sink and wait until it is durable; count and log it."""
        if self.audit is not None:
            await self.audit.record(event)
        if self.metrics is not None:
            self.metrics.observe(event)
        if ACCESS_LOG.isEnabledFor(logging.INFO):
            ACCESS_LOG.info(json.dumps({name: getattr(event, name) for name in _LOGGED}))


def get_state(request: Request) -> GatewayState:
    """The app's state (a FastAPI dependency)."""
    state = request.app.state.gateway
    assert isinstance(state, GatewayState)
    return state


StateDep = Annotated[GatewayState, Depends(get_state)]
