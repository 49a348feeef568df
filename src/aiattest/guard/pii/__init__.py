"""PII detection for the guard: validated patterns, a name gazetteer and context cues."""

from aiattest.guard.pii.scanner import PII_TYPES, PIIScanner, resolve_overlaps

__all__ = ["PII_TYPES", "PIIScanner", "resolve_overlaps"]
