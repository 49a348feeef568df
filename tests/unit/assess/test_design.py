"""Type I design criteria: described, owner, policy linked, evidence defined, operated; and
the shipped mapping of policy templates to controls."""

from __future__ import annotations

from datetime import date

from aiattest.assess import ControlEvidence, Outcome, design, policy_map, templates_for
from aiattest.assess.design import unmet
from aiattest.catalog import load_catalog
from aiattest.governance.policies import template_names
from tests.unit.assess.helpers import control, noon, run, upload

DAY = date(2026, 6, 1)
MAPPING = {"access-control": ("widget-control",), "encryption": ("other-control",)}


def test_policy_map_covers_every_template_and_every_control() -> None:
    mapping = policy_map()
    assert sorted(mapping) == template_names()
    ids = {c.id for c in load_catalog().controls}
    mapped = {c for controls in mapping.values() for c in controls}
    assert mapped == ids  # no unknown id, no control left without a policy
    assert templates_for("access-reviews") == ("access-control",)
    assert len(templates_for("policy-management")) == len(mapping)
    assert "vendor-management" in templates_for("physical-security-inherited")
    assert templates_for("no-such-control") == ()


def test_all_criteria_met_scores_one() -> None:
    evidence = ControlEvidence(results=(run(date(2026, 5, 30)),))
    result = design(control(), evidence, {"access-control"}, DAY, MAPPING)
    assert result.score == 1.0
    assert unmet(result) == ()


def test_policy_linked_needs_an_approved_policy_of_a_covering_template() -> None:
    evidence = ControlEvidence(results=(run(date(2026, 5, 30)),))
    assert not design(control(), evidence, set(), DAY, MAPPING).policy_linked
    unrelated = design(control(), evidence, {"encryption"}, DAY, MAPPING)
    assert not unrelated.policy_linked
    assert unrelated.score == 0.8
    assert unmet(unrelated) == ("policy_linked",)


def test_manual_control_needs_a_request_or_an_upload_for_evidence_defined() -> None:
    manual = control(checks=())
    nothing = design(manual, ControlEvidence(), {"access-control"}, DAY, MAPPING)
    assert (nothing.evidence_defined, nothing.operated) == (False, False)
    assert unmet(nothing) == ("evidence_defined", "operated")
    assert nothing.score == 0.6
    requested = design(manual, ControlEvidence(requested=True), set(), DAY, MAPPING)
    assert requested.evidence_defined
    assert not requested.operated
    # A file uploaded after the assessment day does not exist yet on that day.
    late = ControlEvidence(files=(upload(DAY, date(2027, 1, 1), uploaded_on=date(2026, 6, 2)),))
    assert not design(manual, late, set(), DAY, MAPPING).evidence_defined


def test_operated_needs_a_pass_collected_by_the_day_or_a_valid_file() -> None:
    manual = control(checks=())
    failing = ControlEvidence(results=(run(date(2026, 5, 30), Outcome.FAIL),))
    assert not design(control(), failing, set(), DAY, MAPPING).operated
    later = ControlEvidence(results=(run(date(2026, 5, 30), collected=noon(date(2026, 6, 2))),))
    assert not design(control(), later, set(), DAY, MAPPING).operated
    valid = ControlEvidence(files=(upload(date(2026, 1, 1), date(2026, 12, 31)),))
    assert design(manual, valid, set(), DAY, MAPPING).operated
    expired = ControlEvidence(files=(upload(date(2025, 1, 1), date(2026, 5, 31)),))
    result = design(manual, expired, set(), DAY, MAPPING)
    # An expired file still shows evidence is defined, but not that the control operates.
    assert (result.evidence_defined, result.operated) == (True, False)
    future = ControlEvidence(files=(upload(date(2026, 7, 1), date(2026, 12, 31), DAY),))
    assert not design(manual, future, set(), DAY, MAPPING).operated
