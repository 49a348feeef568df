"""Anthropic's Messages API, translated from and to OpenAI's chat shape (streaming too)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any, ClassVar

import httpx

from aiattest.gateway.interface import (
    REASON_MALFORMED,
    REASON_SERVER_ERROR,
    ChatRequest,
    ChatResponse,
    JsonObject,
    Provider,
    StreamDelta,
    UpstreamError,
    Usage,
    content_text,
)
from aiattest.gateway.providers.http import (
    decode_event,
    ended_early,
    open_stream,
    post_json,
    sse_events,
    timeout_for,
)

API_VERSION = "2023-06-01"
DEFAULT_MAX_TOKENS = 1024
_STOP_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def to_anthropic(request: ChatRequest, *, stream: bool) -> JsonObject:
    """The Messages API body for an OpenAI-shaped request."""
    system: list[str] = []
    messages: list[JsonObject] = []
    for message in request.messages:
        role = message.get("role")
        if role in ("system", "developer"):
            system.append(content_text(message.get("content")))
            continue
        blocks = _blocks_of(message)
        target_role = "assistant" if role == "assistant" else "user"
        # The Messages API wants user and assistant turns to alternate: merge neighbours.
        if messages and messages[-1]["role"] == target_role:
            messages[-1]["content"].extend(blocks)
        else:
            messages.append({"role": target_role, "content": blocks})
    params = request.params
    body: JsonObject = {
        "model": request.model,
        "messages": messages,
        "max_tokens": int(
            params.get("max_tokens") or params.get("max_completion_tokens") or DEFAULT_MAX_TOKENS
        ),
    }
    if system:
        body["system"] = "\n\n".join(system)
    for name in ("temperature", "top_p"):
        if params.get(name) is not None:
            body[name] = params[name]
    stop = params.get("stop")
    if stop:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if params.get("tools"):
        body["tools"] = [_tool_of(tool) for tool in params["tools"]]
    choice = _tool_choice_of(params.get("tool_choice"))
    if choice is not None:
        body["tool_choice"] = choice
    if stream:
        body["stream"] = True
    return body


def _blocks_of(message: Mapping[str, Any]) -> list[JsonObject]:
    role = message.get("role")
    text = content_text(message.get("content"))
    if role == "tool":
        return [
            {
                "type": "tool_result",
                "tool_use_id": str(message.get("tool_call_id", "")),
                "content": text,
            }
        ]
    blocks: list[JsonObject] = [{"type": "text", "text": text}] if text else []
    for call in message.get("tool_calls") or ():
        function = call.get("function") or {}
        try:
            arguments = json.loads(function.get("arguments") or "{}")
        except ValueError:
            arguments = {"_raw": function.get("arguments")}
        blocks.append(
            {
                "type": "tool_use",
                "id": call.get("id", ""),
                "name": function.get("name", ""),
                "input": arguments,
            }
        )
    return blocks


def _tool_of(tool: Mapping[str, Any]) -> JsonObject:
    function = tool.get("function") or {}
    out: JsonObject = {
        "name": function.get("name", ""),
        "input_schema": function.get("parameters") or {"type": "object", "properties": {}},
    }
    if function.get("description"):
        out["description"] = function["description"]
    return out


def _tool_choice_of(choice: Any) -> JsonObject | None:
    if choice is None:
        return None
    if choice == "auto":
        return {"type": "auto"}
    if choice == "required":
        return {"type": "any"}
    if choice == "none":
        return {"type": "none"}
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "tool", "name": (choice.get("function") or {}).get("name", "")}
    return None


def from_anthropic(data: Mapping[str, Any], fallback_model: str) -> ChatResponse:
    """The OpenAI-shaped reply for a Messages API response body."""
    texts: list[str] = []
    calls: list[JsonObject] = []
    for block in data["content"]:
        if block.get("type") == "text":
            texts.append(str(block.get("text", "")))
        elif block.get("type") == "tool_use":
            calls.append(
                {
                    "id": block["id"],
                    "type": "function",
                    "function": {
                        "name": block["name"],
                        "arguments": json.dumps(block.get("input") or {}),
                    },
                }
            )
    usage = data.get("usage") or {}
    return ChatResponse(
        content="".join(texts) if texts or not calls else None,
        tool_calls=tuple(calls),
        finish_reason=_STOP_REASONS.get(str(data.get("stop_reason")), "stop"),
        usage=Usage(int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))),
        model=str(data.get("model") or fallback_model),
    )


class AnthropicProvider(Provider):
    """Speaks ``POST {base_url}/messages``."""

    kind: ClassVar[str] = "anthropic"

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
        self._url = base_url.rstrip("/") + "/messages"
        self._headers = {"anthropic-version": API_VERSION}
        if api_key:
            self._headers["x-api-key"] = api_key
        self._stall_s = timeout_s
        self._timeout = timeout_for(timeout_s, connect_timeout_s)

    async def complete(self, request: ChatRequest) -> ChatResponse:
        """One reply, translated."""
        data = await post_json(
            self._client,
            self.name,
            self._url,
            body=to_anthropic(request, stream=False),
            headers=self._headers,
            timeout=self._timeout,
        )
        try:
            return from_anthropic(data, request.model)
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise UpstreamError(
                REASON_MALFORMED, f"{self.name}: reply lacks content", retryable=True
            ) from e

    async def stream(self, request: ChatRequest) -> AsyncIterator[StreamDelta]:
        """The Messages API event stream, as OpenAI-style deltas."""
        prompt_tokens = 0
        tool_index: dict[int, int] = {}
        async with open_stream(
            self._client,
            self.name,
            self._url,
            body=to_anthropic(request, stream=True),
            headers=self._headers,
            timeout=self._timeout,
        ) as response:
            async for event, data in sse_events(response, self.name, self._stall_s):
                payload = decode_event(self.name, data)
                kind = event or payload.get("type")
                try:
                    if kind == "message_start":
                        usage = payload["message"].get("usage") or {}
                        prompt_tokens = int(usage.get("input_tokens", 0))
                    elif kind == "content_block_start":
                        block = payload["content_block"]
                        if block.get("type") == "tool_use":
                            index = tool_index.setdefault(payload["index"], len(tool_index))
                            yield StreamDelta(
                                tool_calls=(
                                    {
                                        "index": index,
                                        "id": block["id"],
                                        "type": "function",
                                        "function": {"name": block["name"], "arguments": ""},
                                    },
                                )
                            )
                    elif kind == "content_block_delta":
                        delta = payload["delta"]
                        if delta.get("type") == "text_delta":
                            yield StreamDelta(content=str(delta.get("text", "")))
                        elif delta.get("type") == "input_json_delta":
                            yield StreamDelta(
                                tool_calls=(
                                    {
                                        "index": tool_index[payload["index"]],
                                        "function": {
                                            "arguments": str(delta.get("partial_json", ""))
                                        },
                                    },
                                )
                            )
                    elif kind == "message_delta":
                        reason = (payload.get("delta") or {}).get("stop_reason")
                        usage = payload.get("usage") or {}
                        yield StreamDelta(
                            finish_reason=_STOP_REASONS.get(str(reason), "stop"),
                            usage=Usage(prompt_tokens, int(usage.get("output_tokens", 0))),
                        )
                    elif kind == "message_stop":
                        return
                    elif kind == "error":
                        raise UpstreamError(
                            REASON_SERVER_ERROR, f"{self.name}: error event", retryable=True
                        )
                except (KeyError, TypeError, ValueError, AttributeError) as e:
                    raise UpstreamError(
                        REASON_MALFORMED, f"{self.name}: bad stream event", retryable=True
                    ) from e
            raise ended_early(self.name)
