"""The catalog's value types: criteria, AI risks, controls, crosswalks, and their enums.

All models are frozen pydantic models that refuse unknown fields, so a typo in a YAML
file is an error rather than a silently ignored key.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, NewType, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

ControlId = NewType("ControlId", str)
"""A control's stable kebab-case slug, e.g. ``prompt-injection-defense``."""
CriterionId = NewType("CriterionId", str)
"""A Trust Services Criteria id, e.g. ``CC6.1``."""
RiskId = NewType("RiskId", str)
"""An AI risk's kebab-case slug, e.g. ``prompt-injection`` or ``owasp-llm01``."""

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
CRITERION_PATTERN = r"^(CC[1-9]|A1|PI1|C1|P[1-8])\.[1-9]$"
CHECK_PATTERN = r"^[a-z0-9]+([._-][a-z0-9]+)*$"
OWASP_LLM_PATTERN = r"^LLM(0[1-9]|10)$"
NIST_AI_RMF_PATTERN = r"^(GOVERN|MAP|MEASURE|MANAGE) [1-6]\.[1-9][0-9]?$"
ISO42001_PATTERN = r"^A\.([2-9]|10)\.[1-9](\.[1-9])?$"
EU_AI_ACT_PATTERN = r"^Art\. [1-9][0-9]{0,2}(\([1-9][0-9]?\))?$"
EU_AI_ACT_LAST_ARTICLE = 113
"""Regulation (EU) 2024/1689 has 113 articles."""

_Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
_CriterionRef = Annotated[str, StringConstraints(pattern=CRITERION_PATTERN)]
_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_CheckRef = Annotated[str, StringConstraints(pattern=CHECK_PATTERN)]
_OwaspRef = Annotated[str, StringConstraints(pattern=OWASP_LLM_PATTERN)]
_NistRef = Annotated[str, StringConstraints(pattern=NIST_AI_RMF_PATTERN)]
_IsoRef = Annotated[str, StringConstraints(pattern=ISO42001_PATTERN)]
_EuRef = Annotated[str, StringConstraints(pattern=EU_AI_ACT_PATTERN)]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class TscCategory(StrEnum):
    """The five Trust Services Criteria categories; the CC series belong to security."""

    SECURITY = "security"
    AVAILABILITY = "availability"
    PROCESSING_INTEGRITY = "processing_integrity"
    CONFIDENTIALITY = "confidentiality"
    PRIVACY = "privacy"


class Frequency(StrEnum):
    """How often a control operates."""

    CONTINUOUS = "continuous"
    PER_EVENT = "per_event"
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


class Nature(StrEnum):
    """Whether a control stops a problem, finds it, or fixes it."""

    PREVENTIVE = "preventive"
    DETECTIVE = "detective"
    CORRECTIVE = "corrective"


class Automation(StrEnum):
    """Whether a control runs by itself, by people, or both."""

    AUTOMATED = "automated"
    MANUAL = "manual"
    HYBRID = "hybrid"


class RiskSource(StrEnum):
    """Where an AI risk comes from."""

    SEED = "seed"
    """The TSC mapping table of the SOC 2 for AI guide."""
    OWASP_LLM_2025 = "owasp_llm_2025"
    """The OWASP Top 10 for LLM Applications 2025."""
    AGENT = "agent"
    """Risks particular to agents that call tools."""


class OwnerRole(StrEnum):
    """The organisational role accountable for a control (not a platform login role)."""

    LEADERSHIP = "leadership"
    """Executive management and the board or its committee."""
    COMPLIANCE_LEAD = "compliance-lead"
    SECURITY_LEAD = "security-lead"
    PRIVACY_OFFICER = "privacy-officer"
    ENGINEERING_LEAD = "engineering-lead"
    ML_LEAD = "ml-lead"
    """Owns models, data sets and evaluations (the model-developer role's lead)."""
    OPERATIONS_LEAD = "operations-lead"
    """Owns production operation: uptime, capacity, recovery (the operator role's lead)."""
    PEOPLE_LEAD = "people-lead"
    """Human resources: hiring, screening, training, discipline."""


_SERIES_CATEGORY = {
    "CC": TscCategory.SECURITY,
    "A": TscCategory.AVAILABILITY,
    "PI": TscCategory.PROCESSING_INTEGRITY,
    "C": TscCategory.CONFIDENTIALITY,
    "P": TscCategory.PRIVACY,
}


