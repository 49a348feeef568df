"""Auditor samples: sizes by control frequency and a reproducible draw from a seed.

Sizes follow common audit practice for Type II tests of controls: annual 1, quarterly 2,
monthly 2, weekly 5, daily 25, several times a day 25 to 60 by risk; an automated control
is tested once (with the IT general controls it relies on tested separately).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from enum import StrEnum
from typing import TypeVar

from aiattest.catalog import Automation, Frequency
from aiattest.errors import InputError

T = TypeVar("T")

_BY_FREQUENCY = {
    Frequency.ANNUAL: 1,
    Frequency.QUARTERLY: 2,
    Frequency.MONTHLY: 2,
    Frequency.WEEKLY: 5,
    Frequency.DAILY: 25,
}


class Risk(StrEnum):
    """Risk of the control's failure, which sets the size for frequent controls."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


_MANY_TIMES_A_DAY = {Risk.LOW: 25, Risk.MEDIUM: 40, Risk.HIGH: 60}


def sample_size(
    frequency: Frequency,
    automation: Automation,
    population: int,
    risk: Risk = Risk.MEDIUM,
) -> int:
    """How many items to test from a population of ``population`` occurrences."""
    if population < 0:
        raise InputError("a population cannot be negative")
    if automation is Automation.AUTOMATED:
        size = 1
    elif frequency in _BY_FREQUENCY:
        size = _BY_FREQUENCY[frequency]
    else:  # per event or continuous: many occurrences a day
        size = _MANY_TIMES_A_DAY[risk]
    return min(size, population)


def sample(population: Sequence[T], size: int, seed: str, *, key: str = "") -> list[T]:
    """A reproducible sample of ``size`` items, in population order.

    Each item is ranked by SHA-256(seed, key, position) and the lowest ranks are taken: the
    same seed and population give the same sample on any machine and Python version, and
    anyone can recompute it. ``key`` (e.g. the control id) keeps samples of different
    controls independent under one seed.
    """
    if size < 0:
        raise InputError("a sample size cannot be negative")
    if size >= len(population):
        return list(population)
    prefix = f"{seed}\x00{key}\x00".encode()
    ranked = sorted(
        range(len(population)),
        key=lambda i: hashlib.sha256(prefix + str(i).encode()).digest(),
    )
    return [population[i] for i in sorted(ranked[:size])]
