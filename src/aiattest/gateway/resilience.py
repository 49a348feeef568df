"""Circuit breakers and jittered backoff: pure state machines with an injected clock."""

from __future__ import annotations

import random
from collections.abc import Callable
from enum import StrEnum


class CircuitState(StrEnum):
    """Where a breaker is."""

    CLOSED = "closed"
    """Calls go through."""
    OPEN = "open"
    """Calls are refused until the cooldown ends."""
    HALF_OPEN = "half_open"
    """One probe call is let through; its outcome closes or reopens the circuit."""


class CircuitBreaker:
    """Opens after ``failures`` consecutive failures; after ``cooldown_s`` lets one probe pass.

    Not thread-safe on purpose: one breaker lives in one event loop (one worker).
    """

    def __init__(self, failures: int, cooldown_s: float, clock: Callable[[], float]) -> None:
        self._threshold = failures
        self._cooldown = cooldown_s
        self._clock = clock
        self._failures = 0
        self._opened_at = 0.0
        self._state = CircuitState.CLOSED
        self._probe_out = False

    @property
    def state(self) -> CircuitState:
        """The current state (an open circuit past its cooldown reports half-open)."""
        if self._state is CircuitState.OPEN and self._clock() - self._opened_at >= self._cooldown:
            return CircuitState.HALF_OPEN
        return self._state

    def allow(self) -> bool:
        """Whether a call may go through now; in half-open only one probe at a time."""
        state = self.state
        if state is CircuitState.CLOSED:
            return True
        if state is CircuitState.HALF_OPEN and not self._probe_out:
            self._state = CircuitState.HALF_OPEN
            self._probe_out = True
            return True
        return False

    def success(self) -> None:
        """A call succeeded: close the circuit."""
        self._failures = 0
        self._probe_out = False
        self._state = CircuitState.CLOSED

    def failure(self) -> None:
        """A call failed: count it, and (re)open the circuit at the threshold or after a probe."""
        self._failures += 1
        if self._probe_out or self._failures >= self._threshold:
            self._state = CircuitState.OPEN
            self._opened_at = self._clock()
        self._probe_out = False


def backoff_delay(attempt: int, base_s: float, rng: random.Random, cap_s: float = 2.0) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(cap, base * 2**attempt)]."""
    return rng.uniform(0.0, min(cap_s, base_s * (2**attempt)))
