"""OpenTelemetry spans for the gateway: a request span and one span per upstream attempt.

The gateway always emits spans through the OpenTelemetry *API*, which does nothing (at the
cost of a few microseconds) until an SDK is configured. ``configure_tracing`` sets one up
from the standard ``OTEL_EXPORTER_OTLP_*`` environment when the ``otel`` extra is
installed. Spans carry ids, names, counts and statuses — never prompt or completion text.
"""

from __future__ import annotations

import os

from opentelemetry import trace

from aiattest.errors import ConfigError

TRACER_NAME = "aiattest.gateway"
ENDPOINT_ENV = "OTEL_EXPORTER_OTLP_ENDPOINT"


def tracer() -> trace.Tracer:
    """The gateway's tracer (looked up per use, so a provider set later is honoured)."""
    return trace.get_tracer(TRACER_NAME)


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
