"""Whatever the registers hold (names the registers accept, free text anywhere else), the
component definition and the plan stay valid OSCAL and deterministic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aiattest.catalog import Catalog, load_catalog
from aiattest.reports.oscal import (
    DatasetFacts,
    Inventory,
    ModelFacts,
    SystemFacts,
    VendorFacts,
)
from aiattest.reports.oscal.components import component_definition
from aiattest.reports.oscal.ssp import ssp_document
from tests.unit.reports.oscal.conftest import GENERATED_AT, TRESTLE_MODELS

CATALOG: Catalog = load_catalog()
names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._:@/ -]{0,20}", fullmatch=True)
"""Names as the registers accept them."""
texts = st.text(max_size=30)
"""Free text: line breaks, tabs, blanks, any script."""
words = st.lists(texts, max_size=3).map(tuple)

systems = st.builds(
    SystemFacts,
    name=names,
    description=texts,
    parts=words,
    endpoints=words,
    data_classes=words,
    sla_tier=st.sampled_from(["critical", "high", "standard", "best-effort"]),
    owners=words,
    automated_decisions=st.booleans(),
)
models = st.builds(
    ModelFacts,
    name=names,
    version=st.text(min_size=1, max_size=30),
    provider=names,
    system=st.none() | names,
    self_hosted=st.booleans(),
    purpose=texts,
    owners=words,
    rag_data=words,
    risk_tier=texts,
    status=st.sampled_from(["development", "staging", "production", "deprecated", "retired"]),
)
inventories = st.builds(
    Inventory,
    slug=names,
    name=names,
    systems=st.lists(systems, max_size=3, unique_by=lambda s: s.name).map(tuple),
    # Unique as the register keys them; "@" in names may still make two keys print alike.
    models=st.lists(models, max_size=3, unique_by=lambda m: (m.name, m.version)).map(tuple),
    datasets=st.lists(
        st.builds(
            DatasetFacts,
            name=names,
            classification=st.sampled_from(["public", "internal", "confidential", "restricted"]),
            contains_pii=st.booleans(),
        ),
        max_size=2,
    ).map(tuple),
    vendors=st.lists(
        st.builds(VendorFacts, name=names, kind=names, inclusion=names, services=words),
        max_size=2,
        unique_by=lambda v: v.name,
    ).map(tuple),
)


@settings(max_examples=25, deadline=None)
@given(inventories)
def test_valid_and_deterministic(inventory: Inventory) -> None:
    definition = component_definition(inventory, CATALOG, GENERATED_AT)
    plan = ssp_document(inventory, CATALOG, GENERATED_AT)
    TRESTLE_MODELS["component-definition"].model_validate(definition["component-definition"])
    TRESTLE_MODELS["system-security-plan"].model_validate(plan["system-security-plan"])
    assert ssp_document(inventory, CATALOG, GENERATED_AT) == plan
    components = plan["system-security-plan"]["system-implementation"]["components"]
    uuids = [c["uuid"] for c in components]
    assert len(uuids) == len(set(uuids))
