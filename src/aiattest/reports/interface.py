"""The ``Exporter`` seam and the report values that cross it.

An exporter turns one report value into the bytes of one file (HTML, PDF, CSV, XLSX,
Markdown). Report values are frozen and hold everything a renderer needs, so renderers are
pure: the database is read once, by the loaders, before any exporter runs.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from aiattest.assess.model import Assessment
from aiattest.assess.operation import Outcome
from aiattest.errors import ConfigError

ReportT_contra = TypeVar("ReportT_contra", contravariant=True)


class Exporter(ABC, Generic[ReportT_contra]):
    """Renders a report value as the bytes of one file."""

    media_type: ClassVar[str]
    """The IANA media type of what ``export`` returns."""
    suffix: ClassVar[str]
    """The file name suffix, with its dot (``.html``)."""

    @abstractmethod
    def export(self, report: ReportT_contra) -> bytes:
        """The file's content."""

    def write(self, report: ReportT_contra, path: Path) -> Path:
        """Export ``report`` to ``path`` and return the path."""
        path.write_bytes(self.export(report))
        return path


def missing_extra(module: str, what: str) -> ConfigError:
    """The error for an optional back end that is not installed (the ``reports`` extra)."""
    return ConfigError(
        f"{what} needs the optional package {module!r}",
        hint="install the reports extra: pip install 'aiattest[reports]'",
    )


def anchor(*parts: str) -> str:
    """A link target made of ``parts``: lower case, runs of other characters as ``-``."""
    return re.sub(r"[^a-z0-9]+", "-", "-".join(parts).lower()).strip("-")


@dataclass(frozen=True, slots=True)
class ResultPoint:
    """One stored check result, reduced to what the reports chart and tabulate."""

    day: date
    """The last day of the period the result is about."""
    status: Outcome
    """pass, fail or exception."""
    control_id: str = ""
    """The control it is evidence for."""


@dataclass(frozen=True, slots=True)
class ReadinessReport:
    """What the readiness report shows: an assessment and the evidence behind it."""

    organisation: str
    """The organisation's display name."""
    assessment: Assessment
    """The assessment."""
    evidence: tuple[ResultPoint, ...] = ()
    """Stored check results, for the evidence-over-time chart."""
    top_gaps: int = 10
    """How many gaps the gap chart shows (the table lists them all)."""


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One control in the control matrix."""

    control_id: str
    """The control's id."""
    title: str
    """Its title."""
    criteria: tuple[str, ...]
    """TSC criteria it helps meet."""
    categories: tuple[str, ...]
    """TSC categories of those criteria."""
    risks: tuple[str, ...]
    """AI risks it mitigates."""
    owner_role: str
    """Accountable role."""
    frequency: str
    """How often it operates."""
    automation: str
    """automated, hybrid or manual."""
    checks: tuple[str, ...]
    """Automated checks that test it."""
    design_score: float | None
    """Type I design score, 0..1 (None: the assessment did not cover the control)."""
    operation_rate: float | None
    """Type II share of periods with passing evidence (None for Type I)."""
    score: float | None
    """The control's readiness, 0..1."""
    latest_status: str
    """Status of the newest stored result (empty when there is none)."""
    latest_date: date | None
    """Day of the newest stored result."""
    exceptions: int
    """Type II periods without passing evidence; Type I: failed or excepted results."""
    evidence_expected: tuple[str, ...]
    """What an auditor can expect to see."""


@dataclass(frozen=True, slots=True)
class ControlMatrix:
    """The control matrix: one row per control of the catalog."""

    organisation: str
    """The organisation's display name."""
    assessment_type: str
    """``1`` or ``2``."""
    as_of: date
    """Day of the assessment."""
    rows: tuple[MatrixRow, ...]
    """One per control, in catalog order."""


@dataclass(frozen=True, slots=True)
class SystemEntry:
    """An AI system in scope."""

    name: str
    """Its name."""
    description: str
    """What it does."""
    components: tuple[str, ...]
    """Its parts."""
    endpoints: tuple[str, ...]
    """Where it is reached."""
    data_classes: tuple[str, ...]
    """Classifications of the data it handles."""
    sla_tier: str
    """Availability tier."""
    owners: tuple[str, ...]
    """Accountable owners."""
    automated_decisions: bool
    """Whether it decides about individuals by itself."""


@dataclass(frozen=True, slots=True)
class ModelEntry:
    """A model version in production."""

    name: str
    """Model name."""
    version: str
    """Version."""
    system: str
    """The system using it (empty when none)."""
    provider: str
    """Provider or ``self-hosted``."""
    risk_tier: str
    """Risk tier."""
    purpose: str
    """Intended use."""


@dataclass(frozen=True, slots=True)
class DatasetEntry:
    """A dataset used for training, evaluation or retrieval."""

    name: str
    """Its name."""
    classification: str
    """Its classification."""
    contains_pii: bool
    """Whether it holds personal data."""
    region: str
    """Where it is stored."""
    owner: str
    """Accountable owner."""


@dataclass(frozen=True, slots=True)
class Complementary:
    """A CSOC or a CUEC."""

    id: str
    """Its short id."""
    description: str
    """The control."""
    criteria: tuple[str, ...]
    """Criteria it supports."""


@dataclass(frozen=True, slots=True)
class VendorEntry:
    """A sub-service organisation and the complementary controls it brings."""

    name: str
    """Vendor name."""
    kind: str
    """llm-provider, vector-db, cloud or other."""
    services: tuple[str, ...]
    """Services used."""
    inclusion: str
    """carve-out or inclusive."""
    soc2_report_type: str
    """type1, type2 or none."""
    soc2_period_end: date | None
    """End of the period its report covers."""
    csocs: tuple[Complementary, ...]
    """What we rely on the vendor to do."""
    cuecs: tuple[Complementary, ...]
    """What our customers must do because of it."""
    findings: tuple[str, ...] = ()
    """What weakens reliance on it on the as-of day (stale report, no DPA, ...), with
    severity and code, from the vendor review."""


@dataclass(frozen=True, slots=True)
class Process:
    """A process the description summarises, with the figures that show it runs."""

    name: str
    """e.g. change management."""
    summary: str
    """One paragraph, generated from the registers."""


@dataclass(frozen=True, slots=True)
class Appendix:
    """A document appended to the description (a model card, a policy)."""

    anchor: str
    """Stable id for links (``model-card-support-llm-gpt-4o``)."""
    title: str
    """Heading."""
    markdown: str
    """The document as Markdown."""


@dataclass(frozen=True, slots=True)
class SystemDescription:
    """A skeleton of section III of a SOC 2 report, filled from the registers."""

    organisation: str
    """The organisation's display name."""
    as_of: date
    """Day the description speaks for."""
    systems: tuple[SystemEntry, ...]
    """AI systems in scope."""
    models: tuple[ModelEntry, ...]
    """Models in production."""
    datasets: tuple[DatasetEntry, ...]
    """Datasets."""
    roles: tuple[tuple[str, int], ...]
    """Active people and service accounts per platform role."""
    processes: tuple[Process, ...]
    """Change management, incidents, access reviews."""
    vendors: tuple[VendorEntry, ...]
    """Sub-service organisations."""
    model_cards: tuple[Appendix, ...] = ()
    """Cards of the production models."""
    policies: tuple[Appendix, ...] = ()
    """The organisation's rendered policies."""
    window: tuple[date, date] | None = field(default=None)
    """Type II window, when the description covers a period."""
