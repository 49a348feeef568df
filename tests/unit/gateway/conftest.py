"""Fakes of the gateway's ``Provider`` seam for router tests (no network)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from aiattest.gateway.interface import (
    ChatRequest,
    ChatResponse,
    Provider,
    StreamDelta,
    UpstreamError,
)


class ScriptedProvider(Provider):
    """Fails or answers according to a script of outcomes, one per call."""

    kind = "scripted"

    def __init__(self, name: str, script: list[UpstreamError | str]) -> None:
        super().__init__(name)
        self._script: Iterator[UpstreamError | str] = iter(script)
        self.calls: list[ChatRequest] = []

    def _next(self, request: ChatRequest) -> str:
        self.calls.append(request)
        outcome = next(self._script)
        if isinstance(outcome, UpstreamError):
            raise outcome
        return outcome

    async def complete(self, request: ChatRequest) -> ChatResponse:
        return ChatResponse(content=self._next(request), model=request.model)

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        text = self._next(request)
        for word in text.split():
            yield StreamDelta(content=word)
        yield StreamDelta(finish_reason="stop")


class Clock:
    """A clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now
