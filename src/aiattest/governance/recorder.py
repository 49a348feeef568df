"""The ledger seam of the registers: every write is recorded as a register_change entry.

Registers only know the :class:`ChangeRecorder` shape; :class:`LedgerRecorder` is the real
implementation over :class:`aiattest.ledger.Ledger`. Entries hold the entity type and id,
the action and hashes of the record before and after; the actor is sealed (a salted
commitment), so no personal data enters a leaf in clear.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class RegisterChange:
    """One write to a register, as the ledger records it."""

    organisation_id: uuid.UUID
    """The organisation whose register changed."""
    actor: str
    """Who made the change (a principal name; sealed in the ledger)."""
    entity_type: str
    """The register: ``model``, ``vendor``, ``change`` ..."""
    entity_id: str
    """The record's id (a UUID, never a name)."""
    action: str
    """``create``, ``update``, ``delete`` or a workflow step (``approve``, ``rollback``)."""
    before_hash: str | None
    """SHA-256 of the record's canonical JSON before the write (None: it did not exist)."""
    after_hash: str | None
    """SHA-256 of the record's canonical JSON after the write (None: it was deleted)."""


class ChangeRecorder(Protocol):
    """Where register writes are recorded; raising makes the write roll back."""

    def record(self, change: RegisterChange) -> int:
        """Record ``change`` durably and return its log index."""
        ...

    def record_many(self, changes: Sequence[RegisterChange]) -> list[int]:
        """Record ``changes`` durably, in order (one transaction where possible)."""
        ...


def record_hash(data: Mapping[str, Any]) -> str:
    """Hex SHA-256 of a record's canonical JSON (sorted keys, no whitespace)."""
    raw = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()
