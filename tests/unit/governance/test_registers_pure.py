"""Pure parts of the registers: the diff that apply shows, managed fields, merge patches,
and the spec rules that refuse inconsistent records."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from pydantic import ValidationError

from aiattest.governance import registers
from aiattest.governance.api.registers import _merge
from aiattest.governance.schemas import (
    DatasetSpec,
    IncidentSpec,
    ModelSpec,
    RiskSpec,
    VendorSpec,
)

MODELS = registers.REGISTERS["models"]


def row_of(spec: ModelSpec, **stored: Any) -> SimpleNamespace:
    """A stand-in row with the columns a ModelVersion has."""
    data = spec.model_dump(mode="json", exclude={"risk_notes"})
    data |= {"risk_rationale": "M1: processes personal data", "status": "production",
             "deployment_alias": None, "rollout_percent": 100, **stored}  # fmt: skip
    return SimpleNamespace(**data)


def test_diff_names_changed_fields_and_ignores_unset_managed_ones() -> None:
    spec = ModelSpec(name="m", version="1", provider="openai")
    assert registers.diff(MODELS, None, spec).action == "create"
    row = row_of(spec)
    assert registers.spec_of(MODELS, row).status == "production"
    same = registers.diff(MODELS, row, spec)
    assert (same.action, same.fields) == ("unchanged", {})
    wanted = spec.model_copy(update={"purpose": "x", "status": "retired"})
    moved = registers.diff(MODELS, row, wanted)
    assert moved.fields == {"purpose": ("", "x"), "status": ("production", "retired")}


def test_merge_patch() -> None:
    target = {"a": 1, "b": {"c": 2, "d": 3}, "e": [1]}
    assert _merge(target, {"b": {"c": None, "x": 4}, "e": [2], "a": None}) == {
        "b": {"d": 3, "x": 4}, "e": [2]}  # fmt: skip
    assert target == {"a": 1, "b": {"c": 2, "d": 3}, "e": [1]}  # not mutated


@pytest.mark.parametrize(
    ("model", "data", "message"),
    [
        (ModelSpec, {"name": "m", "version": "1", "provider": "self-hosted",
                     "self_hosted": True}, "needs its artifact_digest"),
        (DatasetSpec, {"name": "d", "source": "s", "classification": "internal",
                       "contains_pii": True, "region": "eu", "encryption": "AES-256-GCM",
                       "owner": "o"}, "needs a legal_basis"),
        (VendorSpec, {"name": "v", "kind": "llm-provider", "soc2_report_type": "type2"},
         "needs its soc2_period_end"),
        (VendorSpec, {"name": "v", "kind": "cloud", "soc2_report_type": "none",
                      "csocs": [{"id": "C1", "description": "d", "criteria": ["cc6.1"]}]},
         "not criterion ids: cc6.1"),
        (RiskSpec, {"name": "r", "title": "t", "likelihood": 2, "impact": 2,
                    "residual_likelihood": 3, "residual_impact": 2, "treatment": "accept",
                    "owner": "o"}, "cannot exceed the inherent score"),
        (IncidentSpec, {"name": "i", "title": "t", "type": "drift", "severity": "sev3",
                        "status": "closed", "owner": "o", "opened_at": "2026-01-01T00:00:00Z",
                        "resolved_at": "2026-01-02T00:00:00Z"}, "needs a postmortem"),
        (IncidentSpec, {"name": "i", "title": "t", "type": "drift", "severity": "sev3",
                        "owner": "o", "opened_at": "2026-01-01T00:00:00"},
         "timezone"),
    ],
)  # fmt: skip
def test_specs_refuse_inconsistent_records(model: Any, data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        model.model_validate(data)
