"""Checks over change management: gated deployments, approvals, high-risk approvals."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
