"""Fakes of the guard seam (scanners that raise, overrun, misreport) and small helpers."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from aiattest.guard.interface import Action, Channel, Finding, ScanContext, Scanner
from aiattest.guard.policy import BoundScanner, RedactionMode, Rule


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class FixedScanner(Scanner):
    """Returns the findings it was given."""

    name = "fixed"

    def __init__(self, findings: Sequence[Finding] = ()) -> None:
        self.findings = list(findings)

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        return list(self.findings)


class RaisingScanner(Scanner):
    """Fails on every text."""

    name = "raising"

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        raise RuntimeError("scanner exploded")


class SlowScanner(Scanner):
    """Takes ``seconds`` on the injected clock and finds nothing."""

    name = "slow"

    def __init__(self, clock: FakeClock, seconds: float) -> None:
        self.clock = clock
        self.seconds = seconds

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        self.clock.now += self.seconds
        return []


def finding(type_: str, start: int, end: int, score: float = 0.9, **kw: object) -> Finding:
    """A finding of the ``fixed`` scanner."""
    return Finding("fixed", type_, start, end, score, **kw)  # type: ignore[arg-type]


def rule_with(
    *scanners: Scanner,
    actions: dict[str, Action] | None = None,
    thresholds: dict[str, float] | None = None,
    timeout_s: float = 0.25,
    channels: frozenset[Channel] = frozenset({Channel.USER}),
) -> Rule:
    """A rule running ``scanners`` on inputs of ``channels``."""
    bound = tuple(BoundScanner(s, channels, timeout_s) for s in scanners)
    return Rule(
        bound,
        bound,
        actions or {},
        thresholds or {},
        Action.FLAG,
        RedactionMode.PSEUDONYMISE,
    )


@pytest.fixture
def clock() -> FakeClock:
    """A fresh fake clock."""
    return FakeClock()


class FirstCallSlowScanner(Scanner):
    """Slow on its first call only (a lazily loaded model), on the shared clock."""

    name = "first_slow"
    clock = FakeClock()

    def __init__(self) -> None:
        self.calls = 0

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        self.calls += 1
        if self.calls == 1:
            self.clock.now += 5.0
        return []
