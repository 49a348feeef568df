"""The loaded catalog: lookups by id, controls per criterion and risk, coverage."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, PrivateAttr

from aiattest.catalog.coverage import (
    Coverage,
    CoverageSummary,
    CriterionCoverage,
    RiskCoverage,
    summarise,
)
from aiattest.catalog.models import (
    AIRisk,
    Control,
    ControlId,
    Criterion,
    CriterionId,
    RiskId,
    TscCategory,
    category_of,
)
from aiattest.errors import NotFoundError


class Catalog(BaseModel):
    """Criteria, AI risks and controls; built and validated by ``load_catalog``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    criteria: tuple[Criterion, ...]
    """All criteria, in catalog order (CC1.1 … P8.1)."""
    risks: tuple[AIRisk, ...]
    """All AI risks."""
    controls: tuple[Control, ...]
    """All controls, shipped ones overridden or extended by the user's catalog."""

    _criteria: dict[str, Criterion] = PrivateAttr(default_factory=dict)
    _risks: dict[str, AIRisk] = PrivateAttr(default_factory=dict)
    _controls: dict[str, Control] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        """Index the records by id once; the model is frozen so the indexes stay true."""
        self._criteria.update((c.id, c) for c in self.criteria)
        self._risks.update((r.id, r) for r in self.risks)
        self._controls.update((c.id, c) for c in self.controls)

    def criterion(self, criterion_id: str) -> Criterion:
        """The criterion with this id; NotFoundError if there is none."""
        found = self._criteria.get(criterion_id)
        if found is None:
            raise NotFoundError(f"no criterion with id {criterion_id!r}")
        return found

    def risk(self, risk_id: str) -> AIRisk:
        """The AI risk with this id; NotFoundError if there is none."""
        found = self._risks.get(risk_id)
        if found is None:
            raise NotFoundError(f"no AI risk with id {risk_id!r}")
        return found

    def control(self, control_id: str) -> Control:
        """The control with this id; NotFoundError if there is none."""
        found = self._controls.get(control_id)
        if found is None:
            raise NotFoundError(f"no control with id {control_id!r}")
        return found

    def find(self, any_id: str) -> Control | Criterion | AIRisk:
        """The control, criterion or risk with this id (ids are unique across kinds)."""
        found = self._controls.get(any_id) or self._criteria.get(any_id) or self._risks.get(any_id)
        if found is None:
            raise NotFoundError(f"no control, criterion or AI risk with id {any_id!r}")
        return found

    def controls_for_criterion(self, criterion_id: str) -> tuple[Control, ...]:
        """The controls mapped to a criterion (NotFoundError for an unknown criterion)."""
        self.criterion(criterion_id)
        return tuple(c for c in self.controls if criterion_id in c.criteria)

    def controls_for_risk(self, risk_id: str) -> tuple[Control, ...]:
        """The controls that mitigate a risk (NotFoundError for an unknown risk)."""
        self.risk(risk_id)
        return tuple(c for c in self.controls if risk_id in c.risks)

    def criteria_in(self, category: TscCategory) -> tuple[Criterion, ...]:
        """The criteria of one TSC category."""
        return tuple(c for c in self.criteria if c.category is category)

    def risks_in(self, category: TscCategory) -> tuple[AIRisk, ...]:
        """The AI risks that threaten one TSC category most."""
        return tuple(r for r in self.risks if r.tsc_category is category)

    def controls_in(self, category: TscCategory) -> tuple[Control, ...]:
        """The controls that map to at least one criterion of a TSC category."""
        return tuple(
            c for c in self.controls if any(category_of(x) is category for x in c.criteria)
        )

    def coverage(self) -> Coverage:
        """Which controls cover each criterion and mitigate each risk, with a summary."""
        by_criterion: dict[str, list[ControlId]] = {c.id: [] for c in self.criteria}
        by_risk: dict[str, list[ControlId]] = {r.id: [] for r in self.risks}
        for control in self.controls:
            _add(by_criterion, control.criteria, control.id)
            _add(by_risk, control.risks, control.id)
        criteria = tuple(
            CriterionCoverage(
                id=CriterionId(c.id),
                category=c.category,
                series=c.series,
                title=c.title,
                controls=tuple(by_criterion[c.id]),
            )
            for c in self.criteria
        )
        risks = tuple(
            RiskCoverage(
                id=RiskId(r.id),
                title=r.title,
                source=r.source,
                tsc_category=r.tsc_category,
                controls=tuple(by_risk[r.id]),
            )
            for r in self.risks
        )
        return Coverage(
            summary=summarise(criteria, risks, len(self.controls)),
            criteria=criteria,
            risks=risks,
        )

    def summary(self) -> CoverageSummary:
        """The headline counts: criteria covered n/61, AI risks covered n/total."""
        return self.coverage().summary

    def document(self) -> dict[str, Any]:
        """The whole catalog as plain JSON-ready data, in the YAML files' schema."""
        return {
            "criteria": [c.model_dump(mode="json") for c in self.criteria],
            "risks": [r.model_dump(mode="json") for r in self.risks],
            "controls": [c.model_dump(mode="json") for c in self.controls],
        }


def _add(index: dict[str, list[ControlId]], keys: Iterable[str], control: ControlId) -> None:
    # Keys the index does not know were refused by the loader; skip rather than fail here
    # so a Catalog built by hand can still report its coverage.
    for key in keys:
        if key in index:
            index[key].append(control)
