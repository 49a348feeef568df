"""The OpenAI-compatible surface: ``/v1/chat/completions``, ``/v1/embeddings``, ``/v1/models``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse

from aiattest.errors import Error
from aiattest.gateway.api_errors import ApiError
from aiattest.gateway.audit import content_sha256
from aiattest.gateway.auth import MODEL_USERS
from aiattest.gateway.chat import handle_chat
from aiattest.gateway.exchange import Exchange, provider_attempts
from aiattest.gateway.interface import EmbeddingRequest, estimate_tokens
from aiattest.gateway.keys import Caller
from aiattest.gateway.schemas import EmbeddingBody, embedding_json, parse_body
from aiattest.gateway.state import PROVIDER_HEADER, StateDep
from aiattest.gateway.tracing import traced_chat

router = APIRouter()


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
    """A chat completion through the guard and the route's provider chain, plain or streamed."""
    ex = Exchange.begin(state, caller, request.state.request_id, "chat.completions")
    try:
        raw = await read_body(request, state.settings.gateway.max_body_bytes)
    except Error as e:
        await ex.failed(e)
        raise
    return await traced_chat(ex, lambda: handle_chat(ex, request, raw))


@router.post("/v1/embeddings")
async def embeddings(
    request: Request, state: StateDep, caller: Annotated[Caller, Depends(MODEL_USERS)]
) -> Response:
    """Embeddings through the route's provider chain (inputs are not scanned)."""
    ex = Exchange.begin(state, caller, request.state.request_id, "embeddings")
    try:
        raw = await read_body(request, state.settings.gateway.max_body_bytes)
        body = parse_body(raw, EmbeddingBody)
        ex.note(route=body.model)
        route = state.router.route(body.model, "embeddings")
        params = {"dimensions": body.dimensions} if body.dimensions else {}
        embed = EmbeddingRequest(model=body.model, inputs=body.inputs(), params=params)
        ex.note(request_sha256=content_sha256(embed.inputs))
        estimate = sum(estimate_tokens(text) for text in embed.inputs)
        reservation = None
        if state.limits is not None:
            reservation = await state.limits.admit(caller, estimate)
        response, provider, attempts = await state.router.embed(route, embed)
    except Error as e:
        await ex.failed(e)
        raise
    if state.limits is not None and reservation is not None:
        await state.limits.settle(reservation, response.prompt_tokens or estimate)
    await ex.finish(
        provider=provider,
        attempts=provider_attempts(attempts),
        fallbacks=len(attempts) - 1,
        prompt_tokens=response.prompt_tokens,
        upstream_ms=round(sum(a.latency_ms for a in attempts), 3),
    )
    payload = embedding_json(
        response.vectors,
        alias=body.model,
        prompt_tokens=response.prompt_tokens,
        encoding=body.encoding_format,
    )
    return JSONResponse(payload, headers={PROVIDER_HEADER: provider})
