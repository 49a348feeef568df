"""A chat completion end to end: guard the input, limit, route, guard the output, audit.

The audit event is handed to the sink (and so made durable) before the response, or the
stream's last event, goes out.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from aiattest.errors import Error
from aiattest.gateway.api_errors import ApiError, error_body
from aiattest.gateway.audit import FindingSummary, content_sha256
from aiattest.gateway.exchange import APPROVAL_HEADER, Exchange, provider_attempts
from aiattest.gateway.guarding import (
    BLOCKED_REPLY,
    StreamGuard,
    approval_reasons,
    dumps,
    guard_messages,
    input_findings,
    merge_tool_deltas,
    sendable,
    summarise,
    tool_calls_of,
    tool_findings,
)
from aiattest.gateway.interface import (
    ChatRequest,
    ChatResponse,
    JsonObject,
    StreamDelta,
    UpstreamError,
    Usage,
    content_text,
    estimate_tokens,
)
from aiattest.gateway.limits import Reservation
from aiattest.gateway.retention import retain_for, retention_on
from aiattest.gateway.router import StreamHandle
from aiattest.gateway.schemas import (
    ChatCompletionBody,
    chat_completion_json,
    chunk_json,
    parse_body,
    usage_json,
)
from aiattest.gateway.state import PROVIDER_HEADER
from aiattest.guard.interface import Action
from aiattest.guard.sdk import InputCheck
from aiattest.guard.tools import ToolCall


@dataclass
class Prepared:
    """A request that passed the input guard and the limits."""

    chat: ChatRequest
    """What goes upstream."""
    checked: InputCheck | None
    """The input check (None without a guard)."""
    reservation: Reservation | None
    """What the limits took."""
    include_usage: bool
    """Whether the client asked for a final usage chunk."""


async def handle_chat(ex: Exchange, request: Request, raw: bytes) -> Response:
    """Parse, guard, limit and route one request; return the JSON or the SSE response."""
    state = ex.state
    try:
        retention_on(ex)
        body = parse_body(raw, ChatCompletionBody)
        ex.note(route=body.model, stream=body.stream)
        route = state.router.route(body.model, "chat")
        prepared = await _prepare(ex, request, body)
        if body.stream:
            handle = await state.router.stream(route, prepared.chat)
            return StreamingResponse(
                _stream(ex, prepared, handle),
                media_type="text/event-stream",
                headers={PROVIDER_HEADER: handle.provider, "cache-control": "no-cache"},
            )
        response, provider, attempts = await state.router.complete(route, prepared.chat)
        ex.note(provider=provider, attempts=provider_attempts(attempts))
        response = await _guard_output(ex, request, prepared, response)
        await retain_for(ex, prepared.chat.messages, response.content or "")
    except Error as e:
        await ex.failed(e)
        raise
    if state.limits is not None and prepared.reservation is not None:
        await state.limits.settle(prepared.reservation, response.usage.total_tokens)
    await ex.finish(
        fallbacks=len(attempts) - 1,
        prompt_tokens=response.usage.prompt_tokens,
        completion_tokens=response.usage.completion_tokens,
        upstream_ms=round(sum(a.latency_ms for a in attempts), 3),
        response_sha256=content_sha256([response.content, list(response.tool_calls)]),
        degraded=ex.is_degraded(provider),
    )
    payload = chat_completion_json(
        response, request_id=ex.event.request_id, alias=body.model, created=int(time.time())
    )
    return JSONResponse(payload, headers={PROVIDER_HEADER: provider})


async def _prepare(ex: Exchange, request: Request, body: ChatCompletionBody) -> Prepared:
    state, caller = ex.state, ex.caller
    messages = body.message_dicts()
    ex.note(request_sha256=content_sha256(messages))
    checked = None
    if state.guard is not None:
        checked = state.guard.check_input(
            guard_messages(messages), route=body.model, tenant=caller.tenant, model=body.model
        )
        found = input_findings(checked)
        ex.guard_said(checked.decision, found)
        if checked.decision is Action.BLOCK:
            raise ApiError(
                400,
                "the request was blocked by the content policy",
                code="content_policy_violation",
            )
        if checked.decision is Action.NEEDS_APPROVAL:
            await ex.require_approval(request.headers.get(APPROVAL_HEADER), approval_reasons(found))
        messages = sendable(messages, checked)
    params = body.upstream_params()
    if state.guard is not None and params.get("tools"):
        params = _allowed_tools(ex, params)
    chat = ChatRequest(model=body.model, messages=messages, params=params, alias=body.model)
    reservation = None
    if state.limits is not None:
        prompt = sum(estimate_tokens(content_text(m.get("content"))) for m in messages)
        completion = body.max_tokens or body.max_completion_tokens or 0
        reservation = await state.limits.admit(caller, prompt + completion)
    include_usage = bool((body.stream_options or {}).get("include_usage"))
    return Prepared(chat, checked, reservation, include_usage)


def _allowed_tools(ex: Exchange, params: dict[str, Any]) -> dict[str, Any]:
    """Drop offered tools the tool policy does not grant to this route and role."""
    guard = ex.state.guard
    assert guard is not None
    kept, dropped = [], 0
    for tool in params["tools"]:
        name = str((tool.get("function") or {}).get("name", ""))
        verdict = guard.check_tool_calls(
            [ToolCall(name, {})], role=ex.caller.role.value, route=ex.event.route
        )
        if any(v.type == "TOOL_NOT_ALLOWED" for v in verdict.violations):
            dropped += 1
        else:
            kept.append(tool)
    if not dropped:
        return params
    ex.guard_said(
        Action.REDACT, [FindingSummary("tool_policy", "TOOL_NOT_ALLOWED", dropped, 1.0, "tools")]
    )
    params = {**params, "tools": kept}
    names = {(t.get("function") or {}).get("name") for t in kept}
    choice = params.get("tool_choice")
    if not kept:
        params.pop("tools")
        params.pop("tool_choice", None)
        params.pop("parallel_tool_calls", None)
    elif isinstance(choice, dict) and (choice.get("function") or {}).get("name") not in names:
        params.pop("tool_choice")
    return params


async def _guard_output(
    ex: Exchange, request: Request, prepared: Prepared, response: ChatResponse
) -> ChatResponse:
    guard, checked = ex.state.guard, prepared.checked
    if guard is None or checked is None:
        return response
    content, finish, calls = response.content, response.finish_reason, response.tool_calls
    if content:
        out = guard.check_output(content, checked)
        ex.guard_said(out.decision, summarise(out.verdict.findings, "output"))
        content = out.text
        if out.decision is Action.BLOCK:
            content, finish, calls = BLOCKED_REPLY, "content_filter", ()
    if calls:
        verdict = guard.check_tool_calls(
            tool_calls_of(calls), role=ex.caller.role.value, route=prepared.chat.alias
        )
        found = tool_findings(verdict)
        ex.guard_said(verdict.decision, found)
        if verdict.decision is Action.BLOCK:
            content, finish, calls = BLOCKED_REPLY, "content_filter", ()
        elif verdict.decision is Action.NEEDS_APPROVAL:
            await ex.require_approval(request.headers.get(APPROVAL_HEADER), approval_reasons(found))
    return ChatResponse(content, calls, finish, response.usage, response.model)


def _sse(data: JsonObject | str) -> str:
    return f"data: {data if isinstance(data, str) else dumps(data)}\n\n"


_BACKGROUND: set[asyncio.Task[None]] = set()


async def _stream(ex: Exchange, prepared: Prepared, handle: StreamHandle) -> AsyncIterator[str]:
    """Relay the upstream's deltas through the output guard; audit before the last event."""
    relay = _Relay(ex, prepared, handle)
    try:
        async for event in relay.relay():
            yield event
        tail = relay.conclude()
        await relay.audit()
        for event in relay.ending(tail):
            yield event
    finally:
        if not relay.audit_started:
            # The client went away mid-stream (the server cancels us): the request still
            # gets its audit event, written by a task outside the cancelled scope.
            relay.failure = relay.failure or (499, "client_disconnected", "client went away")
            task = asyncio.get_running_loop().create_task(relay.audit())
            _BACKGROUND.add(task)
            task.add_done_callback(_BACKGROUND.discard)


