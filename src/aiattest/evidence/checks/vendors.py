"""Check the assurance of sub-service organisations (SOC 2 reports, DPAs, retention terms)."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
