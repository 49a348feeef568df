"""Prometheus metrics of one gateway worker, derived from its audit events.

Every request's audit event passes through ``GatewayMetrics.observe``, so the metrics and
the ledger count the same things. Circuit states are read at scrape time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from aiattest.gateway.audit import AuditEvent
from aiattest.gateway.resilience import CircuitState

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
_CIRCUIT_VALUE = {CircuitState.CLOSED: 0, CircuitState.HALF_OPEN: 1, CircuitState.OPEN: 2}


class _Circuits(Collector):
    def __init__(self, states: Callable[[], Mapping[str, CircuitState]]) -> None:
        self._states = states

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "aiattest_gateway_circuit_state",
            "Circuit breaker per provider: 0 closed, 1 half-open, 2 open.",
            labels=["provider"],
        )
        for provider, state in sorted(self._states().items()):
            family.add_metric([provider], _CIRCUIT_VALUE[state])
        yield family


class GatewayMetrics:
    """The worker's registry and the metrics in it."""

    def __init__(self, circuit_states: Callable[[], Mapping[str, CircuitState]]) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "aiattest_gateway_requests",
            "Requests by endpoint, route and HTTP status.",
            ["endpoint", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "aiattest_gateway_request_seconds",
            "Time in the gateway per request.",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.upstream = Histogram(
            "aiattest_gateway_upstream_seconds",
            "Time per upstream attempt.",
            ["provider", "outcome"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.fallbacks = Counter(
            "aiattest_gateway_fallbacks",
            "Failed provider attempts, by reason.",
            ["provider", "reason"],
            registry=r,
        )
        self.decisions = Counter(
            "aiattest_gateway_guard_decisions",
            "Guard decisions per request.",
            ["decision"],
            registry=r,
        )
        self.findings = Counter(
            "aiattest_gateway_guard_findings",
            "Guard findings by scanner, type and stage.",
            ["scanner", "type", "stage"],
            registry=r,
        )
        self.rate_limited = Counter(
            "aiattest_gateway_rate_limited",
            "Requests refused by a rate limit.",
            ["tenant"],
            registry=r,
        )
        self.tokens = Counter(
            "aiattest_gateway_tokens",
            "Tokens used, per tenant (capacity planning).",
            ["tenant", "direction"],
            registry=r,
        )
        self.degraded = Counter(
            "aiattest_gateway_degraded",
            "Requests answered by the rule-based last resort.",
            ["route"],
            registry=r,
        )
        r.register(_Circuits(circuit_states))

    def observe(self, event: AuditEvent) -> None:
        """Count one request."""
        route = event.route or ""
        self.requests.labels(event.endpoint, route, str(event.status)).inc()
        self.latency.labels(event.endpoint).observe(event.latency_ms / 1000)
        for attempt in event.attempts:
            outcome = attempt.reason or "ok"
            self.upstream.labels(attempt.provider, outcome).observe(attempt.latency_ms / 1000)
            if attempt.reason is not None:
                self.fallbacks.labels(attempt.provider, attempt.reason).inc()
        self.decisions.labels(event.decision).inc()
        for finding in event.findings:
            self.findings.labels(finding.scanner, finding.type, finding.stage).inc(finding.count)
        tenant = event.tenant or ""
        if event.status == 429:
            self.rate_limited.labels(tenant).inc()
        self.tokens.labels(tenant, "prompt").inc(event.prompt_tokens)
        self.tokens.labels(tenant, "completion").inc(event.completion_tokens)
        if event.degraded:
            self.degraded.labels(route).inc()

    def render(self) -> bytes:
        """The Prometheus text exposition."""
        return generate_latest(self.registry)
