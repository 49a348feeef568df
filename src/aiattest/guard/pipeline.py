"""Run a rule's scanners over texts and chat messages and decide what to do.

Fail closed: a scanner that raises, returns nonsense (offsets outside the text, a score
outside [0, 1]) or overruns its time budget makes the decision ``block``, and the
verdict records which scanner and why. The budget is checked after the call returns:
Python cannot safely interrupt a running function, and a deterministic check keeps the
verdict reproducible; the gateway's request timeout bounds a scanner that hangs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from aiattest.guard.interface import (
    Action,
    Finding,
    Message,
    ScanContext,
    ScanOutcome,
)
from aiattest.guard.patterns import scannable
from aiattest.guard.policy import BoundScanner, Rule

Clock = Callable[[], float]
"""Seconds from an arbitrary origin; injected so tests need no wall clock."""


class Stage(StrEnum):
    """Which scanner list of the rule runs."""

    INPUT = "input"
    OUTPUT = "output"


@dataclass(frozen=True, slots=True)
class ScannerFailure:
    """A scanner that did not deliver a usable result, so the verdict is block."""

    scanner: str
    """Registry name."""
    reason: str
    """What went wrong: the exception type and message, or the overrun."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome for one text."""

    decision: Action
    """Strongest action among the findings; block on any failure; allow when clean."""
    findings: tuple[Finding, ...]
    """Findings at or above their thresholds, in scanner order, then by position."""
    actions: tuple[Action, ...]
    """The policy's action for each finding (same order)."""
    scores: Mapping[str, float] = field(default_factory=dict)
    """Raw score of each scanner that ran, even when below threshold."""
    failures: tuple[ScannerFailure, ...] = ()
    """Scanners that failed (fail closed)."""

    def summary(self) -> dict[str, object]:
        """What may be logged or ledgered about this verdict: types, counts, actions and
        failing scanners, never the text or the found values (privacy by default)."""
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.type] = counts.get(f.type, 0) + 1
        return {
            "decision": self.decision.value,
            "findings": dict(sorted(counts.items())),
            "actions": sorted({a.value for a in self.actions}),
            "scores": {name: round(score, 4) for name, score in sorted(self.scores.items())},
            "failed_scanners": sorted({x.scanner for x in self.failures}),
        }

    def findings_with(self, action: Action) -> list[Finding]:
        """Findings whose policy action is ``action``."""
        return [f for f, a in zip(self.findings, self.actions, strict=True) if a is action]


@dataclass(frozen=True, slots=True)
class MessagesVerdict:
    """The outcome for a list of chat messages."""

    decision: Action
    """Strongest decision over all messages."""
    messages: tuple[Verdict, ...]
    """One verdict per message, in order."""

    @property
    def failures(self) -> tuple[ScannerFailure, ...]:
        """Every failure of every message."""
        return tuple(f for v in self.messages for f in v.failures)


BUDGET_UNIT_CHARS = 64 * 1024
"""A scanner's budget covers texts up to this length; longer texts get proportionally more,
since scanners run in linear time and a long document must not be blocked for its size."""


def budget_for(timeout_s: float, length: int) -> float:
    """Seconds a scanner may take on a text of ``length`` characters."""
    return timeout_s * max(1.0, length / BUDGET_UNIT_CHARS)


def strongest(actions: Sequence[Action]) -> Action:
    """The strongest of ``actions``; allow when there are none."""
    return max(actions, key=lambda a: a.rank, default=Action.ALLOW)


class Pipeline:
    """Applies one resolved rule."""

    def __init__(self, rule: Rule, *, clock: Clock = time.perf_counter) -> None:
        self.rule = rule
        self._clock = clock

    def scan_text(self, text: str, context: ScanContext, stage: Stage = Stage.INPUT) -> Verdict:
        """Run the stage's scanners that cover ``context.channel`` over ``text``."""
        bound = self.rule.input if stage is Stage.INPUT else self.rule.output
        text = scannable(text)  # same length, so offsets still point into the caller's text
        findings: list[Finding] = []
        scores: dict[str, float] = {}
        failures: list[ScannerFailure] = []
        for b in bound:
            if context.channel not in b.channels:
                continue
            outcome = self._run(b, text, context, failures)
            if outcome is None:
                continue
            scores[b.name] = outcome.score
            kept = [f for f in outcome.findings if self.rule.keeps(f)]
            findings.extend(sorted(kept, key=lambda f: (f.start, f.end, f.type)))
        actions = tuple(self.rule.action_for(f) for f in findings)
        decision = Action.BLOCK if failures else strongest(actions)
        return Verdict(decision, tuple(findings), actions, scores, tuple(failures))

    def scan_messages(
        self, messages: Sequence[Message], context: ScanContext, stage: Stage = Stage.INPUT
    ) -> MessagesVerdict:
        """Scan each message on its own channel."""
        verdicts = tuple(
            self.scan_text(m.text, replace(context, channel=m.channel), stage) for m in messages
        )
        return MessagesVerdict(strongest([v.decision for v in verdicts]), verdicts)

    def _run(
        self, b: BoundScanner, text: str, context: ScanContext, failures: list[ScannerFailure]
    ) -> ScanOutcome | None:
        started = self._clock()
        try:
            outcome = b.scanner.assess(text, context)
        except Exception as e:  # any failure of any scanner must block
            # The message is cut short: an exception may quote the text being scanned.
            failures.append(ScannerFailure(b.name, f"raised {type(e).__name__}: {str(e)[:120]}"))
            return None
        elapsed = self._clock() - started
        budget = budget_for(b.timeout_s, len(text))
        if elapsed > budget:
            failures.append(
                ScannerFailure(
                    b.name, f"took {elapsed * 1e3:.1f} ms, over its {budget * 1e3:.1f} ms budget"
                )
            )
            return None
        problem = _implausible(outcome, len(text))
        if problem:
            failures.append(ScannerFailure(b.name, problem))
            return None
        return outcome


def _implausible(outcome: ScanOutcome, length: int) -> str | None:
    if not 0.0 <= outcome.score <= 1.0:
        return f"score {outcome.score} outside [0, 1]"
    for f in outcome.findings:
        if not 0 <= f.start <= f.end <= length:
            return f"finding {f.type} has offsets {f.start}..{f.end} outside the text"
        if not 0.0 <= f.score <= 1.0:
            return f"finding {f.type} has score {f.score} outside [0, 1]"
    return None
