"""OpenTelemetry spans: one per request and one per upstream attempt, with no content."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from aiattest.errors import ConfigError
from aiattest.gateway.tracing import ENDPOINT_ENV, configure_tracing
from tests.integration.gateway.conftest import closed_port_url
from tests.integration.gateway.test_faults import chain, http

_EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module")
def exporter() -> InMemorySpanExporter:
    # The global tracer provider can be set once per process; this module owns it.
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        trace.set_tracer_provider(provider)
    return _EXPORTER


def test_request_and_attempt_spans_without_content(
    exporter: InMemorySpanExporter,
    upstreams: Callable[..., Any],
    serve: Callable[..., Any],
) -> None:
    exporter.clear()
    backup = upstreams(reply="backup answer")
    server, _ = serve(
        chain(http("dead", closed_port_url(), max_retries=0), http("backup", backup.url)),
        scan=False,
    )
    marker = "tangerine-quokka-7"
    body = {"model": "m", "messages": [{"role": "user", "content": marker}]}
    reply = httpx.post(server.url + "/v1/chat/completions", json=body, headers=server.auth)
    assert reply.status_code == 200
    spans = exporter.get_finished_spans()
    chats = [s for s in spans if s.name == "gateway.chat"]
    attempts = [s for s in spans if s.name == "gateway.upstream"]
    assert len(chats) == 1
    chat = chats[0]
    assert chat.attributes is not None
    assert chat.attributes["aiattest.route"] == "m"
    assert chat.attributes["aiattest.provider"] == "backup"
    assert chat.attributes["aiattest.request_id"] == reply.headers["x-request-id"]
    assert chat.attributes["http.response.status_code"] == 200
    assert [a.attributes["aiattest.provider"] for a in attempts if a.attributes] == [
        "dead",
        "backup",
    ]
    assert attempts[0].status.status_code is StatusCode.ERROR
    assert attempts[1].status.status_code is not StatusCode.ERROR
    # Each attempt is a child of the request span.
    assert all(a.parent is not None and a.parent.span_id == chat.context.span_id for a in attempts)
    everything = repr([dict(s.attributes or {}) for s in spans])
    assert marker not in everything


def test_configure_tracing_needs_the_endpoint_and_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    assert configure_tracing() is False
    monkeypatch.setenv(ENDPOINT_ENV, "http://127.0.0.1:4318")
    # The OTLP exporter is in the `otel` extra, not in the dev set: the error says so.
    with pytest.raises(ConfigError, match="OpenTelemetry SDK is not installed") as info:
        configure_tracing()
    assert info.value.hint == "pip install 'aiattest[otel]'"
