"""Which components carry which controls, and the component definition."""

from __future__ import annotations

from typing import Any

from aiattest.catalog import Catalog
from aiattest.reports.oscal import ModelFacts
from aiattest.reports.oscal.common import Uuids
from aiattest.reports.oscal.components import (
    GATEWAY,
    build_components,
    component_definition,
    load_assignments,
)
from tests.unit.reports.oscal.conftest import GENERATED_AT, TRESTLE_MODELS, inventory


def _by_title(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["title"]: c for c in doc["component-definition"]["components"]}


def _controls(component: dict[str, Any]) -> list[str]:
    (implementation,) = component["control-implementations"]
    return [r["control-id"] for r in implementation["implemented-requirements"]]


def test_assignment_names_only_catalog_controls(catalog: Catalog) -> None:
    known = {c.id for c in catalog.controls}
    assert load_assignments().control_ids() <= known


def test_component_definition_validates(catalog: Catalog) -> None:
    doc = component_definition(inventory(), catalog, GENERATED_AT)
    TRESTLE_MODELS["component-definition"].model_validate(doc["component-definition"])


def test_one_component_per_system_model_and_knowledge_base_plus_the_gateway(
    catalog: Catalog,
) -> None:
    doc = component_definition(inventory(), catalog, GENERATED_AT)
    titles = list(_by_title(doc))
    assert titles == [
        "aiattest gateway",
        "helpdesk",
        "scoring",
        "help-llm@v1",
        "scorer@4.1",
        "scorer@4.2",
        "RAG pipeline help",
    ]
    types = {t: c["type"] for t, c in _by_title(doc).items()}
    assert types["aiattest gateway"] == "software"
    assert types["helpdesk"] == "system"
    assert types["help-llm@v1"] == "service"  # served by a provider
    assert types["scorer@4.1"] == "software"  # self-hosted


def test_each_kind_carries_its_controls(catalog: Catalog) -> None:
    components = _by_title(component_definition(inventory(), catalog, GENERATED_AT))
    gateway = _controls(components["aiattest gateway"])
    assert {"prompt-injection-defense", "pii-detection-redaction", "multi-model-fallback"} <= set(
        gateway
    )
    assert "model-inventory" not in gateway
    assert "model-approval-workflow" in _controls(components["scorer@4.1"])
    assert "rag-knowledge-base-provenance" in _controls(components["RAG pipeline help"])
    assert "rag-knowledge-base-provenance" not in _controls(components["help-llm@v1"])


def test_notices_only_for_systems_that_decide_about_people(catalog: Catalog) -> None:
    components = _by_title(component_definition(inventory(), catalog, GENERATED_AT))
    assert "automated-decision-notices" in _controls(components["scoring"])
    assert "automated-decision-notices" not in _controls(components["helpdesk"])


def test_requirements_point_at_the_profile_and_name_the_checks(catalog: Catalog) -> None:
    components = _by_title(component_definition(inventory(), catalog, GENERATED_AT))
    (implementation,) = components["aiattest gateway"]["control-implementations"]
    assert implementation["source"] == "profile.json"
    requirement = next(
        r
        for r in implementation["implemented-requirements"]
        if r["control-id"] == "prompt-injection-defense"
    )
    assert "aiattest gateway enforces this control" in requirement["description"]
    assert "gateway-route-protection, guard-injection-blocks" in requirement["description"]


def test_register_facts_become_properties(catalog: Catalog) -> None:
    components = _by_title(component_definition(inventory(), catalog, GENERATED_AT))
    facts = {(p["name"], p["value"]) for p in components["scoring"]["props"]}
    assert {("automated-decisions", "true"), ("sla-tier", "critical"), ("owner", "risk-team")} <= (
        facts
    )
    kb = {(p["name"], p["value"]) for p in components["RAG pipeline help"]["props"]}
    assert {("documents", "2"), ("chunks", "3"), ("system", "helpdesk")} <= kb


def test_component_uuids_derive_from_organisation_and_key(catalog: Catalog) -> None:
    doc = component_definition(inventory(), catalog, GENERATED_AT)
    gateway = _by_title(doc)["aiattest gateway"]
    assert gateway["uuid"] == Uuids("acme")("component", GATEWAY)
    other = component_definition(inventory(slug="other"), catalog, GENERATED_AT)
    assert _by_title(other)["aiattest gateway"]["uuid"] != gateway["uuid"]
    states = {c.title: c.state for c in build_components(inventory(), catalog)}
    assert states["help-llm@v1"] == "operational"
    assert states["scorer@4.1"] == "disposition"
    assert states["scorer@4.2"] == "under-development"


def test_models_whose_keys_print_alike_keep_distinct_uuids(catalog: Catalog) -> None:
    twins = (ModelFacts("a@1", "2", "openai"), ModelFacts("a", "1@2", "openai"))
    doc = component_definition(inventory(models=twins), catalog, GENERATED_AT)
    models = [c for c in doc["component-definition"]["components"] if c["title"] == "a@1@2"]
    assert len(models) == 2
    assert models[0]["uuid"] != models[1]["uuid"]
