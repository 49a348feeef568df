"""The internal candidate record the PII recognisers return before overlaps are resolved."""

from __future__ import annotations

from typing import NamedTuple


class Candidate(NamedTuple):
    """A possible entity: offsets into the scanned text, the entity type and a score."""

    start: int
    """Offset of the first character."""
    end: int
    """Offset one past the last character."""
    type: str
    """One of the PII type names, e.g. ``EMAIL_ADDRESS``."""
    score: float
    """Confidence in [0, 1]."""
