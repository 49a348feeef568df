"""Routes: a model alias to an ordered provider chain, tried with retries, breakers, fallback.

Every attempt is recorded (provider, outcome reason, status, latency) so that each fallback
ends up in the request's audit event with its reason.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import TypeVar

from opentelemetry.trace import StatusCode

from aiattest.config.gateway import LAST_RESORT_NAME, GatewaySettings, RouteSettings
from aiattest.errors import NotFoundError, ProviderError
from aiattest.gateway.interface import (
    REASON_CIRCUIT_OPEN,
    REASON_MALFORMED,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    Provider,
    StreamDelta,
    UpstreamError,
)
from aiattest.gateway.providers.rules import RuleBasedProvider
from aiattest.gateway.resilience import CircuitBreaker, CircuitState, backoff_delay
from aiattest.gateway.tracing import tracer

T = TypeVar("T")
# Statuses that mean the client's request itself is unacceptable: another provider would
# refuse it too, so there is no fallback and the client gets a 400.
CLIENT_FAULT_STATUSES = frozenset({400, 413, 422})


@dataclass(frozen=True, slots=True)
class Attempt:
    """One try at one provider."""

    provider: str
    """Provider name."""
    reason: str | None
    """Why it failed (a ``REASON_*`` code), or None when it served the request."""
    status: int | None = None
    """Upstream HTTP status, when there was one."""
    latency_ms: float = 0.0
    """Time spent on the attempt."""


class AllProvidersFailed(ProviderError):
    """Every provider of the route failed; ``attempts`` says how."""

    def __init__(self, alias: str, attempts: tuple[Attempt, ...]) -> None:
        super().__init__(f"no provider could serve {alias!r}")
        self.attempts = attempts


class RequestRejected(ProviderError):
    """An upstream refused the request as malformed (4xx): the client must change it."""

    def __init__(self, alias: str, attempts: tuple[Attempt, ...]) -> None:
        super().__init__(f"the upstream for {alias!r} rejected the request")
        self.attempts = attempts


@dataclass(frozen=True, slots=True)
class Step:
    """A resolved chain step: the provider object, its upstream model and retry budget."""

    provider: Provider
    """The provider."""
    model: str
    """Upstream model name."""
    max_retries: int
    """Retries on retryable errors."""


@dataclass(slots=True)
class StreamHandle:
    """A stream whose first delta already arrived; ``deltas`` starts with it."""

    provider: str
    """Who is serving the stream."""
    attempts: list[Attempt]
    """Attempts so far (a mid-stream failure is appended when it happens)."""
    deltas: AsyncIterator[StreamDelta]
    """Every delta, the first one included."""


class Router:
    """Resolves aliases and runs requests through their chains."""

    def __init__(
        self,
        settings: GatewaySettings,
        providers: Mapping[str, Provider],
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
    ) -> None:
        self._settings = settings
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
        self.providers: dict[str, Provider] = dict(providers)
        self.providers.setdefault(LAST_RESORT_NAME, RuleBasedProvider(LAST_RESORT_NAME))
        self.breakers = {
            name: CircuitBreaker(settings.breaker_failures, settings.breaker_cooldown_s, clock)
            for name in self.providers
        }
        self._retries = {p.name: p.max_retries for p in settings.providers}
        self.routes = {r.alias: r for r in settings.routes}

    def route(self, alias: str, kind: str) -> RouteSettings:
        """The route for ``alias`` serving ``kind``; NotFoundError otherwise."""
        route = self.routes.get(alias)
        if route is None or route.kind != kind:
            raise NotFoundError(f"The model `{alias}` does not exist or you do not have access.")
        return route

    def steps(self, route: RouteSettings) -> list[Step]:
        """The chain of ``route``, with the last resort appended to chat routes."""
        steps = [
            Step(self.providers[t.provider], t.model or route.alias, self._retries[t.provider])
            for t in route.targets
        ]
        last = steps[-1].provider if steps else None
        if (
            route.kind == "chat"
            and self._settings.last_resort
            and not isinstance(last, RuleBasedProvider)
        ):
            steps.append(Step(self.providers[LAST_RESORT_NAME], route.alias, 0))
        return steps

    def circuit_states(self) -> dict[str, CircuitState]:
        """Each provider's breaker state."""
        return {name: breaker.state for name, breaker in self.breakers.items()}

    async def complete(
        self, route: RouteSettings, request: ChatRequest
    ) -> tuple[ChatResponse, str, list[Attempt]]:
        """The reply, who served it, and every attempt made."""
        return await self._run(route, lambda p, m: p.complete(replace(request, model=m)))

    async def embed(
        self, route: RouteSettings, request: EmbeddingRequest
    ) -> tuple[EmbeddingResponse, str, list[Attempt]]:
        """Embeddings, who served them, and every attempt made."""
        return await self._run(route, lambda p, m: p.embed(replace(request, model=m)))

    async def stream(self, route: RouteSettings, request: ChatRequest) -> StreamHandle:
        """A stream from the first provider that delivers a first delta.

        Fallback happens only before the first delta: after that the client has bytes.
        """

        async def first(
            provider: Provider, model: str
        ) -> tuple[StreamDelta, AsyncIterator[StreamDelta]]:
            iterator = aiter(provider.stream(replace(request, model=model)))
            try:
                return await anext(iterator), iterator
            except StopAsyncIteration as e:
                raise UpstreamError(
                    REASON_MALFORMED, f"{provider.name}: empty stream", retryable=True
                ) from e

        (head, rest), name, attempts = await self._run(route, first)
        return StreamHandle(name, attempts, self._continue(name, head, rest, attempts))

    async def _continue(
        self,
        name: str,
        head: StreamDelta,
        rest: AsyncIterator[StreamDelta],
        attempts: list[Attempt],
    ) -> AsyncIterator[StreamDelta]:
        yield head
        try:
            async for delta in rest:
                yield delta
        except UpstreamError as e:
            self.breakers[name].failure()
            attempts.append(Attempt(name, e.reason, e.status))
            raise

    async def _run(
        self, route: RouteSettings, call: Callable[[Provider, str], Awaitable[T]]
    ) -> tuple[T, str, list[Attempt]]:
        attempts: list[Attempt] = []
        for step in self.steps(route):
            name = step.provider.name
            breaker = self.breakers[name]
            if not breaker.allow():
                attempts.append(Attempt(name, REASON_CIRCUIT_OPEN))
                continue
            for retry in range(step.max_retries + 1):
                started = self._clock()
                try:
                    with tracer().start_as_current_span("gateway.upstream") as span:
                        span.set_attribute("aiattest.provider", name)
                        span.set_attribute("aiattest.retry", retry)
                        try:
                            result = await call(step.provider, step.model)
                        except UpstreamError as e:
                            span.set_status(StatusCode.ERROR, e.reason)
                            raise
                except UpstreamError as e:
                    elapsed = (self._clock() - started) * 1000
                    attempts.append(Attempt(name, e.reason, e.status, elapsed))
                    if e.status in CLIENT_FAULT_STATUSES:
                        raise RequestRejected(route.alias, tuple(attempts)) from e
                    breaker.failure()
                    if not e.retryable or retry == step.max_retries or not breaker.allow():
                        break
                    await asyncio.sleep(
                        backoff_delay(retry, self._settings.retry_backoff_s, self._rng)
                    )
                    continue
                breaker.success()
                attempts.append(Attempt(name, None, 200, (self._clock() - started) * 1000))
                return result, name, attempts
        raise AllProvidersFailed(route.alias, tuple(attempts))
