"""Every governance table, imported in one place so that the metadata is complete."""

from aiattest.store.models.governance_registers import (
    Dataset,
    GovernedAISystem,
    Incident,
    ModelVersion,
    Policy,
    RegisterRow,
    Risk,
    Vendor,
)
from aiattest.store.models.governance_workflows import (
    AccessReview,
    AccessReviewItem,
    Change,
    ChangeEvent,
    EvalRun,
    LineageEdge,
    PolicyAcknowledgement,
    RagChunk,
    RagDocument,
)

__all__ = [
    "AccessReview",
    "AccessReviewItem",
    "Change",
    "ChangeEvent",
    "Dataset",
    "EvalRun",
    "GovernedAISystem",
    "Incident",
    "LineageEdge",
    "ModelVersion",
    "Policy",
    "PolicyAcknowledgement",
    "RagChunk",
    "RagDocument",
    "RegisterRow",
    "Risk",
    "Vendor",
]
