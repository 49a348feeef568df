"""Specs of the workflows' records: eval runs (and when one passes) and changes with the
steps they take. Split from :mod:`aiattest.governance.schemas`, whose base types they use."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aiattest.governance.risk import Tier
from aiattest.governance.schemas import (
    Name,
    Spec,
    UTCDatetime,
)


class EvalRunSpec(Spec):
    """The result of an eval-suite run against one version."""

    name: str = Name
    """Unique run name."""
    suite: str = Field(min_length=1)
    """Suite name."""
    suite_version: str = Field(min_length=1)
    """Suite version."""
    dataset_hash: str = Field(min_length=1)
    """Content hash of the suite's dataset."""
    target: str = Field(min_length=1)
    """What was evaluated: ``name@version``."""
    metrics: dict[str, float] = Field(default_factory=dict)
    """Measured metrics."""
    thresholds: dict[str, float] = Field(default_factory=dict)
    """Minimum value per metric for a pass."""
    run_at: UTCDatetime
    """When it ran."""


def eval_passed(metrics: dict[str, float], thresholds: dict[str, float]) -> bool:
    """A run passes when it has thresholds and every thresholded metric meets its minimum."""
    return bool(thresholds) and all(
        name in metrics and metrics[name] >= minimum for name, minimum in thresholds.items()
    )


class ChangeStep(Spec):
    """One step a change takes (see :mod:`aiattest.governance.changes`)."""

    action: Literal["evaluate", "approve", "stage", "promote", "rollback", "retire"]
    """The step."""
    actor: str = Field(min_length=1)
    """Who takes it."""
    at: UTCDatetime
    """When."""
    eval_run: str | None = None
    """``evaluate``: the passing eval run."""
    rollout_percent: int | None = Field(default=None, ge=1, le=99)
    """``stage``: share of traffic."""
    reason: str | None = None
    """``rollback``: why."""


class ChangeSpec(Spec):
    """A change to a model, prompt or RAG index and the steps it has taken."""

    name: str = Name
    """Unique change id (``CHG-12``)."""
    subject_kind: Literal["model", "prompt", "rag-index"]
    """What changes."""
    subject: str = Field(min_length=1)
    """``name@version`` of the new version."""
    description: str = ""
    """What and why."""
    requester: str = Field(min_length=1)
    """Who asks for it."""
    risk_tier: Tier | None = None
    """Tier; for models taken from the inventory when unset."""
    proposed_at: UTCDatetime | None = None
    """When it was proposed."""
    steps: list[ChangeStep] = Field(default_factory=list)
    """Steps taken, in order (append-only)."""
