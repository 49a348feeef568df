"""The rule-based last resort: configured canned answers, else an honest "degraded" reply.

It never calls anything and never fails, so a route that ends with it always answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import ClassVar

from aiattest.config.gateway import DEFAULT_DEGRADED_REPLY, CannedAnswer
from aiattest.gateway.interface import (
    ChatRequest,
    ChatResponse,
    Provider,
    StreamDelta,
    Usage,
    content_text,
    estimate_tokens,
)


class RuleBasedProvider(Provider):
    """Answers from rules, not from a model; says so when no rule matches."""

    kind: ClassVar[str] = "rules"

    def __init__(
        self,
        name: str,
        *,
        canned: Sequence[CannedAnswer] = (),
        degraded_reply: str = DEFAULT_DEGRADED_REPLY,
    ) -> None:
        super().__init__(name)
        self._canned = tuple(canned)
        self._degraded = degraded_reply

    def answer(self, request: ChatRequest) -> str:
        """The first canned answer whose keywords all occur, else the degraded reply."""
        text = request.last_user_text().casefold()
        for rule in self._canned:
            if all(word.casefold() in text for word in rule.keywords):
                return rule.answer.replace("{model}", request.alias or request.model)
        return self._degraded

    def _response(self, request: ChatRequest) -> ChatResponse:
        text = self.answer(request)
        prompt = sum(estimate_tokens(content_text(m.get("content"))) for m in request.messages)
        return ChatResponse(
            content=text,
            finish_reason="stop",
            usage=Usage(prompt, estimate_tokens(text)),
            model=self.name,
        )

    async def complete(self, request: ChatRequest) -> ChatResponse:
        """The rule's answer."""
        return self._response(request)

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        """The rule's answer as one content delta and a final delta."""
        response = self._response(request)
        yield StreamDelta(content=response.content)
        yield StreamDelta(finish_reason="stop", usage=response.usage)
