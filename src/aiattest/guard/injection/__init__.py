"""Prompt-injection and jailbreak detection: normalisation, family rules, a small classifier.

Importing this package loads no model; the classifier artifact is read on first use.
"""

from aiattest.guard.injection.scanner import (
    DEFAULT_THRESHOLDS,
    FINDING_TYPE,
    InjectionScanner,
    injection_score,
)

__all__ = ["DEFAULT_THRESHOLDS", "FINDING_TYPE", "InjectionScanner", "injection_score"]
