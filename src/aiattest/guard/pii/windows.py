"""Digit windows: the parts of a text around its ASCII digits, where every number-bearing
PII type (cards, SSNs, phones, IBANs, IPs, MACs, addresses, wallets) must lie.

Finding them costs one pass over the text; the number patterns then run only inside the
windows, so prose with few numbers is not scanned a dozen times over.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_DIGITS = re.compile(r"[0-9]+")

Windows = list[tuple[int, int]]
"""Sorted, non-overlapping ``(start, end)`` spans of a text."""

NEAR = (40, 80)
"""Characters kept before and after a digit run for numbers (cards, phones, IBAN country
codes, MAC hex letters; a wallet address may run 74 characters past its first digit)."""
WIDE = (64, 200)
"""Characters kept before and after a digit run for street addresses (a German street
name before the number; street, city and postcode after it)."""


MAX_RUNS = 256
"""Past this many digit runs the text is number-dense: one window over all of it is
cheaper than bookkeeping per run."""


def digit_runs(text: str) -> list[tuple[int, int]] | None:
    """Spans of the runs of ASCII digits in ``text``; None when there are more than
    :data:`MAX_RUNS` (scan the whole text then)."""
    runs = []
    for m in _DIGITS.finditer(text):
        runs.append(m.span())
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
