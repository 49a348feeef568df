"""Word and sentence splitting shared by the output scanners, linear in the text length."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Both patterns are safe with Python's backtracking engine: an attempt that starts on a
# matching character always succeeds by taking the whole run, and any other attempt fails
# on its first character, so every character is visited a bounded number of times.
_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")


@dataclass(frozen=True, slots=True)
class Token:
    """A word, lower-cased, with its offsets in the original text."""

    text: str
    """Lower-cased word."""
    start: int
    """First character."""
    end: int
    """One past the last character."""


def words(text: str) -> list[Token]:
    """The words of ``text`` in order."""
    return [Token(m.group().lower(), m.start(), m.end()) for m in _WORD.finditer(text)]


def word_list(text: str) -> list[str]:
    """The lower-cased words of ``text``, without offsets (much cheaper than ``words``)."""
    return [w.lower() for w in _WORD.findall(text)]


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """Offsets of each sentence (a run up to ``.``, ``!``, ``?`` or a line break)."""
    for m in _SENTENCE.finditer(text):
        start, end = m.span()
        # Trim the spaces around the sentence so the offsets cover only its words.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield start, end
