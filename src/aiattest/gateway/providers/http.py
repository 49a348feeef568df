"""HTTP plumbing shared by the HTTP providers: status-to-error mapping and SSE reading.

Every httpx failure becomes an ``UpstreamError`` with a fixed reason; upstream bodies are
never copied into messages, so that nothing an upstream says (or echoes of our key) leaks.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx

from aiattest.gateway.interface import (
    REASON_CONNECT,
    REASON_MALFORMED,
    REASON_RATE_LIMITED,
    REASON_REJECTED,
    REASON_SERVER_ERROR,
    REASON_STREAM_STALLED,
    REASON_TIMEOUT,
    UpstreamError,
    UpstreamRejected,
)


def error_for_status(provider: str, status: int) -> UpstreamError:
    """The error for a non-2xx upstream status."""
    if status == 429:
        return UpstreamError(
            REASON_RATE_LIMITED, f"{provider}: rate limited", retryable=True, status=status
        )
    if status >= 500 or status == 408:
        return UpstreamError(
            REASON_SERVER_ERROR, f"{provider}: HTTP {status}", retryable=True, status=status
        )
    return UpstreamRejected(
        REASON_REJECTED, f"{provider}: HTTP {status}", retryable=False, status=status
    )


def error_for_transport(provider: str, exc: httpx.HTTPError) -> UpstreamError:
    """The error for a failed connection, a timeout or a broken transfer."""
    if isinstance(exc, httpx.TimeoutException):
        return UpstreamError(REASON_TIMEOUT, f"{provider}: timed out", retryable=True)
    return UpstreamError(REASON_CONNECT, f"{provider}: {exc.__class__.__name__}", retryable=True)


def timeout_for(read_s: float, connect_s: float) -> httpx.Timeout:
    """An httpx timeout with separate connect and read limits."""
    return httpx.Timeout(read_s, connect=connect_s)


async def post_json(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    *,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    timeout: httpx.Timeout,
) -> dict[str, Any]:
    """POST ``body`` and return the decoded JSON object, or raise ``UpstreamError``."""
    try:
        response = await client.post(url, json=body, headers=dict(headers), timeout=timeout)
    except httpx.HTTPError as e:
        raise error_for_transport(provider, e) from e
    if response.status_code >= 300:
        raise error_for_status(provider, response.status_code)
    try:
        data = response.json()
    except ValueError as e:
        raise UpstreamError(
            REASON_MALFORMED, f"{provider}: response is not JSON", retryable=True
        ) from e
    if not isinstance(data, dict):
        raise UpstreamError(
            REASON_MALFORMED, f"{provider}: response is not an object", retryable=True
        )
    return data


@asynccontextmanager
async def open_stream(
    client: httpx.AsyncClient,
    provider: str,
    url: str,
    *,
    body: Mapping[str, Any],
    headers: Mapping[str, str],
    timeout: httpx.Timeout,
) -> AsyncIterator[httpx.Response]:
    """Open a streamed POST; raises ``UpstreamError`` for transport errors and bad statuses."""
    request = client.build_request("POST", url, json=body, headers=dict(headers), timeout=timeout)
    try:
        response = await client.send(request, stream=True)
    except httpx.HTTPError as e:
        raise error_for_transport(provider, e) from e
    try:
        if response.status_code >= 300:
            raise error_for_status(provider, response.status_code)
        if not response.headers.get("content-type", "").startswith("text/event-stream"):
            raise UpstreamError(
                REASON_MALFORMED, f"{provider}: stream is not text/event-stream", retryable=True
            )
        yield response
    finally:
        await response.aclose()


async def sse_events(
    response: httpx.Response, provider: str, stall_s: float
) -> AsyncIterator[tuple[str | None, str]]:
    """Yield ``(event, data)`` pairs of a server-sent-event stream.

    A gap longer than ``stall_s`` between lines counts as a stalled stream.
    """
    lines = response.aiter_lines()
    event: str | None = None
    data: list[str] = []
    while True:
        try:
            line = await asyncio.wait_for(anext(lines), timeout=stall_s)
        except StopAsyncIteration:
            break
        except TimeoutError as e:
            raise UpstreamError(
                REASON_STREAM_STALLED, f"{provider}: stream stalled", retryable=True
            ) from e
        except httpx.HTTPError as e:
            raise error_for_transport(provider, e) from e
        if line == "":
            if data:
                yield event, "\n".join(data)
            event, data = None, []
        elif line.startswith("event:"):
            event = line[6:].strip()
        elif line.startswith("data:"):
            data.append(line[5:].removeprefix(" "))
    if data:
        yield event, "\n".join(data)


def ended_early(provider: str) -> UpstreamError:
    """The error for a stream that closed before its final event."""
    return UpstreamError(REASON_MALFORMED, f"{provider}: stream ended early", retryable=True)


def decode_event(provider: str, data: str) -> dict[str, Any]:
    """Decode one SSE data payload as a JSON object, or raise a malformed-response error."""
    try:
        value = json.loads(data)
    except ValueError as e:
        raise UpstreamError(
            REASON_MALFORMED, f"{provider}: stream event is not JSON", retryable=True
        ) from e
    if not isinstance(value, dict):
        raise UpstreamError(
            REASON_MALFORMED, f"{provider}: stream event is not an object", retryable=True
        )
    return value
