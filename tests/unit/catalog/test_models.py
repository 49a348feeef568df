"""The catalog's typed models: consistency rules, patterns and immutability."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from aiattest.catalog import Control, Criterion, Crosswalks, TscCategory
from aiattest.catalog.models import category_of


def _control(**changes: Any) -> dict[str, Any]:
    return {
        "id": "x-control",
        "title": "X",
        "description": "d",
        "guidance": "g",
        "criteria": ["CC6.1"],
        "owner_role": "security-lead",
        "frequency": "per_event",
        "nature": "detective",
        "automation": "hybrid",
        "evidence": ["e"],
    } | changes


def test_category_follows_the_series_prefix() -> None:
    assert category_of("CC9.2") is TscCategory.SECURITY
    assert category_of("C1.2") is TscCategory.CONFIDENTIALITY
    assert category_of("PI1.4") is TscCategory.PROCESSING_INTEGRITY
    assert category_of("P6.7") is TscCategory.PRIVACY
    assert category_of("A1.1") is TscCategory.AVAILABILITY
    with pytest.raises(ValidationError, match="category must be privacy"):
        Criterion(id="P1.1", category="confidentiality", series="P1 Notice", title="t")
    with pytest.raises(ValidationError, match="series must start with 'CC6'"):
        Criterion(id="CC6.1", category="security", series="CC7 Operations", title="t")
    with pytest.raises(ValidationError, match="id"):
        Criterion(id="CC10.1", category="security", series="CC10 x", title="t")


def test_control_needs_criteria_and_evidence() -> None:
    assert Control.model_validate(_control()).risks == ()
    with pytest.raises(ValidationError, match="criteria"):
        Control.model_validate(_control(criteria=[]))
    with pytest.raises(ValidationError, match="evidence"):
        Control.model_validate(_control(evidence=[]))
    with pytest.raises(ValidationError, match="title"):
        Control.model_validate(_control(title="   "))


def test_models_are_frozen() -> None:
    control = Control.model_validate(_control())
    with pytest.raises(ValidationError, match="frozen"):
        control.title = "changed"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("owasp_llm", "LLM10", "LLM00"),
        ("nist_ai_rmf", "MEASURE 2.13", "MEASURE-2.13"),
        ("iso42001", "A.10.4", "A.1.1"),
        ("eu_ai_act", "Art. 26(5)", "Art 26"),
    ],
)
def test_crosswalk_patterns(field: str, good: str, bad: str) -> None:
    assert getattr(Crosswalks.model_validate({field: [good]}), field) == (good,)
    with pytest.raises(ValidationError, match=field):
        Crosswalks.model_validate({field: [bad]})


def test_eu_ai_act_article_range() -> None:
    assert Crosswalks(eu_ai_act=("Art. 113",)).eu_ai_act == ("Art. 113",)
    with pytest.raises(ValidationError, match="113 articles"):
        Crosswalks(eu_ai_act=("Art. 114",))
