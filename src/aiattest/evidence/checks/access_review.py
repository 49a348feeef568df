"""Check that an access review was completed in the quarter."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
