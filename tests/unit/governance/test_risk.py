"""Risk questionnaire -> tier, with the rule that fired, and what each tier requires."""

from __future__ import annotations

from typing import Any

import pytest

from aiattest.governance.risk import RULES, RiskAnswers, Tier, assess, tier_policy


@pytest.mark.parametrize(
    ("answers", "tier", "rule"),
    [
        ({}, Tier.LOW, "L1"),
        ({"automated_decisions": True}, Tier.HIGH, "H1"),
        ({"safety_impact": True}, Tier.HIGH, "H2"),
        ({"financial_impact": "high"}, Tier.HIGH, "H3"),
        ({"personal_data": "sensitive"}, Tier.HIGH, "H4"),
        ({"autonomy": "autonomous", "user_population": "customers"}, Tier.HIGH, "H5"),
        ({"autonomy": "autonomous"}, Tier.MEDIUM, "M2"),
        ({"personal_data": "personal"}, Tier.MEDIUM, "M1"),
        ({"autonomy": "tools"}, Tier.MEDIUM, "M2"),
        ({"financial_impact": "low"}, Tier.MEDIUM, "M3"),
        ({"user_population": "public"}, Tier.MEDIUM, "M4"),
        # The first matching rule wins: a high rule beats a medium one.
        ({"personal_data": "personal", "automated_decisions": True}, Tier.HIGH, "H1"),
    ],
)
def test_tier_and_rule(answers: dict[str, Any], tier: Tier, rule: str) -> None:
    outcome = assess(RiskAnswers.model_validate(answers))
    assert (outcome.tier, outcome.rule) == (tier, rule)
    assert outcome.rationale == next(r.text for r in RULES if r.id == rule)


def test_tier_policy_orders_by_risk() -> None:
    high, medium, low = (tier_policy(t) for t in ("high", "medium", "low"))
    assert high.required_approvals == 2
    assert medium.required_approvals == low.required_approvals == 1
    assert high.min_human_review_rate > medium.min_human_review_rate > low.min_human_review_rate


def test_unknown_answer_is_refused() -> None:
    with pytest.raises(ValueError, match="financial_impact"):
        RiskAnswers.model_validate({"financial_impact": "huge"})
