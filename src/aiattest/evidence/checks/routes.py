"""Checks over the gateway's configuration: fallback chains, route protection, encryption,
retention."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