def category_of(criterion_id: str) -> TscCategory:
    """The category a criterion id belongs to, from its series prefix (CC6.1 → security)."""
    prefix = criterion_id.split(".", 1)[0].rstrip("0123456789")
    return _SERIES_CATEGORY[prefix]


class Criterion(BaseModel):
    """One criterion of the 2017 Trust Services Criteria (points of focus revised 2022)."""

    model_config = _FROZEN

    id: Annotated[CriterionId, StringConstraints(pattern=CRITERION_PATTERN)]
    """The criterion id, e.g. ``CC6.1``."""
    category: TscCategory
    """The category; every CC criterion is security."""
    series: _Text
    """The series code and our name for it, e.g. ``CC6 Logical and physical access``."""
    title: _Text
    """A short summary in our own words (never the AICPA wording)."""

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.category is not category_of(self.id):
            raise ValueError(f"category must be {category_of(self.id).value} for {self.id}")
        code = self.id.split(".", 1)[0]
        if self.series.split(" ", 1)[0] != code:
            raise ValueError(f"series must start with {code!r}")
        return self


class AIRisk(BaseModel):
    """A risk particular to AI systems that controls mitigate."""

    model_config = _FROZEN

    id: Annotated[RiskId, StringConstraints(pattern=SLUG_PATTERN)]
    """Kebab-case slug; OWASP entries are ``owasp-llm01`` … ``owasp-llm10``."""
    title: _Text
    """A short name."""
    source: RiskSource
    """Where the risk comes from."""
    tsc_category: TscCategory
    """The TSC category the risk threatens most."""
    description: _Text
    """What can go wrong, in our words."""


class Crosswalks(BaseModel):
    """Ids of the same control in other frameworks (ids only, never their text)."""

    model_config = _FROZEN

    owasp_llm: tuple[_OwaspRef, ...] = ()
    """OWASP Top 10 for LLM Applications 2025 ids, e.g. ``LLM01``."""
    nist_ai_rmf: tuple[_NistRef, ...] = ()
    """NIST AI RMF 1.0 subcategories, e.g. ``MEASURE 2.7``."""
    iso42001: tuple[_IsoRef, ...] = ()
    """ISO/IEC 42001:2023 Annex A control ids, e.g. ``A.6.2.6``."""
    eu_ai_act: tuple[_EuRef, ...] = ()
    """EU AI Act article references, e.g. ``Art. 14`` or ``Art. 26(5)``."""

    @model_validator(mode="after")
    def _articles_exist(self) -> Self:
        for ref in self.eu_ai_act:
            number = int(ref.removeprefix("Art. ").split("(", 1)[0])
            if number > EU_AI_ACT_LAST_ARTICLE:
                raise ValueError(f"{ref!r}: the EU AI Act has {EU_AI_ACT_LAST_ARTICLE} articles")
        return self


class Control(BaseModel):
    """What the organisation does to meet criteria and mitigate AI risks."""

    model_config = _FROZEN

    id: Annotated[ControlId, StringConstraints(pattern=SLUG_PATTERN)]
    """Stable kebab-case slug, e.g. ``prompt-injection-defense``."""
    title: _Text
    """A short name."""
    description: _Text
    """What the control does."""
    guidance: _Text
    """How to implement it."""
    criteria: tuple[_CriterionRef, ...] = Field(min_length=1)
    """The TSC criteria it helps meet."""
    risks: tuple[_Slug, ...] = ()
    """The AI risks it mitigates."""
    owner_role: OwnerRole
    """Who is accountable for it."""
    frequency: Frequency
    """How often it operates."""
    nature: Nature
    """Preventive, detective or corrective."""
    automation: Automation
    """Automated, manual or hybrid."""
    evidence: tuple[_Text, ...] = Field(min_length=1)
    """The evidence an auditor can expect."""
    checks: tuple[_CheckRef, ...] = ()
    """Ids of the automated checks that test it (registered by the evidence package)."""
    crosswalks: Crosswalks = Field(default_factory=Crosswalks)
    """The same control in other frameworks."""

    @property
    def criterion_ids(self) -> tuple[CriterionId, ...]:
        """The criteria as typed ids."""
        return tuple(CriterionId(c) for c in self.criteria)

    @property
    def risk_ids(self) -> tuple[RiskId, ...]:
        """The risks as typed ids."""
        return tuple(RiskId(r) for r in self.risks)
