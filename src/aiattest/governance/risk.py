"""Model risk assessment: a questionnaire, the rules that turn it into a tier, and what the
tier demands (approvals before production, minimum human-review rate).

Pure functions: the rules are evaluated in order and the first that matches sets the tier,
so the answer always names the one rule that fired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict


class Tier(StrEnum):
    """A model's risk tier."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class RiskAnswers(BaseModel):
    """The risk questionnaire of a model (or of a prompt or index change)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    automated_decisions: bool = False
    """Does it make or drive decisions about individuals without a person deciding?"""
    financial_impact: Literal["none", "low", "high"] = "none"
    """Can its output move money or change someone's financial position?"""
    safety_impact: bool = False
    """Can its output cause physical harm or affect health?"""
    personal_data: Literal["none", "personal", "sensitive"] = "none"
    """Personal data it processes (sensitive: health, biometrics, beliefs, children)."""
    autonomy: Literal["none", "tools", "autonomous"] = "none"
    """Whether it calls tools, or acts on its own without a person confirming."""
    user_population: Literal["internal", "customers", "public"] = "internal"
    """Who is exposed to its output."""


@dataclass(frozen=True)
class Rule:
    """One classification rule."""

    id: str
    """Stable id shown with the tier (``H1``)."""
    tier: Tier
    """The tier the rule sets."""
    text: str
    """Why, in one line."""
    matches: Callable[[RiskAnswers], bool]
    """Whether the rule applies to the answers."""


RULES: tuple[Rule, ...] = (
    Rule("H1", Tier.HIGH, "makes automated decisions about individuals",
         lambda a: a.automated_decisions),
    Rule("H2", Tier.HIGH, "can affect physical safety or health", lambda a: a.safety_impact),
    Rule("H3", Tier.HIGH, "has high financial impact", lambda a: a.financial_impact == "high"),
    Rule("H4", Tier.HIGH, "processes sensitive personal data",
         lambda a: a.personal_data == "sensitive"),
    Rule("H5", Tier.HIGH, "acts autonomously for users outside the organisation",
         lambda a: a.autonomy == "autonomous" and a.user_population != "internal"),
    Rule("M1", Tier.MEDIUM, "processes personal data", lambda a: a.personal_data == "personal"),
    Rule("M2", Tier.MEDIUM, "calls tools or acts autonomously", lambda a: a.autonomy != "none"),
    Rule("M3", Tier.MEDIUM, "has some financial impact", lambda a: a.financial_impact == "low"),
    Rule("M4", Tier.MEDIUM, "is exposed to the public", lambda a: a.user_population == "public"),
    Rule("L1", Tier.LOW, "internal use, no personal data, no autonomy, no material impact",
         lambda a: True),
)  # fmt: skip


@dataclass(frozen=True)
class Assessment:
    """The outcome of a risk assessment."""

    tier: Tier
    """The risk tier."""
    rule: str
    """Id of the rule that fired."""
    rationale: str
    """The rule's reason."""


@dataclass(frozen=True)
class TierPolicy:
    """What a tier demands."""

    required_approvals: int
    """Distinct approvers (none of them the requester) before production."""
    min_human_review_rate: float
    """Share of outputs a person reviews (0..1)."""


TIER_POLICIES: dict[Tier, TierPolicy] = {
    Tier.HIGH: TierPolicy(required_approvals=2, min_human_review_rate=0.10),
    Tier.MEDIUM: TierPolicy(required_approvals=1, min_human_review_rate=0.02),
    Tier.LOW: TierPolicy(required_approvals=1, min_human_review_rate=0.005),
}


def assess(answers: RiskAnswers) -> Assessment:
    """The tier of ``answers`` and the first rule that fired."""
    for rule in RULES:
        if rule.matches(answers):
            return Assessment(tier=rule.tier, rule=rule.id, rationale=rule.text)
    raise AssertionError("the last rule matches everything")  # pragma: no cover


def tier_policy(tier: Tier | str) -> TierPolicy:
    """Approvals and human-review rate a tier requires."""
    return TIER_POLICIES[Tier(tier)]
