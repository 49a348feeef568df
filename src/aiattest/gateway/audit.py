"""The audit event each gateway request produces, and the sink it is handed to.

An event holds ids, counts, codes, timings and hashes, never prompt or completion text.
The sink must have made the event durable when ``record`` returns: the response waits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

AUDIT_KIND = "audit_event"


@dataclass(frozen=True, slots=True)
class ProviderAttempt:
    """One provider tried for the request, and why it did not serve it."""

    provider: str
    """Provider name."""
    reason: str | None
    """Failure code, or None for the provider that served."""
    status: int | None = None
    """Upstream HTTP status, when there was one."""
    latency_ms: float = 0.0
    """Time spent on this attempt."""


@dataclass(frozen=True, slots=True)
class FindingSummary:
    """Guard findings of one type: how many and how strong (never the matched text)."""

    scanner: str
    """Scanner name."""
    type: str
    """Finding type."""
    count: int
    """How many."""
    max_score: float
    """Strongest score."""
    stage: str = "input"
    """``input``, ``output`` or ``tool``."""


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """Everything an auditor may ask about one gateway request, without its content."""

    request_id: str
    """The ``x-request-id``."""
    endpoint: str
    """``chat.completions``, ``embeddings``, ..."""
    status: int
    """HTTP status returned to the client."""
    tenant: str | None = None
    """Organisation the key belongs to."""
    key_id: str | None = None
    """Public id of the API key (never the key)."""
    route: str | None = None
    """Model alias asked for."""
    provider: str | None = None
    """Provider that served, if any."""
    attempts: tuple[ProviderAttempt, ...] = ()
    """Every provider tried, in order, with failure reasons (the fallbacks)."""
    decision: str = "allow"
    """Guard decision: allow, flag, redact, needs_approval, block."""
    findings: tuple[FindingSummary, ...] = ()
    """Guard findings by type."""
    prompt_tokens: int = 0
    """Tokens in."""
    completion_tokens: int = 0
    """Tokens out."""
    latency_ms: float = 0.0
    """Total time in the gateway."""
    upstream_ms: float = 0.0
    """Time spent in upstream calls."""
    stream: bool = False
    """Whether the reply was streamed."""
    request_sha256: str | None = None
    """Hash of the canonical request messages."""
    response_sha256: str | None = None
    """Hash of the reply text and tool calls."""
    error_code: str | None = None
    """OpenAI error code when the request failed."""
    degraded: bool = False
    """Whether the rule-based last resort answered."""
    fallbacks: int = field(default=0)
    """How many attempts failed before the one that served (or all of them)."""
    retained: bool | None = None
    """With retention on: whether the content was stored encrypted (None: retention off)."""
    retention_id: str | None = None
    """Id of the encrypted retention record (never the content)."""

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready dict for the ledger entry."""
        return asdict(self)


class AuditSink(Protocol):
    """Where audit events go; ``record`` returns once the event is durable."""

    async def record(self, event: AuditEvent) -> None:
        """Persist one event (e.g. append it to the ledger and wait for the commit)."""


def content_sha256(parts: Iterable[Any]) -> str:
    """SHA-256 over a canonical JSON encoding of ``parts``."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(json.dumps(part, sort_keys=True, separators=(",", ":")).encode())
        digest.update(b"\n")
    return digest.hexdigest()
