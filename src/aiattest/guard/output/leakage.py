"""System-prompt leakage: the request's canary token, or long word n-grams of the prompt."""

from __future__ import annotations

import secrets
from functools import lru_cache

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity
from aiattest.guard.output.text import word_list, words

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
        grams = _prompt_grams(prompt, self.ngram)
        if grams is None:
            return []
        n, firsts, lasts, table = grams
        out = word_list(text)
        runs: list[tuple[int, int]] = []
        for i in range(len(out) - n + 1):
            # Cheap filters first: most windows fail on their first or last word.
            if out[i] not in firsts or out[i + n - 1] not in lasts:
                continue
            if tuple(out[i : i + n]) not in table:
                continue
            if runs and i <= runs[-1][1]:
                runs[-1] = (runs[-1][0], i + n)
            else:
                runs.append((i, i + n))
        if not runs:
            return []
        spans = words(text)  # offsets only when something leaked
        findings = []
        for first, last in runs:
            length = last - first
            # n copied words is already suspicious; a run of 3n words is a verbatim dump.
            score = min(1.0, 0.6 + 0.4 * (length - n) / (2 * n))
            start, end = spans[first].start, spans[last - 1].end
            findings.append(Finding(self.name, LEAK, start, end, score, Severity.HIGH, "overlap"))
        return findings


@lru_cache(maxsize=64)
def _prompt_grams(
    prompt: str, ngram: int
) -> tuple[int, frozenset[str], frozenset[str], frozenset[tuple[str, ...]]] | None:
    """The prompt's word n-grams (cached: one system prompt serves many requests)."""
    words_ = word_list(prompt)
    if len(words_) < _MIN_PROMPT_WORDS:
        return None
    n = min(ngram, len(words_))
    table = frozenset(tuple(words_[i : i + n]) for i in range(len(words_) - n + 1))
    return n, frozenset(g[0] for g in table), frozenset(g[-1] for g in table), table
