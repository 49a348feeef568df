"""System-prompt leakage: the request's canary token, or long word n-grams of the prompt."""

from __future__ import annotations

import secrets

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity
from aiattest.guard.output.text import words

LEAK = "SYSTEM_PROMPT_LEAK"
_MIN_PROMPT_WORDS = 5
"""A shorter system prompt is too generic to tell a leak from a coincidence."""


def new_canary() -> str:
    """A fresh canary token to plant in one request's system prompt."""
    return f"aiattest-canary-{secrets.token_hex(8)}"


class SystemPromptLeakScanner(Scanner):
    """Finds the canary token, and runs of ``ngram`` or more words copied from the prompt."""

    name = "system_prompt_leak"

    def __init__(self, ngram: int = 8) -> None:
        if ngram < 3:
            raise ScannerError("scanner 'system_prompt_leak': ngram must be at least 3")
        self.ngram = ngram

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """Canary occurrences (score 1) and copied runs (score grows with run length)."""
        findings = self._canaries(text, context.canary)
        if context.system_prompt:
            findings.extend(self._overlaps(text, context.system_prompt))
        return findings

    def _canaries(self, text: str, canary: str | None) -> list[Finding]:
        found: list[Finding] = []
        if not canary:
            return found
        i = text.find(canary)
        while i != -1:
            end = i + len(canary)
            found.append(Finding(self.name, LEAK, i, end, 1.0, Severity.CRITICAL, "canary"))
            i = text.find(canary, end)
        return found

    def _overlaps(self, text: str, prompt: str) -> list[Finding]:
        prompt_words = [t.text for t in words(prompt)]
        if len(prompt_words) < _MIN_PROMPT_WORDS:
            return []
        n = min(self.ngram, len(prompt_words))
        grams = {tuple(prompt_words[i : i + n]) for i in range(len(prompt_words) - n + 1)}
        out = words(text)
        out_words = [t.text for t in out]
        covered_until = -1  # index one past the last output word inside a copied run
        runs: list[tuple[int, int]] = []
        for i in range(len(out) - n + 1):
            if tuple(out_words[i : i + n]) not in grams:
                continue
            if runs and i <= covered_until:
                runs[-1] = (runs[-1][0], i + n)
            else:
                runs.append((i, i + n))
            covered_until = i + n
        findings = []
        for first, last in runs:
            length = last - first
            # n copied words is already suspicious; a run of 3n words is a verbatim dump.
            score = min(1.0, 0.6 + 0.4 * (length - n) / (2 * n))
            findings.append(
                Finding(
                    self.name,
                    LEAK,
                    out[first].start,
                    out[last - 1].end,
                    score,
                    Severity.HIGH,
                    "overlap",
                )
            )
        return findings
