"""The gateway's seam: the ``Provider`` ABC and the immutable values that cross it.

Requests and responses inside the gateway use OpenAI's chat shape (messages, tool_calls,
usage); each provider translates to and from its upstream's wire format.

Errors::

    ProviderError                     (aiattest.errors)
    └── UpstreamError                 one attempt at one provider failed; ``reason`` says why
        └── UpstreamRejected          the upstream refused the request itself (4xx): no retry
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiattest.errors import ProviderError

JsonObject = dict[str, Any]

# Reasons an attempt fails; they are recorded with every fallback and exported as metrics.
REASON_TIMEOUT = "timeout"
REASON_CONNECT = "connect_error"
REASON_RATE_LIMITED = "upstream_429"
REASON_SERVER_ERROR = "upstream_5xx"
REASON_MALFORMED = "malformed_response"
REASON_STREAM_STALLED = "stream_stalled"
REASON_REJECTED = "upstream_4xx"
REASON_CIRCUIT_OPEN = "circuit_open"
REASON_UNSUPPORTED = "unsupported"


class UpstreamError(ProviderError):
    """One attempt failed; ``retryable`` says whether trying again may help."""

    def __init__(self, reason: str, message: str, *, retryable: bool, status: int | None = None):
        super().__init__(message)
        self.reason = reason
        """A short, fixed code from the ``REASON_*`` constants (never upstream text)."""
        self.retryable = retryable
        """Whether the same provider may succeed on a retry."""
        self.status = status
        """The upstream HTTP status, when there was one."""


class UpstreamRejected(UpstreamError):
    """The upstream refused the request (400, 401, 403, 404, 422): not worth a retry."""


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """A chat completion request as sent upstream: only allowlisted fields."""

    model: str
    """The upstream model name."""
    messages: tuple[JsonObject, ...]
    """OpenAI-style messages (role, content, tool_calls, tool_call_id, name)."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Allowlisted sampling and tool parameters (temperature, max_tokens, tools, ...)."""
    alias: str = ""
    """The model alias the client asked for (the route)."""

    def last_user_text(self) -> str:
        """Text of the last user message ('' when there is none)."""
        for message in reversed(self.messages):
            if message.get("role") == "user":
                return content_text(message.get("content"))
        return ""


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts as reported by the upstream (or estimated when it reports none)."""

    prompt_tokens: int = 0
    """Tokens in the request."""
    completion_tokens: int = 0
    """Tokens in the reply."""

    @property
    def total_tokens(self) -> int:
        """Both together."""
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class ChatResponse:
    """One complete assistant reply."""

    content: str | None
    """The reply text (None when the model only called tools)."""
    tool_calls: tuple[JsonObject, ...] = ()
    """OpenAI-style tool calls: ``{"id", "type": "function", "function": {name, arguments}}``."""
    finish_reason: str = "stop"
    """``stop``, ``length``, ``tool_calls`` or ``content_filter``."""
    usage: Usage = field(default_factory=Usage)
    """Token counts."""
    model: str = ""
    """The model that answered, as the upstream named it."""


@dataclass(frozen=True, slots=True)
class StreamDelta:
    """One piece of a streamed reply, in OpenAI's delta shape."""

    content: str | None = None
    """New text, if any."""
    tool_calls: tuple[JsonObject, ...] = ()
    """Tool-call fragments (``index``, and ``id``/``function`` parts as they arrive)."""
    finish_reason: str | None = None
    """Set on the last delta."""
    usage: Usage | None = None
    """Set when the upstream reports usage (usually at the end)."""


@dataclass(frozen=True, slots=True)
class EmbeddingRequest:
    """Texts to embed."""

    model: str
    """The upstream model name."""
    inputs: tuple[str, ...]
    """The texts."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Allowlisted parameters (dimensions, encoding_format)."""


@dataclass(frozen=True, slots=True)
class EmbeddingResponse:
    """One vector per input, in order."""

    vectors: tuple[tuple[float, ...], ...]
    """The embeddings."""
    prompt_tokens: int = 0
    """Tokens read."""
    model: str = ""
    """The model that answered."""


class Provider(ABC):
    """An upstream model API. Implementations raise ``UpstreamError`` (never foreign errors)
    and never put upstream bodies or credentials into an error message."""

    kind: ClassVar[str]
    """Registry name of the implementation."""

    def __init__(self, name: str) -> None:
        self.name = name
        """The configured provider name (reported in the response header)."""

    @abstractmethod
    async def complete(self, request: ChatRequest) -> ChatResponse:
        """One complete reply."""

    @abstractmethod
    def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        """The reply as deltas; raises ``UpstreamError`` from the iterator on failure."""

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """Embeddings; providers without them refuse so that the router falls back."""
        raise UpstreamRejected(
            REASON_UNSUPPORTED, f"provider {self.name!r} has no embeddings", retryable=False
        )


def content_text(content: Any) -> str:
    """The text of an OpenAI message ``content`` (a string or a list of parts)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            str(part.get("text", ""))
            for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return str(content)


def estimate_tokens(text: str) -> int:
    """A cheap token estimate (about four characters per token) for limits before a call."""
    return max(1, (len(text) + 3) // 4) if text else 0
