"""Check that incidents were resolved within their SLA and have a postmortem."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