_BLOCKED = (400, "output_blocked", "the answer was stopped by the content policy")


class _Relay:
    """State of one streamed answer: what was seen, released, held and why it ended."""

    def __init__(self, ex: Exchange, prepared: Prepared, handle: StreamHandle) -> None:
        self.ex, self.prepared, self.handle = ex, prepared, handle
        state = ex.state
        self.guard = state.guard if prepared.checked is not None else None
        self.scanner = (
            StreamGuard(
                self.guard, prepared.checked, state.settings.gateway.stream_lookbehind_chars
            )
            if self.guard is not None and prepared.checked is not None
            else None
        )
        self.request_id = ex.event.request_id
        self.created = int(time.time())
        self.first = True
        self.usage: Usage | None = None
        self.finish = "stop"
        self.text: list[str] = []
        self.sent: list[str] = []
        self.fragments: list[JsonObject] = []
        self.calls: list[JsonObject] = []
        self.failure: tuple[int, str, str] | None = None
        self.audit_started = False

    def chunk(
        self,
        content: str | None = None,
        tool_calls: tuple[JsonObject, ...] = (),
        finish_reason: str | None = None,
    ) -> str:
        """One SSE chunk event."""
        delta = StreamDelta(content=content, tool_calls=tool_calls, finish_reason=finish_reason)
        out = _sse(
            chunk_json(
                delta,
                request_id=self.request_id,
                alias=self.prepared.chat.alias,
                created=self.created,
                first=self.first,
            )
        )
        self.first = False
        if content:
            self.sent.append(content)
        return out

    async def relay(self) -> AsyncIterator[str]:
        """Events for the deltas as they come (text only once it passed the scan)."""
        try:
            async for delta in self.handle.deltas:
                self.usage = delta.usage or self.usage
                self.finish = delta.finish_reason or self.finish
                if delta.tool_calls:
                    self.fragments.extend(delta.tool_calls)
                    if self.scanner is None:
                        yield self.chunk(tool_calls=delta.tool_calls)
                if delta.content:
                    self.text.append(delta.content)
                    released, blocked = (
                        self.scanner.feed(delta.content) if self.scanner else (delta.content, False)
                    )
                    if blocked:
                        self.failure = _BLOCKED
                        return
                    if released:
                        yield self.chunk(content=released)
        except UpstreamError:
            # Bytes are already with the client: no fallback now, end with a clear error event.
            self.failure = (
                502,
                "upstream_stream_failed",
                "the upstream stream failed midway; the reply is incomplete",
            )

    def conclude(self) -> list[str]:
        """Final scan of the text and the tool policy on the whole calls; the held events."""
        tail: list[str] = []
        if self.failure is None and self.scanner is not None:
            rest, blocked = self.scanner.finish()
            if blocked:
                self.failure = _BLOCKED
            elif rest:
                tail.append(self.chunk(content=rest))
        if self.scanner is not None:
            blocked_now = self.failure is _BLOCKED
            self.ex.guard_said(
                Action.BLOCK if blocked_now else Action.ALLOW, self.scanner.findings()
            )
        self.calls = merge_tool_deltas(self.fragments)
        if self.failure is None and self.calls and self.guard is not None:
            verdict = self.guard.check_tool_calls(
                tool_calls_of(self.calls),
                role=self.ex.caller.role.value,
                route=self.prepared.chat.alias,
            )
            self.ex.guard_said(verdict.decision, tool_findings(verdict))
            if verdict.decision is Action.BLOCK:
                self.failure = (
                    400,
                    "tool_call_blocked",
                    "a tool call was refused by the tool policy",
                )
            elif verdict.decision is Action.NEEDS_APPROVAL:
                # A held stream cannot be resumed: the client resends it as a plain request.
                self.failure = (
                    428,
                    "approval_required",
                    "a tool call needs a person's approval;"
                    " resend the request without streaming to get an approval id",
                )
            else:
                tail.append(self.chunk(tool_calls=tuple(self.calls)))
        return tail

    async def audit(self) -> None:
        """Settle the limits and make the audit event durable."""
        self.audit_started = True
        chat, state, attempts = self.prepared.chat, self.ex.state, self.handle.attempts
        usage = self.usage
        if usage is None:
            prompt = sum(estimate_tokens(content_text(m.get("content"))) for m in chat.messages)
            usage = Usage(prompt, estimate_tokens("".join(self.text)))
        self.usage = usage
        if state.limits is not None and self.prepared.reservation is not None:
            await state.limits.settle(self.prepared.reservation, usage.total_tokens)
        if self.failure is None:
            await retain_for(self.ex, chat.messages, "".join(self.sent))
        await self.ex.finish(
            status=self.failure[0] if self.failure else 200,
            error_code=self.failure[1] if self.failure else None,
            provider=self.handle.provider,
            attempts=provider_attempts(attempts),
            fallbacks=sum(1 for a in attempts if a.reason is not None),
            prompt_tokens=usage.prompt_tokens,
            completion_tokens=usage.completion_tokens,
            upstream_ms=round(sum(a.latency_ms for a in attempts), 3),
            response_sha256=content_sha256(["".join(self.text), self.calls]),
            degraded=self.ex.is_degraded(self.handle.provider),
        )

    def ending(self, tail: list[str]) -> list[str]:
        """The last events: an error event, or the held text, the finish and usage, [DONE]."""
        if self.failure is not None:
            return [_sse(error_body(self.failure[0], self.failure[2], self.failure[1]))]
        events = [*tail, self.chunk(finish_reason=self.finish)]
        if self.prepared.include_usage and self.usage is not None:
            events.append(
                _sse(
                    {
                        "id": f"chatcmpl-{self.request_id}",
                        "object": "chat.completion.chunk",
                        "created": self.created,
                        "model": self.prepared.chat.alias,
                        "choices": [],
                        "usage": usage_json(self.usage),
                    }
                )
            )
        events.append(_sse("[DONE]"))
        return events
