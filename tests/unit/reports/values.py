"""Assessment values built by hand for the report tests (no database, no clock)."""

from __future__ import annotations

from datetime import date, timedelta

from aiattest.assess import Outcome, Period, PeriodResult, Window
from aiattest.assess.model import (
    Assessment,
    AssessmentType,
    CategoryScore,
    ControlAssessment,
    DesignResult,
    Gap,
    RoadmapPhase,
)
from aiattest.assess.operation import ControlOperation
from aiattest.catalog import Frequency
from aiattest.reports.interface import ReadinessReport, ResultPoint

WINDOW = Window(date(2026, 1, 1), date(2026, 3, 31))
AS_OF = date(2026, 4, 1)
HOSTILE = '<script>alert("x")</script> & co'
"""A title that must come out as text, never as markup."""

FULL = DesignResult(True, True, True, True, True)
HALF = DesignResult(True, True, False, False, False)


def monthly(*outcomes: Outcome | None) -> ControlOperation:
    """A monthly control's operation over January to March with these outcomes."""
    months = [
        Period(date(2026, 1, 1), date(2026, 1, 31)),
        Period(date(2026, 2, 1), date(2026, 2, 28)),
        Period(date(2026, 3, 1), date(2026, 3, 31)),
    ]
    return ControlOperation(
        Frequency.MONTHLY,
        tuple(PeriodResult(p, o, ()) for p, o in zip(months, outcomes, strict=True)),
    )


def control(
    control_id: str,
    score: float,
    *,
    design: DesignResult = FULL,
    operation: ControlOperation | None = None,
    title: str = "",
    categories: tuple[str, ...] = ("security",),
) -> ControlAssessment:
    """One control's assessment."""
    return ControlAssessment(
        control_id=control_id,
        title=title or f"Title of {control_id}",
        categories=categories,
        automation="automated",
        frequency="monthly",
        owner="security-lead",
        design=design,
        operation=operation,
        score=score,
    )


def assessment(kind: AssessmentType = AssessmentType.TYPE_2) -> Assessment:
    """Three controls: one ready, one with failed months, one badly designed (hostile title)."""
    type2 = kind is AssessmentType.TYPE_2
    ready = control(
        "secrets-management", 1.0, operation=monthly(*[Outcome.PASS] * 3) if type2 else None
    )
    failing = control(
        "model-change-management",
        0.5,
        operation=monthly(Outcome.PASS, Outcome.FAIL, None) if type2 else None,
        categories=("security", "processing_integrity"),
    )
    hostile = control("output-validation", 0.2, design=HALF, title=HOSTILE)
    return Assessment(
        organisation="acme",
        type=kind,
        as_of=AS_OF,
        window=WINDOW if type2 else None,
        controls=(ready, failing, hostile),
        categories=(
            CategoryScore("security", 0.57, 3, 1),
            CategoryScore("processing_integrity", 0.5, 1, 0),
        ),
        overall=0.55,
        gaps=(
            Gap(
                "output-validation",
                HOSTILE,
                0.8,
                ("no approved policy covers it", "it has never operated"),
                "Approve the policy <b>now</b>.",
            ),
            Gap(
                "model-change-management",
                "Title of model-change-management",
                0.5,
                ("2 of 3 months without passing evidence",),
                "Fix the change pipeline.",
                exceptions=("2026-02-01..2026-02-28", "2026-03-01..2026-03-31"),
            ),
        ),
        roadmap=(RoadmapPhase("Type II observation", date(2026, 4, 1), date(2026, 9, 30)),),
    )


def weekly_points(weeks: int = 6) -> tuple[ResultPoint, ...]:
    """Results over ``weeks`` weeks from Monday 5 January 2026: passes, a failure in week 2,
    an exception in week 4, nothing in week 3."""
    start = date(2026, 1, 5)
    points = []
    for w in range(weeks):
        if w == 2:
            continue
        day = start + timedelta(weeks=w, days=2)
        points.append(ResultPoint(day, Outcome.PASS, "secrets-management"))
        points.append(ResultPoint(day, Outcome.PASS, "model-change-management"))
        if w == 1:
            points.append(ResultPoint(day, Outcome.FAIL, "model-change-management"))
        if w == 3:
            points.append(ResultPoint(day, Outcome.EXCEPTION, "output-validation"))
    return tuple(points)


def readiness_report(kind: AssessmentType = AssessmentType.TYPE_2) -> ReadinessReport:
    """A readiness report of Acme & Sons with the values above."""
    return ReadinessReport("Acme & Sons", assessment(kind), weekly_points())
