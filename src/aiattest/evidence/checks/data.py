"""Checks over datasets and RAG knowledge bases: legal basis, classification, provenance."""

from __future__ import annotations

from aiattest.evidence.interface import Check

CHECKS: tuple[type[Check], ...] = ()
