"""OpenTelemetry spans for the gateway: a request span and one span per upstream attempt.

The gateway always emits spans through the OpenTelemetry *API*, which does nothing (at the
cost of a few microseconds) until an SDK is configured. ``configure_tracing`` sets one up
from the standard ``OTEL_EXPORTER_OTLP_*`` environment when the ``otel`` extra is
installed. Spans carry ids, names, counts and statuses — never prompt or completion text.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.trace import StatusCode
from starlette.responses import Response

from aiattest.errors import ConfigError, Error

if TYPE_CHECKING:
    from aiattest.gateway.exchange import Exchange

TRACER_NAME = "aiattest.gateway"
ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT"


def tracer() -> trace.Tracer:
    """The gateway's tracer (looked up per use, so a provider set later is honoured)."""
    return trace.get_tracer(TRACER_NAME)


async def traced_chat(ex: Exchange, handle: Callable[[], Awaitable[Response]]) -> Response:
    """Run a chat request's handler inside a ``gateway.chat`` span.

    The span covers the request up to the response (for a stream, up to its first event)
    and is labelled from the request's audit event: ids, route, provider, decision.
    """
    with tracer().start_as_current_span("gateway.chat") as span:
        span.set_attribute("aiattest.request_id", ex.event.request_id)
        try:
            response = await handle()
        except Error as e:
            span.set_status(StatusCode.ERROR, type(e).__name__)
            raise
        finally:
            event = ex.event
            span.set_attribute("aiattest.route", event.route or "")
            span.set_attribute("aiattest.provider", event.provider or "")
            span.set_attribute("aiattest.decision", event.decision)
            span.set_attribute("aiattest.stream", bool(event.stream))
        span.set_attribute("http.response.status_code", response.status_code)
        return response


def configure_tracing() -> bool:
    """Export spans over OTLP/HTTP when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set.

    Returns whether tracing was configured. Raises ConfigError with an install hint when
    the endpoint is set but the ``otel`` extra is missing.
    """
    if not os.environ.get(ENDPOINT_ENV):
        return False
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
            OTLPSpanExporter,
        )
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as e:
        raise ConfigError(
            f"{ENDPOINT_ENV} is set but the OpenTelemetry SDK is not installed",
            hint="pip install 'aiattest[otel]'",
        ) from e
    provider = TracerProvider(resource=Resource.create({"service.name": "aiattest-gateway"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    return True
