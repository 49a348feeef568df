"""The circuit breaker's state machine and the jittered backoff."""

from __future__ import annotations

import random

from aiattest.gateway.resilience import CircuitBreaker, CircuitState, backoff_delay
from tests.unit.gateway.conftest import Clock


def test_opens_after_n_consecutive_failures_only() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown_s=10, clock=clock)
    breaker.failure()
    breaker.failure()
    breaker.success()  # resets the count
    breaker.failure()
    breaker.failure()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.allow()
    breaker.failure()
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow()


def test_half_open_lets_one_probe_through_and_its_outcome_decides() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown_s=10, clock=clock)
    breaker.failure()
    clock.now = 9.9
    assert not breaker.allow()
    clock.now = 10.0
    assert breaker.state is CircuitState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()  # only one probe at a time
    breaker.failure()  # the probe failed: open again for a full cooldown
    assert breaker.state is CircuitState.OPEN
    clock.now = 19.9
    assert not breaker.allow()
    clock.now = 20.0
    assert breaker.allow()
    breaker.success()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.allow()
    assert breaker.allow()


def test_backoff_is_full_jitter_capped_and_growing() -> None:
    rng = random.Random(1)
    for attempt in range(6):
        delays = [backoff_delay(attempt, 0.1, rng, cap_s=1.0) for _ in range(200)]
        ceiling = min(1.0, 0.1 * 2**attempt)
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # jitter spans the range
