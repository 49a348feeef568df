"""Digit runs: every number-bearing PII type (cards, SSNs, phones, IBANs, IPs, MACs,
addresses, wallets) starts at, or a few characters before, a run of ASCII digits.

Finding the runs costs one pass over the text; the number patterns are then tried only at
those places (``anchored``) or inside small windows around them (``finditer``), so prose
is not scanned a dozen times over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

Windows = list[tuple[int, int]]
"""Sorted, non-overlapping ``(start, end)`` spans of a text."""
Runs = list[tuple[int, int]] | None
"""Digit runs of a text, or None for a number-dense text (see :func:`digit_runs`)."""

NEAR = (40, 80)
"""Characters kept before and after a digit run (a MAC address may start with hex letters)."""
MAX_RUNS = 256
"""Past this many digit runs the text is number-dense: one window over all of it is
cheaper than bookkeeping per run."""


def digit_runs(text: str) -> Runs:
    """Spans of the runs of ASCII digits in ``text``; None when there are more than
    :data:`MAX_RUNS` (scan the whole text then).

    Each digit is located with ``str.find`` (a C search per digit value): far cheaper for
    prose than a character-class regex stepping through every position.
    """
    positions: list[int] = []
    limit = 4 * MAX_RUNS
    for digit in "0123456789":
        i = text.find(digit)
        while i != -1:
            positions.append(i)
            if len(positions) > limit:
                return None
            i = text.find(digit, i + 1)
    positions.sort()
    runs: list[tuple[int, int]] = []
    for i in positions:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
            if len(runs) > MAX_RUNS:
                return None
    return runs


def windows_around(
    runs: list[tuple[int, int]] | None, size: int, margins: tuple[int, int]
) -> Windows:
    """Merged spans reaching ``margins`` characters before and after every digit run
    (the whole text when ``runs`` is None)."""
    if runs is None:
        return [(0, size)]
    before, after = margins
    out: Windows = []
    for run_start, run_end in runs:
        start, end = max(0, run_start - before), min(size, run_end + after)
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def finditer(pattern: re.Pattern[str], text: str, windows: Windows) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` inside each window (look-behinds still see the whole text)."""
    for start, end in windows:
        yield from pattern.finditer(text, start, end)


def anchored(
    pattern: re.Pattern[str],
    text: str,
    runs: list[tuple[int, int]] | None,
    offsets: tuple[int, ...] = (0,),
    lead: str = "",
) -> Iterator[re.Match[str]]:
    """Matches of ``pattern`` that start at a digit run (shifted by one of ``offsets``),
    non-overlapping and in text order, like ``finditer`` for a pattern that can only start
    there. No scan at all: one ``match`` per run and offset. Characters of ``lead`` (at
    most two) right before a run move its start back ("+44 …", "(415) …"). ``runs`` None
    (a number-dense text) falls back to ``finditer`` over the whole text.
    """
    if runs is None:
        yield from pattern.finditer(text)
        return
    covered = 0
    for run_start, _ in runs:
        if run_start < covered:
            continue
        start = run_start
        for _ in range(2 if lead else 0):
            if start > covered and text[start - 1] in lead:
                start -= 1
            else:
                break
        for offset in offsets:
            pos = start + offset
            if pos < covered or pos < 0:
                continue
            m = pattern.match(text, pos)
            if m is not None:
                covered = m.end()
                yield m
                break
