"""The evidence engine: checks that decide from real data whether controls operated, the
runner that ledgers their results, the scheduler, and manual evidence.

``Check`` (in ``interface``) is the seam; ``registry`` resolves check ids.
"""

from aiattest.evidence.interface import (
    Check,
    CheckContext,
    CheckId,
    CheckResult,
    EvidenceError,
    Item,
)

__all__ = ["Check", "CheckContext", "CheckId", "CheckResult", "EvidenceError", "Item"]
