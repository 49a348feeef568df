"""Checks over the gateway's audit events in the ledger: fallbacks, guard findings, availability."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
