"""The system security plan built from register facts."""

from __future__ import annotations

from typing import Any

from aiattest.catalog import Catalog
from aiattest.reports.oscal.common import Uuids
from aiattest.reports.oscal.ssp import THIS_SYSTEM, ssp_document
from tests.unit.reports.oscal.conftest import GENERATED_AT, TRESTLE_MODELS, inventory


def _plan(catalog: Catalog, **overrides: Any) -> dict[str, Any]:
    doc = ssp_document(inventory(**overrides), catalog, GENERATED_AT)
    TRESTLE_MODELS["system-security-plan"].model_validate(doc["system-security-plan"])
    plan: dict[str, Any] = doc["system-security-plan"]
    return plan


def test_plan_imports_the_profile_and_describes_the_system(catalog: Catalog) -> None:
    plan = _plan(catalog)
    assert plan["import-profile"] == {"href": "profile.json"}
    system = plan["system-characteristics"]
    assert system["system-name"] == "Acme Lending AI systems"
    assert "helpdesk (Answers customer questions.)" in system["description"]
    assert system["status"] == {"state": "operational"}
    boundary = system["authorization-boundary"]["description"]
    assert "openai (carve-out)" in boundary
    assert "cloudco (inclusive)" in boundary


def test_information_types_and_impact_follow_the_data_classes(catalog: Catalog) -> None:
    system = _plan(catalog)["system-characteristics"]
    types = {t["title"]: t for t in system["system-information"]["information-types"]}
    assert sorted(types) == [
        "Confidential data",
        "Internal data",
        "Personal data",
        "Public data",
        "Restricted data",
    ]
    assert types["Restricted data"]["confidentiality-impact"] == {"base": "fips-199-high"}
    assert types["Public data"]["confidentiality-impact"] == {"base": "fips-199-low"}
    # The scoring system decides about people and is held to the critical tier.
    assert types["Confidential data"]["integrity-impact"] == {"base": "fips-199-moderate"}
    assert types["Confidential data"]["availability-impact"] == {"base": "fips-199-high"}
    assert system["security-sensitivity-level"] == "fips-199-high"
    assert system["security-impact-level"]["security-objective-integrity"] == "fips-199-moderate"


def test_sensitivity_is_low_for_public_data_only(catalog: Catalog) -> None:
    system = _plan(catalog, systems=(), datasets=(), models=(), knowledge_bases=())[
        "system-characteristics"
    ]
    assert system["security-sensitivity-level"] == "fips-199-low"
    assert system["status"] == {"state": "under-development"}


def test_users_by_role_reference_metadata_roles(catalog: Catalog) -> None:
    plan = _plan(catalog)
    users = plan["system-implementation"]["users"]
    assert [u["title"] for u in users] == [
        "admin",
        "model-developer",
        "operator",
        "consumer",
        "auditor",
    ]
    operator = next(u for u in users if u["title"] == "operator")
    assert operator["props"][0]["value"] == "2"
    roles = {r["id"] for r in plan["metadata"]["roles"]}
    assert {r for u in users for r in u["role-ids"]} <= roles


def test_components_include_this_system_and_vendors(catalog: Catalog) -> None:
    components = _plan(catalog)["system-implementation"]["components"]
    assert components[0]["type"] == THIS_SYSTEM
    titles = [c["title"] for c in components]
    assert "aiattest gateway" in titles
    assert titles[-2:] == ["openai", "cloudco"]


def test_one_requirement_per_control_with_by_component_statements(catalog: Catalog) -> None:
    plan = _plan(catalog)
    requirements = plan["control-implementation"]["implemented-requirements"]
    assert [r["control-id"] for r in requirements] == [c.id for c in catalog.controls]
    uuids = Uuids("acme")
    declared = {c["uuid"] for c in plan["system-implementation"]["components"]}
    by_id = {r["control-id"]: r for r in requirements}
    for requirement in requirements:
        assert requirement["by-components"]
        assert {b["component-uuid"] for b in requirement["by-components"]} <= declared
    # A runtime control is the gateway's; an organisational one the whole system's.
    (gateway,) = by_id["prompt-injection-defense"]["by-components"]
    assert gateway["component-uuid"] == uuids("component", "aiattest-gateway")
    (board,) = by_id["governance-board-oversight"]["by-components"]
    assert board["component-uuid"] == uuids("component", THIS_SYSTEM)
    assert "owned by the leadership" in board["description"]
    # data-lineage is carried by every model and by the RAG pipeline.
    assert len(by_id["data-lineage"]["by-components"]) == 4
