"""Readiness: evidence points for Type II (holes, re-runs, several checks, events, files),
control/category/overall scores, gaps ordered by impact, and refused inputs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from aiattest.assess import (
    AssessmentType,
    ControlEvidence,
    Outcome,
    StoredItem,
    Window,
    assess,
    default_window,
    evidence_points,
)
from aiattest.assess.model import CategoryScore, ControlAssessment, DesignResult
from aiattest.assess.readiness import (
    assess_control,
    category_scores,
    control_score,
    gap_for,
    overall_score,
)
from aiattest.catalog import Catalog, Frequency, load_catalog
from aiattest.errors import InputError
from tests.unit.assess.helpers import control, run, upload

JUNE = Window(date(2026, 6, 1), date(2026, 6, 5))
AS_OF = date(2026, 6, 10)
MAPPING = {"access-control": ("widget-control", "b-control", "a-control", "c-control")}


def days(n: int) -> date:
    return JUNE.start + timedelta(days=n)


def test_type_two_score_weights_design_and_operation() -> None:
    # Days 0, 1 and 3 pass; day 2 is a hole and day 4 failed: 3 of 5 periods.
    evidence = ControlEvidence(
        results=(run(days(0)), run(days(1)), run(days(3)), run(days(4), Outcome.FAIL, ref=9))
    )
    assessed = assess_control(control(), evidence, set(), AS_OF, window=JUNE, mapping=MAPPING)
    assert assessed.operation is not None
    assert (assessed.operation.passed, assessed.operation.required) == (3, 5)
    assert [p.period.label for p in assessed.operation.exceptions] == ["2026-06-03", "2026-06-05"]
    assert assessed.design.score == 0.8  # no approved policy
    assert assessed.score == pytest.approx(0.4 * 0.8 + 0.6 * 0.6)
    type_one = assess_control(control(), evidence, set(), AS_OF, mapping=MAPPING)
    assert type_one.operation is None
    assert type_one.score == 0.8
    assert control_score(DesignResult(True, True, True, True, True), None) == 1.0


def test_a_period_passes_only_when_every_check_passed_latest_run_wins() -> None:
    two_checks = control(checks=("check-a", "check-b"))
    evidence = ControlEvidence(
        results=(
            run(days(0), check="check-a", ref=1),
            run(days(0), Outcome.FAIL, check="check-b", ref=2),
            run(days(1), check="check-a", ref=3),
            run(days(1), Outcome.EXCEPTION, check="check-b", ref=4),
            # Day 2: the first run of check-a failed, a later re-run passed.
            run(days(2), Outcome.FAIL, check="check-a", ref=5),
            run(days(2), check="check-a", ref=6, collected=datetime(2026, 6, 9, tzinfo=UTC)),
            # Day 3: two runs as of the same time; the later one in ledger order wins.
            run(days(3), Outcome.FAIL, check="check-a", ref=10),
            run(days(3), check="check-a", ref=11),
        )
    )
    points = evidence_points(two_checks, evidence, JUNE, AS_OF)
    assert [(p.day, p.outcome, p.ref) for p in points] == [
        (days(0), Outcome.FAIL, "ledger:1,ledger:2"),
        (days(1), Outcome.EXCEPTION, "ledger:3,ledger:4"),
        (days(2), Outcome.PASS, "ledger:6"),
        (days(3), Outcome.PASS, "ledger:11"),
    ]


def test_per_event_points_come_from_dated_items() -> None:
    per_event = control(frequency=Frequency.PER_EVENT)
    at = datetime.combine(days(1), time(9), tzinfo=UTC)
    items = (
        StoredItem("change-1", True, at),
        StoredItem("change-2", False, at + timedelta(days=2)),
    )
    evidence = ControlEvidence(
        results=(run(days(0), items=items, end=days(4), ref=7), run(days(2), Outcome.PASS, ref=8))
    )
    points = evidence_points(per_event, evidence, JUNE, AS_OF)
    assert sorted((p.day, p.outcome, p.ref) for p in points) == [
        (days(1), Outcome.PASS, "ledger:7:change-1"),
        (days(2), Outcome.PASS, "ledger:8"),  # a run with no items counts as itself
        (days(3), Outcome.FAIL, "ledger:7:change-2"),
    ]
    assessed = assess_control(per_event, evidence, set(), AS_OF, window=JUNE)
    assert assessed.operation is not None
    assert [p.period.label for p in assessed.operation.exceptions] == ["2026-06-04"]


def test_per_event_control_without_any_evidence_is_not_vacuously_ready() -> None:
    per_event = control(frequency=Frequency.PER_EVENT, checks=())
    assessed = assess_control(per_event, ControlEvidence(), set(), AS_OF, window=JUNE)
    assert assessed.operation is not None
    assert assessed.operation.rate == 0.0
    assert [p.period.label for p in assessed.operation.exceptions] == ["2026-06-01..2026-06-05"]


def test_files_pass_each_period_they_cover() -> None:
    monthly = control(frequency=Frequency.MONTHLY, checks=())
    quarter = Window(date(2026, 1, 1), date(2026, 3, 31))
    evidence = ControlEvidence(files=(upload(date(2026, 1, 15), date(2026, 2, 10)),))
    assessed = assess_control(monthly, evidence, set(), date(2026, 4, 1), window=quarter)
    assert assessed.operation is not None
    assert [(p.period.start.month, p.outcome) for p in assessed.operation.periods] == [
        (1, Outcome.PASS),
        (2, Outcome.PASS),
        (3, None),
    ]
    # Uploaded after the assessment day: not evidence on that day.
    late = ControlEvidence(files=(upload(date(2026, 1, 15), date(2026, 2, 10), date(2026, 5, 1)),))
    assert evidence_points(monthly, late, quarter, date(2026, 4, 1)) == []


def _assessed(control_id: str, categories: tuple[str, ...], score: float) -> ControlAssessment:
    return ControlAssessment(
        control_id, control_id, categories, "automated", "daily", "security-lead",
        DesignResult(True, True, True, True, True), None, score,
    )  # fmt: skip


def test_categories_count_shared_controls_and_overall_is_weighted() -> None:
    controls = [
        _assessed("a", ("security",), 1.0),
        _assessed("b", ("security", "privacy"), 0.5),
        _assessed("c", ("privacy",), 0.0),
    ]
    scores = {c.category: c for c in category_scores(controls)}
    assert scores["security"] == CategoryScore("security", 0.75, 2, 1)
    assert scores["privacy"] == CategoryScore("privacy", 0.25, 2, 0)
    assert scores["availability"] == CategoryScore("availability", 0.0, 0, 0)
    assert overall_score(list(scores.values())) == pytest.approx((0.75 * 2 + 0.25 * 2) / 4)
    assert overall_score([]) == 0.0


def test_gaps_ordered_by_impact_then_id_with_reasons_and_remediation() -> None:
    wide = control("b-control", criteria=("CC6.1", "CC6.2", "P1.1"), guidance="Fix b.")
    narrow_a = control("a-control", criteria=("CC6.1",), checks=())
    narrow_c = control("c-control", criteria=("CC6.1",), checks=())
    ready = control("widget-control")
    catalog = Catalog(criteria=(), risks=(), controls=(ready, narrow_c, wide, narrow_a))
    evidence = {
        "widget-control": ControlEvidence(results=tuple(run(days(i)) for i in range(5))),
        "b-control": ControlEvidence(results=(run(days(0)), run(days(1), Outcome.FAIL))),
    }
    result = assess(
        catalog,
        evidence,
        {"access-control"},
        organisation="acme",
        kind=AssessmentType.TYPE_2,
        as_of=AS_OF,
        window=JUNE,
        mapping=MAPPING,
    )
    by_id = {c.control_id: c for c in result.controls}
    assert by_id["widget-control"].score == 1.0
    assert [g.control_id for g in result.gaps] == ["b-control", "a-control", "c-control"]
    b = result.gaps[0]
    # b: design 1.0, 1 of 5 periods passed → 0.4 + 0.12 = 0.52; impact 0.48 × 3 criteria.
    assert b.impact == pytest.approx(0.48 * 3)
    assert b.reasons == (
        "4 of 5 periods without passing evidence (1 failed, 0 could not be decided, "
        "3 without evidence)",
    )
    assert b.exceptions == ("2026-06-02", "2026-06-03", "2026-06-04", "2026-06-05")
    assert b.remediation.startswith("Fix b. First steps: fix the causes")
    a = result.gaps[1]
    assert a.impact == result.gaps[2].impact  # equal impact: ordered by id
    assert a.reasons[:2] == ("no evidence defined", "never operated")
    assert "request manual evidence from the security-lead" in a.remediation
    assert "`aiattest evidence upload`" in a.remediation
    assert gap_for(ready, by_id["widget-control"]) is None


def test_assessment_refuses_inconsistent_type_and_window() -> None:
    catalog = load_catalog()
    kwargs = {"organisation": "acme", "as_of": AS_OF}
    with pytest.raises(InputError, match="needs a window"):
        assess(catalog, {}, set(), kind=AssessmentType.TYPE_2, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="after the assessment day"):
        assess(catalog, {}, set(), kind=AssessmentType.TYPE_2,
               window=Window(AS_OF, AS_OF + timedelta(days=1)), **kwargs)  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(InputError, match="Type II assessment only"):
        assess(catalog, {}, set(), kind=AssessmentType.TYPE_1, window=JUNE, **kwargs)  # type: ignore[arg-type]
    assert default_window(AS_OF) == Window(date(2026, 3, 12), date(2026, 6, 9))


def test_shipped_catalog_with_nothing_in_place() -> None:
    catalog = load_catalog()
    result = assess(catalog, {}, set(), organisation="acme", kind=AssessmentType.TYPE_1,
                    as_of=AS_OF)  # fmt: skip
    automated = [c for c in result.controls if c.automation != "manual"]
    # Described and owned; checks named for non-manual controls: 3 of 5, else 2 of 5.
    assert {c.score for c in automated} == {0.6}
    assert {c.score for c in result.controls if c.automation == "manual"} == {0.4}
    assert len(result.gaps) == len(catalog.controls)
    impacts = [(-g.impact, g.control_id) for g in result.gaps]
    assert impacts == sorted(impacts)
    assert sum(c.controls for c in result.categories) >= len(catalog.controls)
    assert 0.4 < result.overall < 0.6
    assert len(result.roadmap) == 6
