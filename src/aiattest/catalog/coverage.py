"""Coverage of the catalog: the criteria × controls matrix and AI risk × controls."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from aiattest.catalog.models import ControlId, CriterionId, RiskId, RiskSource, TscCategory

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class CriterionCoverage(BaseModel):
    """One row of the criteria × controls matrix."""

    model_config = _FROZEN

    id: CriterionId
    """The criterion."""
    category: TscCategory
    """Its TSC category."""
    series: str
    """Its series."""
    title: str
    """Its short title."""
    controls: tuple[ControlId, ...]
    """The controls mapped to it, in catalog order."""

    @property
    def covered(self) -> bool:
        """Whether at least one control covers the criterion."""
        return bool(self.controls)


class RiskCoverage(BaseModel):
    """One AI risk and the controls that mitigate it."""

    model_config = _FROZEN

    id: RiskId
    """The risk."""
    title: str
    """Its short name."""
    source: RiskSource
    """Where it comes from."""
    tsc_category: TscCategory
    """The TSC category it threatens most."""
    controls: tuple[ControlId, ...]
    """The controls that mitigate it."""

    @property
    def covered(self) -> bool:
        """Whether at least one control mitigates the risk."""
        return bool(self.controls)


class CoverageSummary(BaseModel):
    """Counts for a headline: criteria covered n/61, risks covered n/total."""

    model_config = _FROZEN

    criteria_total: int
    """Number of criteria."""
    criteria_covered: int
    """Criteria with at least one control."""
    risks_total: int
    """Number of AI risks."""
    risks_covered: int
    """AI risks with at least one control."""
    controls_total: int
    """Number of controls."""

    @property
    def complete(self) -> bool:
        """Whether every criterion and every risk is covered."""
        return (
            self.criteria_covered == self.criteria_total and self.risks_covered == self.risks_total
        )

    def line(self) -> str:
        """One line for people, e.g. ``criteria covered 61/61 · AI risks covered 25/25``."""
        return (
            f"criteria covered {self.criteria_covered}/{self.criteria_total} · "
            f"AI risks covered {self.risks_covered}/{self.risks_total} · "
            f"{self.controls_total} controls"
        )


class Coverage(BaseModel):
    """The full coverage picture of a catalog."""

    model_config = _FROZEN

    summary: CoverageSummary
    """The counts."""
    criteria: tuple[CriterionCoverage, ...]
    """Every criterion with its controls."""
    risks: tuple[RiskCoverage, ...]
    """Every AI risk with its controls."""

    def as_json(self) -> dict[str, Any]:
        """Plain data for ``catalog coverage --json``: counts, gaps, and every row."""
        return {
            "summary": {**self.summary.model_dump(mode="json"), "complete": self.summary.complete},
            "uncovered_criteria": list(self.uncovered_criteria),
            "uncovered_risks": list(self.uncovered_risks),
            "criteria": [c.model_dump(mode="json") for c in self.criteria],
            "risks": [r.model_dump(mode="json") for r in self.risks],
        }

    @property
    def uncovered_criteria(self) -> tuple[CriterionId, ...]:
        """Criteria no control covers."""
        return tuple(c.id for c in self.criteria if not c.covered)

    @property
    def uncovered_risks(self) -> tuple[RiskId, ...]:
        """AI risks no control mitigates."""
        return tuple(r.id for r in self.risks if not r.covered)


def summarise(
    criteria: tuple[CriterionCoverage, ...], risks: tuple[RiskCoverage, ...], controls: int
) -> CoverageSummary:
    """Count what is covered."""
    return CoverageSummary(
        criteria_total=len(criteria),
        criteria_covered=sum(c.covered for c in criteria),
        risks_total=len(risks),
        risks_covered=sum(r.covered for r in risks),
        controls_total=controls,
    )
