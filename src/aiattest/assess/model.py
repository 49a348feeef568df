"""The values an assessment produces: per-control design (Type I) and operation (Type II)
results, readiness by TSC category, gaps and the roadmap. Reports and exports read these."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from aiattest.assess.operation import ControlOperation
from aiattest.assess.periods import Window


class AssessmentType(StrEnum):
    """SOC 2 report type the assessment prepares for."""

    TYPE_1 = "1"
    """Design of controls at a point in time."""
    TYPE_2 = "2"
    """Design and operating effectiveness over a window."""


@dataclass(frozen=True, slots=True)
class DesignResult:
    """Type I: is the control designed? Each criterion of design, and the share met."""

    described: bool
    """The control has a description and guidance."""
    owner_assigned: bool
    """An owner (a person or role of the organisation) is accountable for it."""
    policy_linked: bool
    """An approved policy of the organisation covers it."""
    evidence_defined: bool
    """It names automated checks, or manual evidence is requested or uploaded."""
    operated: bool
    """It has operated at least once (a check result or a valid artefact exists)."""

    @property
    def score(self) -> float:
        """Share of the five design criteria met (0..1)."""
        met = (
            self.described,
            self.owner_assigned,
            self.policy_linked,
            self.evidence_defined,
            self.operated,
        )
        return sum(met) / len(met)


@dataclass(frozen=True, slots=True)
class ControlAssessment:
    """One control's assessment."""

    control_id: str
    """The control."""
    title: str
    """Its title."""
    categories: tuple[str, ...]
    """TSC categories its criteria belong to (security, availability, ...)."""
    automation: str
    """automated, hybrid or manual."""
    frequency: str
    """How often it must operate."""
    owner: str
    """Accountable owner (role or person)."""
    design: DesignResult
    """Type I result."""
    operation: ControlOperation | None
    """Type II result over the window (None for a Type I assessment)."""
    score: float
    """The control's readiness, 0..1 (see ``readiness`` for the formula)."""


@dataclass(frozen=True, slots=True)
class CategoryScore:
    """Readiness of one TSC category."""

    category: str
    """security, availability, processing_integrity, confidentiality or privacy."""
    score: float
    """0..1."""
    controls: int
    """Controls counted."""
    ready: int
    """Controls whose score is 1.0."""


@dataclass(frozen=True, slots=True)
class Gap:
    """A control that is not ready, with why and what to do."""

    control_id: str
    """The control."""
    title: str
    """Its title."""
    impact: float
    """How much readiness the gap costs (higher first)."""
    reasons: tuple[str, ...]
    """What is missing (design criteria unmet, periods without passing evidence)."""
    remediation: str
    """What to do about it."""
    exceptions: tuple[str, ...] = ()
    """Period labels without passing evidence (Type II), oldest first."""


@dataclass(frozen=True, slots=True)
class RoadmapPhase:
    """One phase of the path to the audit (the guide's timeline)."""

    name: str
    """e.g. gap assessment, control design, implementation, Type I readiness and mock
    audit, Type I audit, Type II observation."""
    start: date
    """First day."""
    end: date
    """Last day."""
    note: str = ""
    """Why it is as long as it is (e.g. shortened because checks already run)."""


@dataclass(frozen=True, slots=True)
class Assessment:
    """A readiness assessment of one organisation."""

    organisation: str
    """Organisation slug."""
    type: AssessmentType
    """Type I or Type II."""
    as_of: date
    """Day of the assessment."""
    window: Window | None
    """Type II window (None for Type I)."""
    controls: tuple[ControlAssessment, ...]
    """Every control of the catalog."""
    categories: tuple[CategoryScore, ...]
    """Readiness per TSC category."""
    overall: float
    """Overall readiness, 0..1."""
    gaps: tuple[Gap, ...]
    """Gaps, highest impact first."""
    roadmap: tuple[RoadmapPhase, ...] = field(default=())
    """The phases to the audit."""
