"""Assessment: periods a control must operate in, Type II operation, auditor sampling,
Type I design, readiness scores and gaps, and the roadmap to the audit.

Pure functions over values; persistence and reports wrap them.
"""

from aiattest.assess.design import (
    ControlEvidence,
    StoredFile,
    StoredItem,
    StoredResult,
    design,
    policy_map,
    templates_for,
)
from aiattest.assess.model import (
    Assessment,
    AssessmentType,
    CategoryScore,
    ControlAssessment,
    DesignResult,
    Gap,
    RoadmapPhase,
)
from aiattest.assess.operation import (
    ControlOperation,
    EvidencePoint,
    Outcome,
    PeriodResult,
    operation,
)
from aiattest.assess.periods import Period, Window, period_containing, periods_for
from aiattest.assess.readiness import (
    assess,
    category_scores,
    default_window,
    evidence_points,
    overall_score,
)
from aiattest.assess.roadmap import roadmap, roadmap_svg
from aiattest.assess.sampling import Risk, sample, sample_size

__all__ = [
    "Assessment",
    "AssessmentType",
    "CategoryScore",
    "ControlAssessment",
    "ControlEvidence",
    "ControlOperation",
    "DesignResult",
    "EvidencePoint",
    "Gap",
    "Outcome",
    "Period",
    "PeriodResult",
    "Risk",
    "RoadmapPhase",
    "StoredFile",
    "StoredItem",
    "StoredResult",
    "Window",
    "assess",
    "category_scores",
    "default_window",
    "design",
    "evidence_points",
    "operation",
    "overall_score",
    "period_containing",
    "periods_for",
    "policy_map",
    "roadmap",
    "roadmap_svg",
    "sample",
    "sample_size",
    "templates_for",
]
