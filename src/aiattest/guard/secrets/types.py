"""The internal hit record the secret rules return before overlaps are resolved."""

from __future__ import annotations

from typing import NamedTuple


class Hit(NamedTuple):
    """A possible secret: offsets into the scanned text, its subtype and a score."""

    start: int
    """Offset of the first character."""
    end: int
    """Offset one past the last character."""
    subtype: str
    """Kind of secret, e.g. ``openai`` or ``high_entropy``."""
    score: float
    """Confidence in [0, 1]."""
