"""The audit sink of a deployment: every gateway request becomes one ledger entry."""

from __future__ import annotations

from typing import Any

from aiattest.gateway.audit import AuditEvent
from aiattest.ledger import Entry, EntryKind, Ledger

ACTOR_ANONYMOUS = "gateway"


class LedgerAuditSink:
    """Appends ``audit_event`` entries; ``record`` returns once the group commit is durable."""

    def __init__(self, ledger: Ledger, clock_ms: Any = None) -> None:
        import time

        self.ledger = ledger
        self._clock_ms = clock_ms or (lambda: time.time_ns() // 1_000_000)

    async def record(self, event: AuditEvent) -> None:
        """Append the event (ids, counts, codes, timings and hashes only) and wait."""
        payload = {k: v for k, v in event.to_payload().items() if v not in (None, (), [])}
        await self.ledger.append_async(
            Entry(
                kind=EntryKind.AUDIT_EVENT,
                ts_ms=self._clock_ms(),
                actor=event.key_id or ACTOR_ANONYMOUS,
                subjects=(event.request_id,),
                payload=payload,
            )
        )
