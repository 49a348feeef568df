"""The prompt-injection and jailbreak scanner: normalise, decode, rules, classifier.

Evidence from the attack-family rules (noisy-or across families) and from the calibrated
classifier is combined by taking the maximum; the result is compared with the threshold
of the text's channel. Findings carry offsets into the original text: rule hits map back
through the normalisation, hits inside a decoded payload (base64, hex, URL encoding,
ROT13) point at the encoded run, and a classifier-only hit covers the whole text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from aiattest.errors import ScannerError
from aiattest.guard.injection.model import load_model
from aiattest.guard.injection.rule_engine import CLASSIFIER, ENCODED_PAYLOAD, RuleHit
from aiattest.guard.injection.rules import match_rules, rule_score
from aiattest.guard.interface import Channel, Finding, ScanContext, Scanner, ScanOutcome, Severity
from aiattest.guard.normalize import find_payloads, normalize, rot13

FINDING_TYPE = "PROMPT_INJECTION"
"""The finding type this scanner reports."""

DEFAULT_THRESHOLDS: Mapping[Channel, float] = {
    Channel.USER: 0.5,
    # Developers write system prompts; they legitimately say "you are ..." and "never
    # reveal ...", so only near-certain evidence counts there.
    Channel.SYSTEM: 0.97,
    Channel.ASSISTANT: 0.7,
    Channel.TOOL: 0.5,
    Channel.DOCUMENT: 0.5,
}
"""Score at or above which a text on each channel is reported as an injection."""

CLASSIFIER_CHANNELS = frozenset({Channel.USER, Channel.ASSISTANT, Channel.TOOL, Channel.DOCUMENT})
"""Channels the classifier runs on. Not the system prompt: developers write it, and it is
instruction-shaped by nature ("you are ...", "never reveal ..."), which a text classifier
cannot tell from an attack; the rules (with a high threshold) still apply there."""

MAX_DEPTH = 2
"""How many layers of encoding are peeled (base64 inside hex inside ...)."""
REPORT_FLOOR = 0.3
"""Rule hits weaker than this (e.g. damped meta mentions) are not reported as findings."""


@dataclass(frozen=True, slots=True)
class _Hit:
    family: str
    start: int
    end: int
    score: float


@dataclass(frozen=True, slots=True)
class _Evidence:
    rules: float
    classifier: float
    hits: tuple[_Hit, ...]

    @property
    def score(self) -> float:
        return max(self.rules, self.classifier)


def _analyse(text: str, use_classifier: bool, depth: int) -> _Evidence:
    """Score one text (or a decoded payload); hits are in ``text``'s own offsets."""
    normalized = normalize(text)
    rule_hits: list[RuleHit] = match_rules(normalized.text)
    hits = [_Hit(h.family, *normalized.original_span(h.start, h.end), h.score) for h in rule_hits]
    # ROT13 keeps length, so a hit in the rotated view maps back exactly as a plain one.
    for h in match_rules(rot13(normalized.text)):
        hits.append(_Hit(ENCODED_PAYLOAD, *normalized.original_span(h.start, h.end), h.score))
        rule_hits.append(RuleHit(ENCODED_PAYLOAD, h.start, h.end, h.score))
    if depth < MAX_DEPTH:
        for payload in find_payloads(text):
            inner = _analyse(payload.decoded, use_classifier, depth + 1)
            if inner.score > 0:
                hits.append(_Hit(ENCODED_PAYLOAD, payload.start, payload.end, inner.score))
                rule_hits.append(RuleHit(ENCODED_PAYLOAD, 0, 0, inner.score))
    classifier = load_model().score(normalized.text) if use_classifier and normalized.text else 0.0
    return _Evidence(rule_score(rule_hits), classifier, tuple(hits))


def _merge(hits: tuple[_Hit, ...]) -> list[_Hit]:
    """One hit per family and overlapping span (two rules often match the same phrase)."""
    merged: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h.family, h.start, h.end)):
        last = merged[-1] if merged else None
        if last and last.family == hit.family and hit.start < last.end:
            merged[-1] = _Hit(
                hit.family, last.start, max(last.end, hit.end), max(last.score, hit.score)
            )
        else:
            merged.append(hit)
    return merged


def _thresholds(overrides: Mapping[str, float] | None) -> dict[Channel, float]:
    merged = dict(DEFAULT_THRESHOLDS)
    for key, value in (overrides or {}).items():
        try:
            channel = Channel(key)
        except ValueError as e:
            raise ScannerError(f"injection: unknown channel {key!r} in thresholds") from e
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            raise ScannerError(f"injection: threshold for {key!r} must be in [0, 1], not {value!r}")
        merged[channel] = float(value)
    return merged


class InjectionScanner(Scanner):
    """Finds prompt injection and jailbreak attempts, direct or hidden in documents/tools."""

    name: ClassVar[str] = "injection"

    def __init__(
        self, thresholds: Mapping[str, float] | None = None, use_classifier: bool = True
    ) -> None:
        """``thresholds`` overrides the per-channel defaults (keys are channel names);
        ``use_classifier=False`` runs the rules only."""
        self.thresholds = _thresholds(thresholds)
        self.use_classifier = bool(use_classifier)

    def threshold(self, channel: Channel) -> float:
        """The detection threshold of a channel."""
        return self.thresholds[channel]

    def assess(self, text: str, context: ScanContext) -> ScanOutcome:
        """Findings (when the score reaches the channel's threshold) and the raw score."""
        use_classifier = self.use_classifier and context.channel in CLASSIFIER_CHANNELS
        evidence = _analyse(text, use_classifier, 0)
        score = min(max(evidence.score, 0.0), 1.0)
        if score < self.threshold(context.channel):
            return ScanOutcome((), score)
        findings = [
            Finding(self.name, FINDING_TYPE, h.start, h.end, h.score, Severity.HIGH, h.family)
            for h in _merge(evidence.hits)
            if h.score >= REPORT_FLOOR
        ]
        if evidence.classifier >= self.threshold(context.channel) or not findings:
            findings.append(
                Finding(self.name, FINDING_TYPE, 0, len(text), score, Severity.HIGH, CLASSIFIER)
            )
        findings.sort(key=lambda f: (f.start, f.end))
        return ScanOutcome(tuple(findings), score)

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """Findings in ``text`` with offsets into ``text`` itself."""
        return list(self.assess(text, context).findings)


_DEFAULT_SCANNER: dict[bool, InjectionScanner] = {}


def injection_score(
    text: str, channel: Channel | str = Channel.USER, *, use_classifier: bool = True
) -> float:
    """The raw injection score of ``text`` in [0, 1] (for evaluation and thresholds)."""
    scanner = _DEFAULT_SCANNER.setdefault(use_classifier, InjectionScanner(None, use_classifier))
    return scanner.assess(text, ScanContext(channel=Channel(channel))).score


__all__ = [
    "CLASSIFIER_CHANNELS",
    "DEFAULT_THRESHOLDS",
    "FINDING_TYPE",
    "InjectionScanner",
    "injection_score",
]
