"""Any OpenAI-compatible chat API: OpenAI, Azure-compatible endpoints, vLLM, Ollama, LiteLLM."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

import httpx

from aiattest.gateway.interface import (
    REASON_MALFORMED,
    ChatRequest,
    ChatResponse,
    EmbeddingRequest,
    EmbeddingResponse,
    Provider,
    StreamDelta,
    UpstreamError,
    Usage,
)
from aiattest.gateway.providers.http import (
    decode_event,
    ended_early,
    open_stream,
    post_json,
    sse_events,
    timeout_for,
)


class OpenAICompatibleProvider(Provider):
    """Speaks ``/chat/completions`` and ``/embeddings`` under ``base_url``."""

    kind: ClassVar[str] = "openai"

    def __init__(
        self,
        name: str,
        client: httpx.AsyncClient,
        *,
        base_url: str,
        api_key: str | None = None,
        timeout_s: float = 30.0,
        connect_timeout_s: float = 5.0,
    ) -> None:
        super().__init__(name)
        self._client = client
        self._base = base_url.rstrip("/")
        self._headers = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self._stall_s = timeout_s
        self._timeout = timeout_for(timeout_s, connect_timeout_s)

    def _body(self, request: ChatRequest, *, stream: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            **request.params,
            "model": request.model,
            "messages": list(request.messages),
        }
        if stream:
            body["stream"] = True
            # Usage at the end of the stream lets rate limits be corrected after the call.
            body["stream_options"] = {"include_usage": True}
        return body

    async def complete(self, request: ChatRequest) -> ChatResponse:
        """POST /chat/completions and read the first choice."""
        data = await post_json(
            self._client,
            self.name,
            f"{self._base}/chat/completions",
            body=self._body(request, stream=False),
            headers=self._headers,
            timeout=self._timeout,
        )
        try:
            choice = data["choices"][0]
            message = choice["message"]
            return ChatResponse(
                content=message.get("content"),
                tool_calls=tuple(message.get("tool_calls") or ()),
                finish_reason=choice.get("finish_reason") or "stop",
                usage=_usage(data.get("usage")),
                model=str(data.get("model") or request.model),
            )
        except (KeyError, IndexError, TypeError, AttributeError) as e:
            raise UpstreamError(
                REASON_MALFORMED, f"{self.name}: reply lacks choices", retryable=True
            ) from e

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        """POST /chat/completions with ``stream: true`` and yield its deltas."""
        async with open_stream(
            self._client,
            self.name,
            f"{self._base}/chat/completions",
            body=self._body(request, stream=True),
            headers=self._headers,
            timeout=self._timeout,
        ) as response:
            finished = False
            async for _event, data in sse_events(response, self.name, self._stall_s):
                if data.strip() == "[DONE]":
                    return
                chunk = decode_event(self.name, data)
                usage = _usage(chunk["usage"]) if chunk.get("usage") else None
                choices = chunk.get("choices") or []
                if not choices:
                    if usage is not None:
                        yield StreamDelta(usage=usage)
                    continue
                try:
                    choice = choices[0]
                    delta = choice.get("delta") or {}
                    finished = finished or bool(choice.get("finish_reason"))
                    yield StreamDelta(
                        content=delta.get("content"),
                        tool_calls=tuple(delta.get("tool_calls") or ()),
                        finish_reason=choice.get("finish_reason"),
                        usage=usage,
                    )
                except (AttributeError, TypeError) as e:
                    raise UpstreamError(
                        REASON_MALFORMED, f"{self.name}: bad stream chunk", retryable=True
                    ) from e
            # Some servers omit [DONE]; a finish_reason still marks a complete reply.
            if not finished:
                raise ended_early(self.name)

    async def embed(self, request: EmbeddingRequest) -> EmbeddingResponse:
        """POST /embeddings."""
        data = await post_json(
            self._client,
            self.name,
            f"{self._base}/embeddings",
            body={**request.params, "model": request.model, "input": list(request.inputs)},
            headers=self._headers,
            timeout=self._timeout,
        )
        try:
            rows = sorted(data["data"], key=lambda row: int(row.get("index", 0)))
            vectors = tuple(tuple(float(x) for x in row["embedding"]) for row in rows)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise UpstreamError(
                REASON_MALFORMED, f"{self.name}: reply lacks embeddings", retryable=True
            ) from e
        if len(vectors) != len(request.inputs):
            raise UpstreamError(
                REASON_MALFORMED, f"{self.name}: wrong number of embeddings", retryable=True
            )
        usage = data.get("usage") or {}
        return EmbeddingResponse(
            vectors=vectors,
            prompt_tokens=int(usage.get("prompt_tokens", 0) or 0),
            model=str(data.get("model") or request.model),
        )


def _usage(raw: Any) -> Usage:
    if not isinstance(raw, dict):
        return Usage()
    try:
        return Usage(
            prompt_tokens=int(raw.get("prompt_tokens", 0) or 0),
            completion_tokens=int(raw.get("completion_tokens", 0) or 0),
        )
    except (TypeError, ValueError):
        return Usage()
