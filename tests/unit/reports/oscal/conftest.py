"""Hand-built register facts and check results for the pure OSCAL builders, and the
trestle models that validate what they build."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from trestle.oscal.assessment_results import AssessmentResults
from trestle.oscal.catalog import Catalog as OscalCatalog
from trestle.oscal.component import ComponentDefinition
from trestle.oscal.profile import Profile
from trestle.oscal.ssp import SystemSecurityPlan

from aiattest.catalog import Catalog, load_catalog
from aiattest.reports.oscal import (
    DatasetFacts,
    Inventory,
    KnowledgeBaseFacts,
    ModelFacts,
    ResultFacts,
    SystemFacts,
    VendorFacts,
)

GENERATED_AT = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
"""The fixed last-modified time of every document built here."""

TRESTLE_MODELS: dict[str, Any] = {
    "catalog": OscalCatalog,
    "profile": Profile,
    "component-definition": ComponentDefinition,
    "system-security-plan": SystemSecurityPlan,
    "assessment-results": AssessmentResults,
}
"""OSCAL root name → compliance-trestle's pydantic model of it."""


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog."""
    return load_catalog()


def inventory(**overrides: Any) -> Inventory:
    """Two AI systems (one deciding about people), three models, a knowledge base, two
    vendors and some principals."""
    values: dict[str, Any] = {
        "slug": "acme",
        "name": "Acme Lending",
        "systems": (
            SystemFacts("helpdesk", "Answers customer questions.", ("gateway", "retriever"),
                        ("https://help.acme.example/chat",), ("internal", "personal"), "high",
                        ("support-team",)),
            SystemFacts("scoring", "Scores applications.", ("gateway", "scoring-model"), (),
                        ("confidential",), "critical", ("risk-team",), automated_decisions=True),
        ),
        "models": (
            ModelFacts("help-llm", "v1", "openai", "helpdesk", purpose="Drafts answers.",
                       rag_data=("kb-articles",), risk_tier="limited", status="production"),
            ModelFacts("scorer", "4.1", "self-hosted", "scoring", self_hosted=True,
                       training_data=("applications",), risk_tier="high", status="retired"),
            ModelFacts("scorer", "4.2", "self-hosted", "scoring", self_hosted=True),
        ),
        "knowledge_bases": (KnowledgeBaseFacts("help", 2, 3, ("kb-articles",), ("helpdesk",)),),
        "datasets": (
            DatasetFacts("kb-articles", "public"),
            DatasetFacts("applications", "restricted", contains_pii=True),
        ),
        "vendors": (
            VendorFacts("openai", "llm-provider", "carve-out", ("chat completions",)),
            VendorFacts("cloudco", "cloud", "inclusive"),
        ),
        "role_counts": (("admin", 1), ("model-developer", 0), ("operator", 2), ("consumer", 3),
                        ("auditor", 1)),
    }  # fmt: skip
    values.update(overrides)
    return Inventory(**values)


def result(control: str, check: str, status: str, day: int, index: int, **kw: Any) -> ResultFacts:
    """A stored result of ``check`` for ``control`` on 2026-10-``day``, at ledger ``index``."""
    d = date(2026, 10, day)
    values: dict[str, Any] = {
        "control_id": control,
        "check_id": check,
        "status": status,
        "period_start": d,
        "period_end": d,
        "as_of": datetime(2026, 10, day, 23, 59, 59, tzinfo=UTC),
        "population": 3,
        "failed": 0 if status == "pass" else 1,
        "summary": f"{check}: {status}",
        "items_sha256": f"{index:064x}",
        "ledger_index": index,
    }
    values.update(kw)
    return ResultFacts(**values)


def results() -> tuple[ResultFacts, ...]:
    """Results over three days: vendor assurance passes then fails (one run is evidence for
    two controls), key roles pass while key rotation passes and then fails."""
    return (
        result("vendor-risk-management", "vendor-assurance", "pass", 1, 10),
        result("subservice-organisation-management", "vendor-assurance", "pass", 1, 10),
        result("rbac-separate-roles", "api-key-roles", "pass", 1, 11),
        result("rbac-separate-roles", "api-key-rotation", "pass", 1, 12),
        result("vendor-risk-management", "vendor-assurance", "fail", 2, 20),
        result("subservice-organisation-management", "vendor-assurance", "fail", 2, 20),
        result("rbac-separate-roles", "api-key-rotation", "fail", 3, 30),
        result("model-inventory", "model-inventory-complete", "exception", 3, 31),
    )
