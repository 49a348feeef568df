"""Checks over the gateway's API keys: rotation age and role hygiene."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
