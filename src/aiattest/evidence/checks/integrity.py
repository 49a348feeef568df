"""Checks over the evidence itself: the ledger verifies, control results are current."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
