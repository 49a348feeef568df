"""The state every request handler shares, and the FastAPI dependency that hands it out."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from aiattest.config import Settings
from aiattest.gateway.audit import AuditEvent, AuditSink
from aiattest.gateway.limits import Limits
from aiattest.gateway.router import Router
from aiattest.guard.sdk import Guard

REQUEST_ID_HEADER = "x-request-id"
PROVIDER_HEADER = "x-aiattest-provider"


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
    extras: dict[str, Any] = field(default_factory=dict)
    """Components added by later layers (keys, limits, guard)."""

    async def record(self, event: AuditEvent) -> None:
        """Hand ``event`` to the audit sink and wait until it is durable."""
        if self.audit is not None:
            await self.audit.record(event)


def get_state(request: Request) -> GatewayState:
    """The app's state (a FastAPI dependency)."""
    state = request.app.state.gateway
    assert isinstance(state, GatewayState)
    return state


StateDep = Annotated[GatewayState, Depends(get_state)]
