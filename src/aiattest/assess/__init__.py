"""Assessment: periods a control must operate in, Type II operation, auditor sampling.

Pure functions over values; persistence and reports wrap them.
"""

from aiattest.assess.operation import (
    ControlOperation,
    EvidencePoint,
    Outcome,
    PeriodResult,
    operation,
)
from aiattest.assess.periods import Period, Window, period_containing, periods_for
from aiattest.assess.sampling import Risk, sample, sample_size

__all__ = [
    "ControlOperation",
    "EvidencePoint",
    "Outcome",
    "Period",
    "PeriodResult",
    "Risk",
    "Window",
    "operation",
    "period_containing",
    "periods_for",
    "sample",
    "sample_size",
]
