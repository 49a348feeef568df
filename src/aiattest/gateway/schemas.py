"""OpenAI request schemas (what we accept) and response builders (what we send back).

Only allowlisted request fields are forwarded upstream; anything else a client sends is
dropped (data minimisation). End-user ids are replaced by their hash.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiattest.gateway.api_errors import ApiError
from aiattest.gateway.interface import ChatResponse, JsonObject, StreamDelta, Usage

M = TypeVar("M", bound=BaseModel)

# Fields forwarded to the upstream as they are.
FORWARDED_CHAT_FIELDS = (
    "temperature",
    "top_p",
    "max_tokens",
    "max_completion_tokens",
    "stop",
    "tools",
    "tool_choice",
    "parallel_tool_calls",
    "seed",
    "response_format",
    "presence_penalty",
    "frequency_penalty",
)


class ChatMessage(BaseModel):
    """One message of a chat request."""

    model_config = ConfigDict(extra="ignore")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    """Who speaks."""
    content: str | list[dict[str, Any]] | None = None
    """Text, or a list of content parts."""
    name: str | None = None
    """Optional participant name."""
    tool_calls: list[dict[str, Any]] | None = None
    """Tool calls an assistant message made."""
    tool_call_id: str | None = None
    """For ``tool`` messages: the call this answers."""


class ChatCompletionBody(BaseModel):
    """``POST /v1/chat/completions``."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1)
    """The route alias."""
    messages: list[ChatMessage] = Field(min_length=1)
    """The conversation."""
    stream: bool = False
    """Server-sent events instead of one JSON reply."""
    stream_options: dict[str, Any] | None = None
    """``include_usage`` adds a final usage chunk."""
    n: int = Field(default=1, ge=1, le=1)
    """Only one choice is supported."""
    user: str | None = None
    """End-user id; hashed before it goes anywhere."""
    temperature: float | None = Field(default=None, ge=0, le=2)
    top_p: float | None = Field(default=None, ge=0, le=1)
    max_tokens: int | None = Field(default=None, ge=1)
    max_completion_tokens: int | None = Field(default=None, ge=1)
    stop: str | list[str] | None = None
    tools: list[dict[str, Any]] | None = None
    tool_choice: str | dict[str, Any] | None = None
    parallel_tool_calls: bool | None = None
    seed: int | None = None
    response_format: dict[str, Any] | None = None
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)

    def upstream_params(self) -> dict[str, Any]:
        """The allowlisted parameters that are set, plus the hashed end-user id."""
        params = {name: getattr(self, name) for name in FORWARDED_CHAT_FIELDS}
        params = {k: v for k, v in params.items() if v is not None}
        if self.user:
            params["user"] = hash_user(self.user)
        return params

    def message_dicts(self) -> tuple[JsonObject, ...]:
        """The messages as plain dicts without unset fields."""
        return tuple(m.model_dump(exclude_none=True) for m in self.messages)


class EmbeddingBody(BaseModel):
    """``POST /v1/embeddings``."""

    model_config = ConfigDict(extra="ignore")

    model: str = Field(min_length=1)
    """The route alias."""
    input: str | list[str] = Field(min_length=1)
    """Text or texts (token arrays are not supported)."""
    encoding_format: Literal["float", "base64"] = "float"
    """How vectors are encoded in the reply."""
    dimensions: int | None = Field(default=None, ge=1)
    """Requested vector size, forwarded."""
    user: str | None = None
    """End-user id (hashed; not forwarded)."""

    def inputs(self) -> tuple[str, ...]:
        """The texts as a tuple."""
        return (self.input,) if isinstance(self.input, str) else tuple(self.input)


def parse_body(raw: bytes, model: type[M]) -> M:
    """Decode and validate a JSON body; ApiError(400) with the offending field otherwise."""
    try:
        data = json.loads(raw)
    except ValueError as e:
        raise ApiError(400, "request body is not valid JSON", code="invalid_json") from e
    if not isinstance(data, dict):
        raise ApiError(400, "request body must be a JSON object", code="invalid_request")
    try:
        return model.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        param = ".".join(str(p) for p in first["loc"])
        raise ApiError(
            400, f"invalid request: {param}: {first['msg']}", code="invalid_request", param=param
        ) from e


def hash_user(user: str) -> str:
    """A stable pseudonym for an end-user id."""
    return hashlib.sha256(b"aiattest-user:" + user.encode()).hexdigest()[:32]


def usage_json(usage: Usage) -> dict[str, int]:
    """OpenAI's usage object."""
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }


def chat_completion_json(
    response: ChatResponse, *, request_id: str, alias: str, created: int
) -> JsonObject:
    """A ``chat.completion`` object."""
    message: JsonObject = {"role": "assistant", "content": response.content}
    if response.tool_calls:
        message["tool_calls"] = list(response.tool_calls)
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion",
        "created": created,
        "model": alias,
        "choices": [
            {
                "index": 0,
                "message": message,
                "finish_reason": response.finish_reason,
                "logprobs": None,
            }
        ],
        "usage": usage_json(response.usage),
    }


def chunk_json(
    delta: StreamDelta, *, request_id: str, alias: str, created: int, first: bool
) -> JsonObject:
    """A ``chat.completion.chunk`` object for one delta."""
    body: JsonObject = {}
    if first:
        body["role"] = "assistant"
    if delta.content is not None:
        body["content"] = delta.content
    if delta.tool_calls:
        body["tool_calls"] = list(delta.tool_calls)
    return {
        "id": f"chatcmpl-{request_id}",
        "object": "chat.completion.chunk",
        "created": created,
        "model": alias,
        "choices": [{"index": 0, "delta": body, "finish_reason": delta.finish_reason}],
    }


def embedding_json(
    vectors: tuple[tuple[float, ...], ...], *, alias: str, prompt_tokens: int, encoding: str
) -> JsonObject:
    """A ``list`` of ``embedding`` objects."""
    data = []
    for index, vector in enumerate(vectors):
        value: Any = list(vector)
        if encoding == "base64":
            value = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
        data.append({"object": "embedding", "index": index, "embedding": value})
    return {
        "object": "list",
        "data": data,
        "model": alias,
        "usage": {"prompt_tokens": prompt_tokens, "total_tokens": prompt_tokens},
    }
