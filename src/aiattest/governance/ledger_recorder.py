"""The real :class:`~aiattest.governance.recorder.ChangeRecorder`: register_change entries in
the evidence ledger."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from aiattest.governance.recorder import RegisterChange
from aiattest.ledger import Entry, EntryKind, Ledger

ACTOR = "governance"
"""The service name entries carry; the person who acted is a sealed field."""


class LedgerRecorder:
    """Appends each register change to the ledger and waits until it is durable."""

    def __init__(self, ledger: Ledger, *, clock: Callable[[], float] = time.time) -> None:
        self.ledger = ledger
        self._clock = clock

    def record(self, change: RegisterChange) -> int:
        """Append ``change`` as a register_change entry; return its log index."""
        return int(self.ledger.append(self.entry(change)))

    def record_many(self, changes: Sequence[RegisterChange]) -> list[int]:
        """Append several changes in as few ledger transactions as possible."""
        if not changes:
            return []
        return [int(i) for i in self.ledger.append_many([self.entry(c) for c in changes])]

    def entry(self, change: RegisterChange) -> Entry:
        """The ledger entry of ``change``."""
        return Entry(
            kind=EntryKind.REGISTER_CHANGE,
            ts_ms=int(self._clock() * 1000),
            actor=ACTOR,
            subjects=(f"{change.entity_type}:{change.entity_id}",),
            payload={
                "organisation": str(change.organisation_id),
                "entity_type": change.entity_type,
                "entity_id": change.entity_id,
                "action": change.action,
                "before": change.before_hash,
                "after": change.after_hash,
            },
            # The actor may be a person's name or e-mail: committed to, never in clear.
            private={"actor": change.actor},
        )
