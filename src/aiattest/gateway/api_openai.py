"""The OpenAI-compatible surface: ``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from aiattest.errors import Error
from aiattest.gateway.api_errors import ApiError, error_body, status_for
from aiattest.gateway.audit import AuditEvent, ProviderAttempt, content_sha256
from aiattest.gateway.auth import MODEL_USERS
from aiattest.gateway.interface import (
    ChatRequest,
    EmbeddingRequest,
    UpstreamError,
    Usage,
    content_text,
    estimate_tokens,
)
from aiattest.gateway.keys import Caller
from aiattest.gateway.limits import Reservation
from aiattest.gateway.router import AllProvidersFailed, Attempt, RequestRejected
from aiattest.gateway.schemas import (
    ChatCompletionBody,
    EmbeddingBody,
    chat_completion_json,
    chunk_json,
    embedding_json,
    parse_body,
    usage_json,
)
from aiattest.gateway.state import PROVIDER_HEADER, GatewayState, StateDep

router = APIRouter()
LAST_RESORT_KIND = "rules"


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refusing (413) anything over ``limit`` bytes, chunked or not."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise ApiError(413, f"request body exceeds {limit} bytes", code="request_too_large")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ApiError(413, f"request body exceeds {limit} bytes", code="request_too_large")
        chunks.append(chunk)
    return b"".join(chunks)


def _attempts(attempts: list[Attempt] | tuple[Attempt, ...]) -> tuple[ProviderAttempt, ...]:
    return tuple(ProviderAttempt(a.provider, a.reason, a.status, a.latency_ms) for a in attempts)


def _base_event(request: Request, endpoint: str, alias: str | None) -> AuditEvent:
    caller = getattr(request.state, "caller", None)
    return AuditEvent(
        request_id=request.state.request_id,
        endpoint=endpoint,
        status=200,
        tenant=getattr(caller, "tenant", None),
        key_id=getattr(caller, "key_id", None),
        route=alias,
    )


async def _record_failure(
    state: GatewayState, event: AuditEvent, error: Error, started: float
) -> None:
    status, code = status_for(error)
    attempts = getattr(error, "attempts", ())
    await state.record(
        replace(
            event,
            status=status,
            error_code=code,
            attempts=_attempts(attempts),
            fallbacks=len(attempts),
            latency_ms=(state.clock() - started) * 1000,
        )
    )


def _is_degraded(state: GatewayState, provider: str) -> bool:
    return getattr(state.router.providers.get(provider), "kind", "") == LAST_RESORT_KIND


async def _admit(state: GatewayState, caller: Caller, chat: ChatRequest) -> Reservation | None:
    """Take the request and its estimated tokens from the caller's buckets (or raise 429)."""
    if state.limits is None:
        return None
    prompt = sum(estimate_tokens(content_text(m.get("content"))) for m in chat.messages)
    completion = chat.params.get("max_tokens") or chat.params.get("max_completion_tokens") or 0
    return await state.limits.admit(caller, prompt + int(completion))


@router.get("/v1/models")
async def list_models(
    state: StateDep, _caller: Annotated[Caller, Depends(MODEL_USERS)]
) -> JSONResponse:
    """Every route alias, as OpenAI model objects."""
    data = [
        {"id": alias, "object": "model", "created": 0, "owned_by": "aiattest"}
        for alias in sorted(state.router.routes)
    ]
    return JSONResponse({"object": "list", "data": data})


@router.post("/v1/chat/completions")
async def chat_completions(
    request: Request, state: StateDep, caller: Annotated[Caller, Depends(MODEL_USERS)]
) -> Response:
    """A chat completion through the route's provider chain, plain or streamed."""
    started = state.clock()
    event = _base_event(request, "chat.completions", None)
    try:
        raw = await read_body(request, state.settings.gateway.max_body_bytes)
        body = parse_body(raw, ChatCompletionBody)
        event = replace(event, route=body.model, stream=body.stream)
        route = state.router.route(body.model, "chat")
        chat = ChatRequest(
            model=body.model,
            messages=body.message_dicts(),
            params=body.upstream_params(),
            alias=body.model,
        )
        event = replace(event, request_sha256=content_sha256(chat.messages))
        reservation = await _admit(state, caller, chat)
        if body.stream:
            handle = await state.router.stream(route, chat)
            include_usage = bool((body.stream_options or {}).get("include_usage"))
            return StreamingResponse(
                _sse(
                    state,
                    reservation=reservation,
                    request=request,
                    event=event,
                    chat=chat,
                    provider=handle.provider,
                    handle=handle,
                    include_usage=include_usage,
                    started=started,
                ),
                media_type="text/event-stream",
                headers={PROVIDER_HEADER: handle.provider, "cache-control": "no-cache"},
            )
        response, provider, attempts = await state.router.complete(route, chat)
    except (Error, UpstreamError) as e:
        await _record_failure(state, event, e, started)
        raise
    if state.limits is not None and reservation is not None:
        await state.limits.settle(reservation, response.usage.total_tokens)
    created = int(time.time())
    payload = chat_completion_json(
        response, request_id=request.state.request_id, alias=body.model, created=created
    )
    upstream_ms = sum(a.latency_ms for a in attempts)
    await state.record(
        replace(
            event,
            provider=provider,
            attempts=_attempts(attempts),
            fallbacks=len(attempts) - 1,
            prompt_tokens=response.usage.prompt_tokens,
            completion_tokens=response.usage.completion_tokens,
            latency_ms=(state.clock() - started) * 1000,
            upstream_ms=upstream_ms,
            response_sha256=content_sha256([response.content, list(response.tool_calls)]),
            degraded=_is_degraded(state, provider),
        )
    )
    return JSONResponse(payload, headers={PROVIDER_HEADER: provider})


