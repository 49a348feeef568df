"""One request's audit record, filled in as the request moves through the gateway."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import anyio.to_thread

from aiattest.errors import Error
from aiattest.gateway import approvals
from aiattest.gateway.api_errors import ApiError, status_for
from aiattest.gateway.audit import AuditEvent, FindingSummary, ProviderAttempt
from aiattest.gateway.keys import Caller
from aiattest.gateway.router import Attempt
from aiattest.gateway.state import GatewayState
from aiattest.guard.interface import Action
from aiattest.store import Database

APPROVAL_HEADER = "x-aiattest-approval"
LAST_RESORT_KIND = "rules"


def provider_attempts(attempts: list[Attempt] | tuple[Attempt, ...]) -> tuple[ProviderAttempt, ...]:
    """Router attempts as audit values."""
    return tuple(
        ProviderAttempt(a.provider, a.reason, a.status, round(a.latency_ms, 3)) for a in attempts
    )


@dataclass
class Exchange:
    """The audit event under construction, plus the guard's findings and decision so far."""

    state: GatewayState
    """The app state."""
    caller: Caller
    """Who is calling."""
    event: AuditEvent
    """Fields known so far."""
    started: float
    """Clock reading at arrival."""
    findings: list[FindingSummary] = field(default_factory=list)
    """Guard findings of every stage."""
    decision: Action = Action.ALLOW
    """Strongest guard decision so far."""

    @classmethod
    def begin(cls, state: GatewayState, caller: Caller, request_id: str, endpoint: str) -> Exchange:
        """A new exchange for an authenticated request."""
        event = AuditEvent(
            request_id=request_id,
            endpoint=endpoint,
            status=200,
            tenant=caller.tenant,
            key_id=caller.key_id,
        )
        return cls(state, caller, event, state.clock())

    def note(self, **fields: Any) -> None:
        """Set event fields."""
        self.event = replace(self.event, **fields)

    def guard_said(self, decision: Action, findings: list[FindingSummary]) -> None:
        """Add a guard stage's findings and decision."""
        self.findings.extend(findings)
        self.decision = max((self.decision, decision), key=lambda a: a.rank)

    def is_degraded(self, provider: str) -> bool:
        """Whether the rule-based last resort served."""
        return getattr(self.state.router.providers.get(provider), "kind", "") == LAST_RESORT_KIND

    async def finish(self, **fields: Any) -> None:
        """Complete the event and hand it to the audit sink (durable on return)."""
        await self.state.record(
            replace(
                self.event,
                findings=tuple(self.findings),
                decision=self.decision.value,
                latency_ms=round((self.state.clock() - self.started) * 1000, 3),
                **fields,
            )
        )

    async def failed(self, error: Error) -> None:
        """Record a request that ends with ``error``."""
        status, code = status_for(error)
        attempts = getattr(error, "attempts", ())
        await self.finish(
            status=status,
            error_code=code,
            attempts=provider_attempts(attempts),
            fallbacks=len(attempts),
        )

    async def require_approval(self, presented: str | None, reasons: tuple[str, ...]) -> None:
        """Pass when ``presented`` names an approved approval of this very request; otherwise
        hold the request as a pending approval and raise 428 naming it."""
        db = self.state.extras.get("db")
        assert isinstance(db, Database)
        org, digest = self.caller.organisation_id, self.event.request_sha256 or ""
        if presented:
            approved = await anyio.to_thread.run_sync(
                approvals.approved_for, db, org, presented, digest
            )
            if approved:
                return
        held = await anyio.to_thread.run_sync(
            lambda: approvals.hold(
                db,
                organisation_id=org,
                request_id=self.event.request_id,
                key_id=self.caller.key_id,
                route=self.event.route or "",
                request_sha256=digest,
                reasons=reasons,
            )
        )
        raise ApiError(
            428,
            f"this request needs a person's approval (approval {held.id}); resend it "
            f"unchanged with the header {APPROVAL_HEADER}: {held.id} once it is approved",
            code="approval_required",
            headers={APPROVAL_HEADER: held.id},
        )
