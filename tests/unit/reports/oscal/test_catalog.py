"""The OSCAL catalog and profile built from the shipped catalog."""

from __future__ import annotations

from typing import Any

from aiattest.catalog import Catalog
from aiattest.catalog.models import category_of
from aiattest.reports.oscal.catalog import (
    AI_GOVERNANCE,
    catalog_document,
    governance_control_ids,
    group_of,
    profile_document,
)
from aiattest.reports.oscal.common import OSCAL_VERSION
from tests.unit.reports.oscal.conftest import GENERATED_AT, TRESTLE_MODELS


def _controls(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for g in doc["catalog"]["groups"] for c in g["controls"]]


def _values(control: dict[str, Any], name: str) -> list[str]:
    return [p["value"] for p in control["props"] if p["name"] == name]


def test_catalog_validates_and_has_one_oscal_control_per_catalog_control(catalog: Catalog) -> None:
    doc = catalog_document(catalog, "acme", GENERATED_AT)
    TRESTLE_MODELS["catalog"].model_validate(doc["catalog"])
    ids = [c["id"] for c in _controls(doc)]
    assert sorted(ids) == sorted(c.id for c in catalog.controls)
    assert len(ids) == len(set(ids)) == len(catalog.controls)


def test_metadata(catalog: Catalog) -> None:
    meta = catalog_document(catalog, "acme", GENERATED_AT)["catalog"]["metadata"]
    assert meta["oscal-version"] == OSCAL_VERSION == "1.1.2"
    assert meta["last-modified"] == "2026-11-02T09:30:00Z"
    assert meta["title"] == "aiattest controls for acme"
    assert len(meta["version"]) == 16


def test_groups_are_the_tsc_categories_and_ai_governance(catalog: Catalog) -> None:
    groups = catalog_document(catalog, "acme", GENERATED_AT)["catalog"]["groups"]
    assert [g["id"] for g in groups] == [
        "security",
        "availability",
        "processing-integrity",
        "confidentiality",
        "privacy",
        AI_GOVERNANCE,
    ]
    governance = next(g for g in groups if g["id"] == AI_GOVERNANCE)
    assert {c["id"] for c in governance["controls"]} == governance_control_ids()
    assert {"model-inventory", "rag-knowledge-base-provenance"} <= governance_control_ids()
    for group in groups[:-1]:
        for control in group["controls"]:
            first = catalog.control(control["id"]).criteria[0]
            assert category_of(first).value.replace("_", "-") == group["id"]


def test_group_of_uses_the_first_criterion_outside_ai_governance(catalog: Catalog) -> None:
    assert group_of(catalog.control("prompt-injection-defense")) == "security"
    assert group_of(catalog.control("multi-model-fallback")) == "availability"
    assert group_of(catalog.control("model-inventory")) == AI_GOVERNANCE


def test_control_carries_parts_properties_and_crosswalk_ids(catalog: Catalog) -> None:
    doc = catalog_document(catalog, "acme", GENERATED_AT)
    control = next(c for c in _controls(doc) if c["id"] == "model-inventory")
    source = catalog.control("model-inventory")
    parts = {p["name"]: p for p in control["parts"]}
    assert parts["statement"]["prose"] == source.description
    assert parts["statement"]["id"] == "model-inventory_smt"
    assert parts["guidance"]["prose"] == source.guidance
    assert parts["evidence"]["prose"].count("\n- ") == len(source.evidence) - 1
    assert _values(control, "frequency") == ["continuous"]
    assert _values(control, "automation") == ["automated"]
    assert _values(control, "owner-role") == ["ml-lead"]
    assert _values(control, "nature") == ["preventive"]
    assert _values(control, "tsc-criterion") == ["CC2.1", "CC6.1", "CC8.1"]
    assert _values(control, "ai-risk") == ["owasp-llm03", "model-theft"]
    assert _values(control, "owasp-llm-2025") == ["LLM03"]
    assert _values(control, "nist-ai-rmf-1.0") == ["GOVERN 1.6"]
    assert _values(control, "iso-iec-42001-2023") == ["A.4.2", "A.6.2.7"]
    assert _values(control, "eu-ai-act-2024-1689") == ["Art. 11"]
    assert _values(control, "check") == ["model-inventory-complete"]


def test_every_crosswalk_id_of_the_catalog_is_exported(catalog: Catalog) -> None:
    doc = catalog_document(catalog, "acme", GENERATED_AT)
    exported = {c["id"]: c for c in _controls(doc)}
    for control in catalog.controls:
        for field, name in [("owasp_llm", "owasp-llm-2025"), ("eu_ai_act", "eu-ai-act-2024-1689")]:
            assert _values(exported[control.id], name) == list(getattr(control.crosswalks, field))


def test_profile_imports_the_catalog_and_selects_everything() -> None:
    doc = profile_document("acme", GENERATED_AT)
    TRESTLE_MODELS["profile"].model_validate(doc["profile"])
    assert doc["profile"]["imports"] == [{"href": "catalog.json", "include-all": {}}]
