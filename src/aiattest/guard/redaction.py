"""Redaction of findings: mask, keyed hash, or reversible pseudonyms restored in the answer.

Overlapping findings are merged into one span (the union, so no character of either
leaks) labelled by the strongest member: highest score, then longest, then type name.
That rule is total, so the same findings always give the same text.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from aiattest.errors import ConfigError
from aiattest.guard.interface import Finding
from aiattest.guard.policy import RedactionMode

_MAX_TOKEN = 96
"""Longest pseudonym token ``restore`` looks for (type names are short)."""


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of text to replace, and the type that labels it."""

    start: int
    """First character."""
    end: int
    """One past the last character."""
    type: str
    """Label of the replacement."""


def merge_overlaps(findings: Iterable[Finding]) -> list[Span]:
    """Non-overlapping spans covering every finding, sorted by position."""
    ordered = sorted((f for f in findings if f.end > f.start), key=lambda f: (f.start, f.end))
    spans: list[Span] = []
    group: list[Finding] = []
    group_end = -1
    for f in ordered:
        if group and f.start >= group_end:
            spans.append(_label(group))
            group = []
        group.append(f)
        group_end = max(group_end, f.end) if len(group) > 1 else f.end
    if group:
        spans.append(_label(group))
    return spans


def _label(group: list[Finding]) -> Span:
    best = min(group, key=lambda f: (-f.score, -(f.end - f.start), f.type, f.start))
    return Span(min(f.start for f in group), max(f.end for f in group), best.type)


class Redactor:
    """Redacts texts of one request; in pseudonymise mode it remembers how to undo it.

    Keep one instance per request and drop it with the request: the mapping from
    pseudonyms to values is never written anywhere.
    """

    def __init__(self, mode: RedactionMode, key: bytes | None = None) -> None:
        if mode is RedactionMode.HASH and not key:
            raise ConfigError(
                "redaction mode 'hash' needs a key",
                hint="set AIATTEST_GUARD__REDACTION_KEY (at least 16 characters)",
            )
        self.mode = mode
        self._key = key or b""
        self._token_of: dict[tuple[str, str], str] = {}
        self._value_of: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def redact(self, text: str, findings: Iterable[Finding]) -> str:
        """``text`` with every finding's span replaced."""
        out: list[str] = []
        cursor = 0
        for span in merge_overlaps(findings):
            if span.start < cursor or span.end > len(text):
                raise ValueError("finding offsets do not fit the text")
            out.append(text[cursor : span.start])
            out.append(self._replacement(span.type, text[span.start : span.end]))
            cursor = span.end
        out.append(text[cursor:])
        return "".join(out)

    def restore(self, text: str) -> str:
        """Put the original values back for this request's pseudonyms; other text is kept."""
        if not self._value_of:
            return text
        out: list[str] = []
        cursor = 0
        i = text.find("<")
        while i != -1:
            close = text.find(">", i + 1, i + _MAX_TOKEN)
            value = self._value_of.get(text[i : close + 1]) if close != -1 else None
            if value is None:
                i = text.find("<", i + 1)
                continue
            out.append(text[cursor:i])
            out.append(value)
            cursor = close + 1
            i = text.find("<", cursor)
        out.append(text[cursor:])
        return "".join(out)

    @property
    def pseudonyms(self) -> int:
        """How many distinct values this request pseudonymised."""
        return len(self._value_of)

    def _replacement(self, kind: str, value: str) -> str:
        if self.mode is RedactionMode.MASK:
            return f"<{kind}>"
        if self.mode is RedactionMode.HASH:
            digest = hmac.new(self._key, f"{kind}\x00{value}".encode(), hashlib.sha256)
            return f"<{kind}:{digest.hexdigest()[:16]}>"
        token = self._token_of.get((kind, value))
        if token is None:
            # The same value gets the same pseudonym throughout the request, so the model
            # can still tell that two mentions are one person or one address.
            self._counts[kind] = self._counts.get(kind, 0) + 1
            token = f"<{kind}_{self._counts[kind]}>"
            self._token_of[(kind, value)] = token
            self._value_of[token] = value
        return token
