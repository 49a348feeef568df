"""The shipped catalog: all 61 criteria, every AI risk, the seed's controls, full coverage."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from aiattest.catalog import (
    Automation,
    Catalog,
    ExportFormat,
    RiskSource,
    TscCategory,
    export_catalog,
    load_catalog,
)
from aiattest.catalog.loader import known_crosswalk_ids
from aiattest.errors import NotFoundError


def _ids(prefix: str, counts: list[int]) -> list[str]:
    return [f"{prefix}{s}.{n}" for s, count in enumerate(counts, 1) for n in range(1, count + 1)]


EXPECTED_CRITERIA = {
    TscCategory.SECURITY: _ids("CC", [5, 3, 4, 2, 3, 8, 5, 1, 2]),
    TscCategory.AVAILABILITY: ["A1.1", "A1.2", "A1.3"],
    TscCategory.PROCESSING_INTEGRITY: ["PI1.1", "PI1.2", "PI1.3", "PI1.4", "PI1.5"],
    TscCategory.CONFIDENTIALITY: ["C1.1", "C1.2"],
    TscCategory.PRIVACY: _ids("P", [1, 1, 2, 3, 2, 7, 1, 1]),
}

SEED_RISKS = {
    "prompt-injection", "model-theft", "api-key-exposure", "model-degradation",
    "llm-provider-outage", "gpu-capacity", "hallucination", "data-drift", "output-errors",
    "training-data-leakage", "prompt-data-exposure", "pii-in-training-data",
    "automated-profiling",
}  # fmt: skip

SEED_CONTROLS = {
    "rbac-separate-roles", "network-isolation-gateway", "prompt-injection-defense",
    "secrets-management", "ai-dependency-vulnerability-management", "ai-incident-response",
    "ai-endpoint-uptime-slas", "multi-model-fallback", "capacity-planning",
    "disaster-recovery", "provider-contingency", "output-validation", "evaluation-suites",
    "data-drift-monitoring", "human-review-sampling", "model-change-management",
    "data-classification", "encryption-transit-rest", "data-minimisation-zero-retention",
    "training-data-security", "output-leakage-prevention", "pii-detection-redaction",
    "consent-management", "data-subject-rights", "automated-decision-notices",
    "cross-border-transfers", "model-inventory", "model-risk-assessment",
    "model-approval-workflow", "data-lineage", "training-data-provenance",
    "rag-knowledge-base-provenance", "bias-fairness-testing", "model-cards-transparency",
    "human-oversight-by-impact", "subservice-organisation-management",
    "agent-tool-call-control",
}  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


def test_exactly_the_61_criteria_with_the_right_category(catalog: Catalog) -> None:
    assert len(catalog.criteria) == 61
    for category, ids in EXPECTED_CRITERIA.items():
        assert [c.id for c in catalog.criteria_in(category)] == ids
    assert sum(len(ids) for ids in EXPECTED_CRITERIA.values()) == 61


def test_criteria_series_match_their_ids(catalog: Catalog) -> None:
    for criterion in catalog.criteria:
        assert criterion.series.split(" ", 1)[0] == criterion.id.split(".")[0]
        assert len(criterion.title) < 120


def test_every_criterion_is_covered(catalog: Catalog) -> None:
    for criterion in catalog.criteria:
        assert catalog.controls_for_criterion(criterion.id), criterion.id


def test_every_risk_is_mitigated(catalog: Catalog) -> None:
    for risk in catalog.risks:
        assert catalog.controls_for_risk(risk.id), risk.id


def test_risks_include_seed_owasp_and_agent_risks(catalog: Catalog) -> None:
    by_source: dict[RiskSource, set[str]] = {s: set() for s in RiskSource}
    for risk in catalog.risks:
        by_source[risk.source].add(risk.id)
    assert by_source[RiskSource.SEED] == SEED_RISKS
    assert by_source[RiskSource.OWASP_LLM_2025] == {f"owasp-llm{n:02d}" for n in range(1, 11)}
    assert by_source[RiskSource.AGENT] == {"agent-tool-misuse", "unapproved-high-impact-action"}
    titles = {r.id: r.title for r in catalog.risks}
    assert titles["owasp-llm01"].startswith("LLM01:2025 Prompt Injection")
    assert titles["owasp-llm10"].startswith("LLM10:2025 Unbounded Consumption")


def test_every_control_the_seed_names_exists(catalog: Catalog) -> None:
    ids = {c.id for c in catalog.controls}
    assert ids >= SEED_CONTROLS
    assert len(ids) == len(catalog.controls)


def test_all_references_resolve(catalog: Catalog) -> None:
    criteria = {c.id for c in catalog.criteria}
    risks = {r.id for r in catalog.risks}
    known = known_crosswalk_ids()
    for control in catalog.controls:
        assert set(control.criteria) <= criteria, control.id
        assert set(control.risks) <= risks, control.id
        assert set(control.crosswalks.owasp_llm) <= known["owasp_llm"], control.id
        assert set(control.crosswalks.nist_ai_rmf) <= known["nist_ai_rmf"], control.id
        assert set(control.crosswalks.iso42001) <= known["iso42001"], control.id


def test_known_framework_ids_are_complete() -> None:
    known = known_crosswalk_ids()
    # NIST AI RMF 1.0 has 72 subcategories; ISO/IEC 42001:2023 Annex A has 38 controls.
    assert len(known["nist_ai_rmf"]) == 72
    assert len(known["iso42001"]) == 38
    assert known["owasp_llm"] == {f"LLM{n:02d}" for n in range(1, 11)}


def test_owasp_crosswalks_match_the_owasp_risks_mitigated(catalog: Catalog) -> None:
    for control in catalog.controls:
        from_risks = {f"LLM{r[-2:]}" for r in control.risks if r.startswith("owasp-llm")}
        assert set(control.crosswalks.owasp_llm) == from_risks, control.id


def test_every_control_crosswalks_somewhere_or_is_organisational(catalog: Catalog) -> None:
    bare = [c.id for c in catalog.controls if not any(c.crosswalks.model_dump().values())]
    assert bare == []


def test_automated_controls_name_checks_and_manual_ones_do_not(catalog: Catalog) -> None:
    for control in catalog.controls:
        if control.automation is Automation.MANUAL:
            assert control.checks == (), control.id
        else:
            assert control.checks, f"{control.id} is {control.automation} but names no check"


def test_lookups_and_not_found(catalog: Catalog) -> None:
    assert catalog.control("prompt-injection-defense").title == "Prompt-injection defense"
    assert catalog.criterion("CC6.1").category is TscCategory.SECURITY
    assert catalog.risk("owasp-llm06").source is RiskSource.OWASP_LLM_2025
    assert catalog.find("A1.3").id == "A1.3"
    for lookup in (catalog.control, catalog.criterion, catalog.risk, catalog.find):
        with pytest.raises(NotFoundError, match="NOPE") as info:
            lookup("NOPE")
        assert "\n" not in info.value.diagnostics()
    with pytest.raises(NotFoundError):
        catalog.controls_for_criterion("CC10.1")


def test_controls_in_category(catalog: Catalog) -> None:
    privacy = catalog.controls_in(TscCategory.PRIVACY)
    assert "consent-management" in {c.id for c in privacy}
    assert all(any(x.startswith("P") and x[1].isdigit() for x in c.criteria) for c in privacy)


def test_coverage_matrix_and_summary(catalog: Catalog) -> None:
    coverage = catalog.coverage()
    assert [c.id for c in coverage.criteria] == [c.id for c in catalog.criteria]
    row = next(c for c in coverage.criteria if c.id == "CC6.6")
    assert set(row.controls) == {c.id for c in catalog.controls_for_criterion("CC6.6")}
    assert coverage.uncovered_criteria == ()
    assert coverage.uncovered_risks == ()
    summary = coverage.summary
    assert catalog.summary() == summary
    assert (summary.criteria_covered, summary.criteria_total) == (61, 61)
    assert summary.risks_covered == summary.risks_total == len(catalog.risks)
    assert summary.complete
    assert re.match(
        r"criteria covered 61/61 · AI risks covered 25/25 · \d+ controls", summary.line()
    )
    data = coverage.as_json()
    assert data["summary"]["complete"] is True
    assert len(data["criteria"]) == 61


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_round_trips(catalog: Catalog, fmt: ExportFormat) -> None:
    text = export_catalog(catalog, fmt)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    as_yaml = fmt is ExportFormat.YAML
    parsed = yaml.load(text, Loader=loader) if as_yaml else json.loads(text)  # noqa: S506
    assert parsed == catalog.document()
    assert len(parsed["criteria"]) == 61
    rebuilt = Catalog.model_validate(parsed)
    assert rebuilt == catalog
