"""Regular expressions that run in linear time: RE2 (automaton, no backtracking).

Python's ``re`` backtracks: even ``[a-z]+@`` searched over a megabyte of ``a`` takes
quadratic time, and patterns from a policy file could be far worse. RE2 guarantees time
linear in the input for every pattern it accepts and refuses the constructs that would
need backtracking (back-references, look-around), so a pattern either compiles into
something safe or is rejected at policy load.
"""

from __future__ import annotations

import re
from typing import Any

import re2

from aiattest.errors import ScannerError

MAX_PROGRAM_MEMORY = 8 << 20
"""Bytes RE2 may use for one compiled pattern; huge counted repeats (``a{1000}{1000}``)
exceed it and are refused rather than allowed to eat memory."""

_SURROGATE = re.compile("[\ud800-\udfff]")  # one character class: linear with any engine

LinearPattern = Any
"""A compiled RE2 pattern (the binding ships no type information)."""


def compile_linear(pattern: str, *, ignore_case: bool = False) -> LinearPattern:
    """Compile ``pattern`` with RE2; raise ScannerError naming the pattern when it is refused."""
    options = re2.Options()
    options.log_errors = False  # errors are raised to the caller, not printed to stderr
    options.max_mem = MAX_PROGRAM_MEMORY
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options)
    except re2.error as e:
        reason = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else str(e)
        raise ScannerError(
            f"pattern {pattern!r} is not accepted: {reason}",
            hint="back-references and look-around are not supported (they need backtracking)",
        ) from e


def literal_alternation(words: list[str], *, ignore_case: bool = True) -> LinearPattern:
    """A pattern matching any of ``words`` as whole words."""
    body = "|".join(re2.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))
    return compile_linear(rf"\b(?:{body})\b", ignore_case=ignore_case)


def scannable(text: str) -> str:
    """``text`` with lone surrogates replaced by U+FFFD, one for one, so offsets still hold.

    A Python string can hold surrogate code points (JSON ``"\\ud800"`` decodes to one), which
    cannot be encoded to the UTF-8 that RE2 reads; they are not text anyway.
    """
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)