async def _sse(
    state: GatewayState,
    *,
    reservation: Reservation | None,
    request: Request,
    event: AuditEvent,
    chat: ChatRequest,
    provider: str,
    handle: object,
    include_usage: bool,
    started: float,
) -> AsyncIterator[str]:
    from aiattest.gateway.router import StreamHandle

    assert isinstance(handle, StreamHandle)
    request_id: str = request.state.request_id
    created = int(time.time())
    first = True
    usage: Usage | None = None
    text: list[str] = []
    calls: list[object] = []
    status, error_code = 200, None
    try:
        async for delta in handle.deltas:
            if delta.usage is not None:
                usage = delta.usage
            if delta.content is None and not delta.tool_calls and delta.finish_reason is None:
                continue
            if delta.content:
                text.append(delta.content)
            calls.extend(delta.tool_calls)
            chunk = chunk_json(
                delta, request_id=request_id, alias=chat.alias, created=created, first=first
            )
            first = False
            yield f"data: {json.dumps(chunk, separators=(',', ':'))}\n\n"
    except UpstreamError:
        # Bytes are already with the client: no fallback now, end with a clear error event.
        status, error_code = 502, "upstream_stream_failed"
    if usage is None:
        prompt = sum(estimate_tokens(content_text(m.get("content"))) for m in chat.messages)
        usage = Usage(prompt, estimate_tokens("".join(text)))
    if state.limits is not None and reservation is not None:
        await state.limits.settle(reservation, usage.total_tokens)
    attempts = handle.attempts
    # The audit event is durable before the stream's last event goes out.
    await state.record(
        replace(
            event,
            status=status,
            error_code=error_code,
            provider=provider,
            attempts=_attempts(attempts),
            fallbacks=sum(1 for a in attempts if a.reason is not None),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            latency_ms=(state.clock() - started) * 1000,
            upstream_ms=sum(a.latency_ms for a in attempts),
            response_sha256=content_sha256(["".join(text), calls]),
            degraded=_is_degraded(state, provider),
        )
    )
    if status != 200:
        message = "the upstream stream failed midway; the reply is incomplete"
        yield f"data: {json.dumps(error_body(502, message, error_code))}\n\n"
        return
    if include_usage:
        final = {
            "id": f"chatcmpl-{request_id}",
            "object": "chat.completion.chunk",
            "created": created,
            "model": chat.alias,
            "choices": [],
            "usage": usage_json(usage),
        }
        yield f"data: {json.dumps(final, separators=(',', ':'))}\n\n"
    yield "data: [DONE]\n\n"


@router.post("/v1/embeddings")
async def embeddings(
    request: Request, state: StateDep, caller: Annotated[Caller, Depends(MODEL_USERS)]
) -> Response:
    """Embeddings through the route's provider chain."""
    started = state.clock()
    event = _base_event(request, "embeddings", None)
    try:
        raw = await read_body(request, state.settings.gateway.max_body_bytes)
        body = parse_body(raw, EmbeddingBody)
        event = replace(event, route=body.model)
        route = state.router.route(body.model, "embeddings")
        params = {"dimensions": body.dimensions} if body.dimensions else {}
        embed = EmbeddingRequest(model=body.model, inputs=body.inputs(), params=params)
        event = replace(event, request_sha256=content_sha256(embed.inputs))
        estimate = sum(estimate_tokens(text) for text in embed.inputs)
        reservation = None
        if state.limits is not None:
            reservation = await state.limits.admit(caller, estimate)
        response, provider, attempts = await state.router.embed(route, embed)
    except Error as e:
        await _record_failure(state, event, e, started)
        raise
    if state.limits is not None and reservation is not None:
        await state.limits.settle(reservation, response.prompt_tokens or estimate)
    await state.record(
        replace(
            event,
            provider=provider,
            attempts=_attempts(attempts),
            fallbacks=len(attempts) - 1,
            prompt_tokens=response.prompt_tokens,
            latency_ms=(state.clock() - started) * 1000,
            upstream_ms=sum(a.latency_ms for a in attempts),
        )
    )
    payload = embedding_json(
        response.vectors,
        alias=body.model,
        prompt_tokens=response.prompt_tokens,
        encoding=body.encoding_format,
    )
    return JSONResponse(payload, headers={PROVIDER_HEADER: provider})


__all__ = ["AllProvidersFailed", "RequestRejected", "read_body", "router"]
