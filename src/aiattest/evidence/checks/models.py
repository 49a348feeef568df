"""Checks over the model inventory: cards, lineage, inventory completeness, system descriptions."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
