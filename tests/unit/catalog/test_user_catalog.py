"""A user's catalog_dir extends the shipped catalog and overrides controls by id."""

from __future__ import annotations

from pathlib import Path

from aiattest.catalog import Frequency, load_catalog
from tests.unit.catalog.conftest import WriteCatalog, control_yaml


def test_new_control_and_risk_extend_the_catalog(write: WriteCatalog, user_dir: Path) -> None:
    shipped = load_catalog()
    write(
        """
        risks:
          - id: vendor-lock-in
            title: Vendor lock-in
            source: seed
            tsc_category: availability
            description: Hard to leave a provider.
        """,
        name="risks.yaml",
    )
    write(control_yaml("exit-plan", risks="[vendor-lock-in]", criteria="[CC9.2, A1.2]"))
    catalog = load_catalog(user_dir)
    assert len(catalog.controls) == len(shipped.controls) + 1
    assert len(catalog.risks) == len(shipped.risks) + 1
    assert catalog.controls[-1].id == "exit-plan"
    assert [c.id for c in catalog.controls_for_risk("vendor-lock-in")] == ["exit-plan"]
    assert "exit-plan" in {c.id for c in catalog.controls_for_criterion("A1.2")}
    summary = catalog.coverage().summary
    assert (summary.risks_covered, summary.risks_total) == (26, 26)


def test_same_id_replaces_the_shipped_control_in_place(write: WriteCatalog, user_dir: Path) -> None:
    shipped = load_catalog()
    position = [c.id for c in shipped.controls].index("capacity-planning")
    write(
        control_yaml(
            "capacity-planning",
            title="Weekly capacity review",
            criteria="[A1.1]",
            risks="[gpu-capacity, owasp-llm10]",
            frequency="weekly",
        )
    )
    catalog = load_catalog(user_dir)
    assert len(catalog.controls) == len(shipped.controls)
    replaced = catalog.controls[position]
    assert replaced.id == "capacity-planning"
    assert replaced.title == "Weekly capacity review"
    assert replaced.frequency is Frequency.WEEKLY
    assert shipped.control("capacity-planning").frequency is Frequency.MONTHLY


def test_a_shipped_risk_can_be_overridden(write: WriteCatalog, user_dir: Path) -> None:
    write(
        """
        risks:
          - id: gpu-capacity
            title: Inference quota exhaustion
            source: seed
            tsc_category: availability
            description: Our provider quota runs out.
        """
    )
    catalog = load_catalog(user_dir)
    assert catalog.risk("gpu-capacity").title == "Inference quota exhaustion"
    assert catalog.controls_for_risk("gpu-capacity")


def test_gaps_are_reported_instead_of_raised_when_coverage_is_not_required(
    write: WriteCatalog, user_dir: Path
) -> None:
    shipped = load_catalog()
    only = shipped.controls_for_criterion("CC3.3")
    assert [c.id for c in only] == ["fraud-risk-assessment"]
    write(control_yaml("fraud-risk-assessment", criteria="[CC3.2]", risks="[]"))
    catalog = load_catalog(user_dir, require_coverage=False)
    coverage = catalog.coverage()
    assert coverage.uncovered_criteria == ("CC3.3",)
    assert coverage.uncovered_risks == ()
    assert not coverage.summary.complete
    assert coverage.summary.criteria_covered == 60
    assert coverage.as_json()["uncovered_criteria"] == ["CC3.3"]
