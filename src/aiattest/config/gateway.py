"""Settings of the gateway (``[gateway]`` in TOML, ``AIATTEST_GATEWAY__*`` in env).

Providers are named upstreams; routes map a model alias that clients send to an ordered
chain of (provider, upstream model) targets. A rule-based last resort is appended to every
chat route unless ``last_resort`` is switched off, so that a user always gets an answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

ProviderKind = Literal["openai", "anthropic", "rules"]
LAST_RESORT_NAME = "last-resort"
DEFAULT_DEGRADED_REPLY = (
    "The AI service is temporarily degraded: no language model could answer this request. "
    "This is an automatic reply, not a model's answer. Please try again in a few minutes."
)


class CannedAnswer(BaseModel):
    """A fixed reply of the rule-based provider, chosen when all keywords occur."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    keywords: tuple[str, ...] = Field(min_length=1)
    """Case-insensitive words that must all occur in the last user message."""
    answer: str = Field(min_length=1)
    """The reply; ``{model}`` is replaced by the requested model alias."""


class ProviderSettings(BaseModel):
    """One upstream: where it is, how to authenticate and how patient to be with it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    """Unique name; routes refer to it and the response header reports it."""
    kind: ProviderKind
    """``openai`` (any OpenAI-compatible API), ``anthropic`` (Messages API) or ``rules``."""
    base_url: str | None = None
    """Base URL including the version path, e.g. ``https://api.openai.com/v1``."""
    api_key: SecretStr | None = None
    """The upstream credential; never logged, never returned to clients."""
    timeout_s: float = Field(default=30.0, gt=0)
    """Read timeout per attempt (also the longest wait for the next stream chunk)."""
    connect_timeout_s: float = Field(default=5.0, gt=0)
    """Connect timeout per attempt."""
    max_retries: int = Field(default=1, ge=0, le=10)
    """Retries on retryable errors (429, 5xx, timeouts, resets) before falling back."""
    canned: tuple[CannedAnswer, ...] = ()
    """Rule-based provider only: fixed answers by keyword."""
    degraded_reply: str = DEFAULT_DEGRADED_REPLY
    """Rule-based provider only: the honest reply when no canned answer matches."""

    @model_validator(mode="after")
    def _needs_url(self) -> ProviderSettings:
        if self.kind != "rules" and not self.base_url:
            raise ValueError(f"provider {self.name!r} of kind {self.kind} needs a base_url")
        return self


class RouteTarget(BaseModel):
    """One step of a route's fallback chain."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider: str
    """Name of a configured provider."""
    model: str | None = None
    """The upstream model name; default: the route's alias."""


class RouteSettings(BaseModel):
    """A model alias that clients may name, and the providers that serve it, in order."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    alias: str = Field(min_length=1, max_length=128)
    """What clients send as ``model``."""
    targets: tuple[RouteTarget, ...] = Field(min_length=1)
    """The fallback chain, first choice first."""
    kind: Literal["chat", "embeddings"] = "chat"
    """Which endpoint the alias serves."""


class RetentionSettings(BaseModel):
    """Opt-in storage of prompts and completions, encrypted at rest (off: nothing is kept)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    enabled: bool = False
    """Store each chat request's messages and completion, encrypted; off by default."""
    days: int = Field(default=30, ge=1, le=3650)
    """How long a record is kept before ``aiattest retention purge`` deletes it."""
    key: SecretStr | None = None
    """The key-encryption key: 32 random bytes, base64-encoded."""
    key_file: Path | None = None
    """A file holding the base64 key-encryption key (instead of ``key``)."""
    key_id: str = Field(default="k1", min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    """Name of the current key, stored with every record so that keys can rotate."""
    retired_keys: dict[str, SecretStr] = Field(default_factory=dict)
    """Earlier keys by id (base64): used only to decrypt records made under them."""

    @model_validator(mode="after")
    def _one_key(self) -> RetentionSettings:
        if self.key is not None and self.key_file is not None:
            raise ValueError("set either key or key_file, not both")
        if self.enabled and self.key is None and self.key_file is None:
            raise ValueError("retention is enabled but neither key nor key_file is set")
        if self.key_id in self.retired_keys:
            raise ValueError(f"key id {self.key_id!r} is also listed as retired")
        return self


class GatewaySettings(BaseModel):
    """Providers, routes, resilience and limits of the OpenAI-compatible gateway."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    providers: tuple[ProviderSettings, ...] = ()
    """The upstreams."""
    routes: tuple[RouteSettings, ...] = ()
    """Model aliases and their fallback chains."""
    last_resort: bool = True
    """Append the rule-based provider to every chat route so that a reply always comes."""
    breaker_failures: int = Field(default=5, ge=1)
    """Consecutive failures after which a provider's circuit opens."""
    breaker_cooldown_s: float = Field(default=30.0, gt=0)
    """How long an open circuit waits before letting one probe through (half-open)."""
    retry_backoff_s: float = Field(default=0.05, ge=0)
    """Base of the exponential backoff between retries; full jitter is applied."""
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    """Largest request body accepted; larger bodies get 413."""
    stream_lookbehind_chars: int = Field(default=64, ge=0)
    """Characters of streamed output held back so that a split secret is caught whole."""
    key_requests_per_min: int | None = Field(default=600, ge=1)
    """Requests a key may make per minute (None: no limit)."""
    key_tokens_per_min: int | None = Field(default=200_000, ge=1)
    """Tokens (in and out) a key may use per minute (None: no limit)."""
    tenant_requests_per_min: int | None = Field(default=3_000, ge=1)
    """Requests a tenant's keys together may make per minute (None: no limit)."""
    tenant_tokens_per_min: int | None = Field(default=1_000_000, ge=1)
    """Tokens a tenant's keys together may use per minute (None: no limit)."""
    redis_prefix: str = "aiattest:rl:"
    """Prefix of the rate-limit keys in Redis (when ``redis_url`` is set)."""
    retention: RetentionSettings = Field(default_factory=RetentionSettings)
    """Opt-in encrypted content retention (zero retention by default)."""

    @model_validator(mode="after")
    def _consistent(self) -> GatewaySettings:
        names = [p.name for p in self.providers]
        if len(names) != len(set(names)):
            raise ValueError("provider names must be unique")
        if LAST_RESORT_NAME in names:
            raise ValueError(f"provider name {LAST_RESORT_NAME!r} is reserved")
        aliases = [r.alias for r in self.routes]
        if len(aliases) != len(set(aliases)):
            raise ValueError("route aliases must be unique")
        for route in self.routes:
            for target in route.targets:
                if target.provider not in names:
                    raise ValueError(
                        f"route {route.alias!r} names unknown provider {target.provider!r}"
                    )
        return self
