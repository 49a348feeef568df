"""Refusal detection: answers in which the model declines; counted by quality monitoring."""

from __future__ import annotations

from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity
from aiattest.guard.patterns import compile_linear, scannable

REFUSAL = "REFUSAL"
_APOS = "['’]"
_PHRASES = [
    rf"i(?:\s+am|{_APOS}m)\s+(?:sorry|afraid),?\s+(?:but\s+)?i\s+(?:can(?:not|{_APOS}t)|won{_APOS}t|am\s+unable|{_APOS}m\s+unable)",
    rf"i\s+(?:can(?:not|{_APOS}t)|can\s+not|won{_APOS}t|will\s+not)\s+(?:help|assist|comply|provide|do\s+that|fulfil|fulfill|support|share|answer)",
    rf"i(?:\s+am|{_APOS}m)\s+(?:unable|not\s+able)\s+to\s+(?:help|assist|comply|provide|do\s+that|fulfil|fulfill|share|answer)",
    r"as\s+an\s+ai(?:\s+language\s+model|\s+assistant)?,?\s+i\s+(?:can|do|am|must|cannot)",
    r"i\s+must\s+(?:respectfully\s+)?decline",
    r"(?:that|this)\s+(?:request\s+)?(?:is|goes)\s+against\s+my\s+(?:guidelines|policies|programming)",
    rf"i{_APOS}m\s+not\s+(?:allowed|permitted)\s+to",
]
_PATTERN = compile_linear(r"\b(?:" + "|".join(_PHRASES) + ")", ignore_case=True)
_LEADING = 200
"""A refusal phrase within the first characters is the answer; later it may be a caveat."""


class RefusalScanner(Scanner):
    """Finds refusal phrases; score 0.9 near the start of the answer, 0.6 further on."""

    name = "refusal"

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """One finding per refusal phrase."""
        text = scannable(text)
        return [
            Finding(
                self.name,
                REFUSAL,
                m.start(),
                m.end(),
                0.9 if m.start() < _LEADING else 0.6,
                Severity.LOW,
            )
            for m in _PATTERN.finditer(text)
        ]
