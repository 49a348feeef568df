"""Ledger entries: typed records, their canonical leaf bytes, and sealed personal fields.

A leaf never holds personal data in clear. Fields passed as ``private`` are replaced in
the leaf by ``SHA-256(salt || canonical(value))`` with a fresh random salt per field;
the salt and the value are kept apart (:class:`Secret`, stored in a deletable table).
Deleting them (crypto-shredding) leaves the log verifiable while the commitment can no
longer be confirmed or brute-forced from a guessed value.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NewType

from aiattest.errors import InputError
from aiattest.ledger.canonical import (
    MAX_SAFE_INTEGER,
    CanonicalError,
    canonical_json,
    encode_string,
)
from aiattest.ledger.merkle import leaf_hash

LogIndex = NewType("LogIndex", int)
"""The position of an entry in the log, from 0."""

ENTRY_VERSION = 1
SALT_BYTES = 32


class EntryKind(StrEnum):
    """What an entry records."""

    AUDIT_EVENT = "audit_event"
    """One gateway request: who, which route, decisions, counts and hashes."""
    EVIDENCE = "evidence"
    """An uploaded artefact or a collected fact (by hash)."""
    CONTROL_RESULT = "control_result"
    """The outcome of an automated check for a control and a period."""
    REGISTER_CHANGE = "register_change"
    """A change to a register (model, vendor, dataset, risk, ...)."""
    DELETION_RECEIPT = "deletion_receipt"
    """Proof that a data-subject deletion ran (what was shredded, where)."""
    CHECKPOINT_NOTE = "checkpoint_note"
    """A signed checkpoint recorded in the log itself (e.g. a witness cosignature)."""


@dataclass(frozen=True)
class Entry:
    """One record to append; ``payload`` goes into the leaf, ``private`` only as commitments."""

    kind: EntryKind
    """What the entry records."""
    ts_ms: int
    """When it happened: UTC milliseconds since the Unix epoch."""
    actor: str
    """Who acted: a principal id or a service name (never a person's name or e-mail)."""
    subjects: tuple[str, ...] = ()
    """Ids of the things the entry is about (control ids, system ids, request ids)."""
    payload: Mapping[str, Any] = field(default_factory=dict)
    """Compact facts: hashes, counts, ids, decisions, timings. Never free text."""
    private: Mapping[str, Any] = field(default_factory=dict)
    """Personal data; the leaf commits to a salted hash of each field, never the value."""

    def __post_init__(self) -> None:
        if type(self.ts_ms) is not int or not 0 <= self.ts_ms <= MAX_SAFE_INTEGER:
            raise InputError(f"ts_ms must be a non-negative integer, got {self.ts_ms!r}")
        if not isinstance(self.actor, str) or not 0 < len(self.actor) <= 200:
            raise InputError("actor must be a non-empty string of at most 200 characters")
        if not isinstance(self.subjects, tuple):
            object.__setattr__(self, "subjects", tuple(self.subjects))
        if not all(isinstance(s, str) for s in self.subjects):
            raise InputError("subjects must be strings")
        if not isinstance(self.kind, EntryKind):
            try:
                object.__setattr__(self, "kind", EntryKind(self.kind))
            except ValueError as e:
                raise InputError(f"unknown entry kind {self.kind!r}") from e


@dataclass(frozen=True)
class Secret:
    """The opening of one sealed field: kept outside the log, deletable."""

    field: str
    """The field name."""
    salt: bytes
    """The random salt of the commitment (never reused, never in the leaf)."""
    value: bytes
    """The canonical JSON of the value."""


@dataclass(frozen=True)
class SealedEntry:
    """An entry ready to store: its leaf bytes, leaf hash and the openings of sealed fields."""

    kind: str
    """The entry kind (a column for filtering without parsing the body)."""
    ts_ms: int
    """The entry timestamp (a column for time-window queries and partitioning)."""
    body: bytes
    """The leaf data: RFC 8785 canonical JSON."""
    leaf_hash: bytes
    """SHA-256(0x00 || body)."""
    secrets: tuple[Secret, ...]
    """Openings of the sealed (private) fields."""


def commitment(salt: bytes, value: bytes) -> str:
    """Hex SHA-256(salt || canonical value): hiding while the 32-byte random salt is secret,
    binding because SHA-256 is collision resistant. (HMAC would add a second hash per
    field for no gain here, since the salt is never reused and never revealed.)"""
    return hashlib.sha256(salt + value).hexdigest()


def seal(
    entry: Entry,
    *,
    max_bytes: int = 8192,
    random_bytes: Callable[[int], bytes] = os.urandom,
) -> SealedEntry:
    """Turn an entry into leaf bytes, replacing private fields by salted commitments."""
    secrets: list[Secret] = []
    sealed: dict[str, str] = {}
    try:
        for name, value in entry.private.items():
            salt = random_bytes(SALT_BYTES)
            raw = encode_string(value) if type(value) is str else canonical_json(value)
            secrets.append(Secret(field=str(name), salt=salt, value=raw))
            sealed[str(name)] = commitment(salt, raw)
        payload = entry.payload if type(entry.payload) is dict else dict(entry.payload)
        # The envelope's keys are fixed, so it is assembled in canonical (sorted) order from
        # canonical parts instead of walking everything a second time.
        body = b"".join(
            (
                b'{"actor":',
                encode_string(entry.actor),
                b',"kind":"',
                entry.kind.value.encode(),
                b'","payload":',
                canonical_json(payload),
                b',"sealed":',
                canonical_json(sealed) if sealed else b"{}",
                b',"subjects":[',
                b",".join([encode_string(s) for s in entry.subjects]),
                b'],"ts":',
                b"%d" % entry.ts_ms,
                b',"v":%d}' % ENTRY_VERSION,
            )
        )
    except CanonicalError as e:
        raise InputError(f"entry is not representable as canonical JSON: {e}") from e
    if len(body) > max_bytes:
        raise InputError(
            f"entry is {len(body)} bytes, more than the {max_bytes} allowed",
            hint="leaves hold hashes, counts and ids; keep content out of the ledger",
        )
    return SealedEntry(
        kind=entry.kind.value,
        ts_ms=entry.ts_ms,
        body=body,
        leaf_hash=leaf_hash(body),
        secrets=tuple(secrets),
    )


def confirm(body_commitment: str, secret: Secret) -> bool:
    """Whether a stored opening matches the commitment in the leaf."""
    return hmac.compare_digest(body_commitment, commitment(secret.salt, secret.value))
