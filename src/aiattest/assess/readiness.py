"""Readiness: a score per control, per TSC category and overall, and the gaps ordered by
how much readiness they cost. The formulas are documented in ``docs/assessment.md``.

* Control: Type I score = ``design.score``; Type II score =
  ``DESIGN_WEIGHT × design.score + OPERATION_WEIGHT × operation.rate``.
* Category: mean of the scores of the controls mapped to it (a control mapped to criteria
  of several categories counts in each).
* Overall: mean of the category scores weighted by their number of controls.
* Gap: every control scoring below 1; impact = (1 − score) × number of criteria it maps to.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, timedelta

from aiattest.assess.design import (
    ControlEvidence,
    PolicyMap,
    StoredFile,
    StoredResult,
    design,
    templates_for,
    unmet,
)
from aiattest.assess.model import (
    Assessment,
    AssessmentType,
    CategoryScore,
    ControlAssessment,
    DesignResult,
    Gap,
)
from aiattest.assess.operation import (
    ControlOperation,
    EvidencePoint,
    Outcome,
    PeriodResult,
    operation,
)
from aiattest.assess.periods import Period, Window, periods_for
from aiattest.assess.roadmap import roadmap
from aiattest.catalog import Catalog, Control, Frequency, TscCategory
from aiattest.catalog.models import category_of
from aiattest.errors import InputError

DESIGN_WEIGHT = 0.4
"""Share of a Type II control score that comes from design."""
OPERATION_WEIGHT = 0.6
"""Share of a Type II control score that comes from operation (what a Type II tests)."""

DEFAULT_WINDOW_DAYS = 90
"""Length of the Type II window when none is given: the guide's shortest Type II period
(three months)."""

_EMPTY = ControlEvidence()


def default_window(as_of: date) -> Window:
    """The :data:`DEFAULT_WINDOW_DAYS` complete days before ``as_of`` (the assessment day
    itself is left out: its evidence may not be collected yet)."""
    return Window(as_of - timedelta(days=DEFAULT_WINDOW_DAYS), as_of - timedelta(days=1))


def evidence_points(
    control: Control, evidence: ControlEvidence, window: Window, as_of: date
) -> list[EvidencePoint]:
    """The control's evidence in ``window`` as points for :func:`operation`.

    Check results: the latest run of each check for each period counts. A calendar
    control gets one point per period, dated at the period's end (clipped to the window),
    PASS only when every check that ran for the period passed. A per-event control gets one
    point per dated item (its day and verdict), and the run's own status for a run without
    dated items. Uploaded files (uploaded by ``as_of``) give a PASS for every period they
    cover between ``covers_from`` and ``expires_on``; for a per-event control one PASS event
    on the first day they cover in the window.
    """
    latest = _latest_runs(evidence.results)
    points: list[EvidencePoint] = []
    if control.frequency is Frequency.PER_EVENT:
        for run in latest:
            points.extend(_event_points(run))
    else:
        by_period: dict[Period, list[StoredResult]] = {}
        for run in latest:
            by_period.setdefault(run.period, []).append(run)
        for period, runs in sorted(by_period.items()):
            if period.end < window.start or period.start > window.end:
                continue
            day = min(period.end, window.end)
            refs = ",".join(sorted(r.ref for r in runs))
            points.append(EvidencePoint(day, _all_of(r.status for r in runs), refs))
    files = [f for f in evidence.files if f.uploaded_on <= as_of]
    points.extend(_file_points(control.frequency, files, window))
    return points


def _latest_runs(results: Iterable[StoredResult]) -> list[StoredResult]:
    # A re-collected period replaces the earlier run of the same check: the later run saw
    # more (late data) and is the one an auditor would be shown. Runs with the same as-of
    # time: the later in the input wins (the I/O edge passes them in ledger order).
    latest: dict[tuple[str, Period], StoredResult] = {}
    for run in results:
        key = (run.check_id, run.period)
        if key not in latest or run.as_of >= latest[key].as_of:
            latest[key] = run
    return sorted(latest.values(), key=lambda r: (r.period, r.check_id))


def _event_points(run: StoredResult) -> list[EvidencePoint]:
    dated = [i for i in run.items if i.at is not None]
    points = [
        EvidencePoint(i.at.date(), Outcome.PASS if i.ok else Outcome.FAIL, f"{run.ref}:{i.ref}")
        for i in dated
        if i.at is not None
    ]
    if len(dated) < len(run.items) or not run.items:
        points.append(EvidencePoint(run.period.end, run.status, run.ref))
    return points


def _all_of(statuses: Iterable[Outcome]) -> Outcome:
    # A period passes for the control only when each of its checks passed: one failing
    # check means the control did not operate as designed. A check that could not run
    # (EXCEPTION) is reported as such unless another check failed outright.
    seen = set(statuses)
    if Outcome.FAIL in seen:
        return Outcome.FAIL
    if Outcome.EXCEPTION in seen:
        return Outcome.EXCEPTION
    return Outcome.PASS


def _file_points(
    frequency: Frequency, files: Sequence[StoredFile], window: Window
) -> list[EvidencePoint]:
    points = []
    for f in files:
        first, last = max(f.covers_from, window.start), min(f.expires_on, window.end)
        if first > last:
            continue
        if frequency is Frequency.PER_EVENT:
            points.append(EvidencePoint(first, Outcome.PASS, f.ref))
            continue
        points.extend(
            EvidencePoint(max(p.start, first), Outcome.PASS, f.ref)
            for p in periods_for(frequency, window)
            if p.start <= last and p.end >= first
        )
    return points


def control_score(result: DesignResult, op: ControlOperation | None) -> float:
    """A control's readiness: the design score (Type I), or the weighted design score and
    operation rate (Type II)."""
    if op is None:
        return result.score
    return DESIGN_WEIGHT * result.score + OPERATION_WEIGHT * op.rate


def categories_of(control: Control) -> tuple[str, ...]:
    """The TSC categories of the criteria a control maps to, in the TSC order."""
    mine = {category_of(c) for c in control.criteria}
    return tuple(c.value for c in TscCategory if c in mine)


def assess_control(
    control: Control,
    evidence: ControlEvidence,
    approved_policies: Collection[str],
    as_of: date,
    *,
    window: Window | None = None,
    mapping: PolicyMap | None = None,
) -> ControlAssessment:
    """Assess one control: design on ``as_of``, and operation over ``window`` when given
    (a Type II assessment)."""
    result = design(control, evidence, approved_policies, as_of, mapping)
    op = None
    if window is not None:
        op = operation(control.frequency, window, evidence_points(control, evidence, window, as_of))
        if op.required == 0:
            # A per-event control with no evidence at all in the window: nobody showed the
            # population was examined (automated ones record a run per day even with no
            # events), so the whole window is one period without evidence, not a vacuous 1.0.
            op = ControlOperation(
                op.frequency, (PeriodResult(Period(window.start, window.end), None, ()),)
            )
    return ControlAssessment(
        control_id=control.id,
        title=control.title,
        categories=categories_of(control),
        automation=control.automation.value,
        frequency=control.frequency.value,
        owner=control.owner_role.value,
        design=result,
        operation=op,
        score=control_score(result, op),
    )


def category_scores(controls: Sequence[ControlAssessment]) -> tuple[CategoryScore, ...]:
    """Readiness of each of the five TSC categories: the mean score of its controls (0.0
    with no controls)."""
    out = []
    for category in TscCategory:
        scores = [c.score for c in controls if category.value in c.categories]
        out.append(
            CategoryScore(
                category=category.value,
                score=sum(scores) / len(scores) if scores else 0.0,
                controls=len(scores),
                ready=sum(1 for s in scores if s >= 1.0),
            )
        )
    return tuple(out)


def overall_score(categories: Sequence[CategoryScore]) -> float:
    """Mean of the category scores weighted by each category's number of controls."""
    total = sum(c.controls for c in categories)
    return sum(c.score * c.controls for c in categories) / total if total else 0.0


_REASONS = {
    "described": "not described",
    "owner_assigned": "no owner",
    "policy_linked": "no approved policy",
    "evidence_defined": "no evidence defined",
    "operated": "never operated",
}


def _first_step(criterion: str, control: Control, mapping: PolicyMap | None) -> str:
    if criterion == "described":
        return "write what the control does and how to implement it in the catalog"
    if criterion == "owner_assigned":
        return f"name the {control.owner_role.value} accountable for the control"
    if criterion == "policy_linked":
        names = ", ".join(templates_for(control.id, mapping)) or "a policy covering it"
        return f"approve one of these policies: {names}"
    if criterion == "evidence_defined":
        return f"request manual evidence from the {control.owner_role.value}"
    if control.checks:
        return "collect evidence so its checks run and pass (`aiattest evidence collect`)"
    return "upload a current artefact that shows it operating (`aiattest evidence upload`)"


def gap_for(
    control: Control, assessed: ControlAssessment, mapping: PolicyMap | None = None
) -> Gap | None:
    """The gap of one assessed control, or None when its score is 1."""
    if assessed.score >= 1.0:
        return None
    missing = unmet(assessed.design)
    reasons = [_REASONS[m] for m in missing]
    steps = [_first_step(m, control, mapping) for m in missing]
    exceptions: tuple[str, ...] = ()
    op = assessed.operation
    if op is not None and op.exceptions:
        exceptions = tuple(p.period.label for p in op.exceptions)
        reasons.append(
            f"{len(op.exceptions)} of {op.required} periods without passing evidence"
            f" ({_breakdown(op)})"
        )
        steps.append(
            f"fix the causes of the failed periods and keep evidence for every "
            f"{control.frequency.value} period"
        )
    remediation = control.guidance.strip()
    if steps:
        remediation += " First steps: " + "; ".join(steps) + "."
    return Gap(
        control_id=control.id,
        title=control.title,
        # Rounded so that equal impacts computed by different float paths tie (then by id).
        impact=round((1.0 - assessed.score) * len(control.criteria), 6),
        reasons=tuple(reasons),
        remediation=remediation,
        exceptions=exceptions,
    )


def _breakdown(op: ControlOperation) -> str:
    failed = sum(1 for p in op.exceptions if p.outcome is Outcome.FAIL)
    excepted = sum(1 for p in op.exceptions if p.outcome is Outcome.EXCEPTION)
    missing = sum(1 for p in op.exceptions if p.outcome is None)
    return f"{failed} failed, {excepted} could not be decided, {missing} without evidence"


def gaps(
    catalog: Catalog, controls: Sequence[ControlAssessment], mapping: PolicyMap | None = None
) -> tuple[Gap, ...]:
    """Gaps of every control scoring below 1, highest impact first, ties by control id."""
    found = [gap_for(catalog.control(c.control_id), c, mapping) for c in controls]
    return tuple(sorted((g for g in found if g), key=lambda g: (-g.impact, g.control_id)))


def assess(
    catalog: Catalog,
    evidence: Mapping[str, ControlEvidence],
    approved_policies: Collection[str],
    *,
    organisation: str,
    kind: AssessmentType,
    as_of: date,
    window: Window | None = None,
    mapping: PolicyMap | None = None,
) -> Assessment:
    """Assess every control of ``catalog`` for ``organisation`` on ``as_of``.

    ``evidence`` holds the stored evidence by control id (controls without any are
    assessed with none); a Type II assessment needs a ``window`` ending by ``as_of``.
    """
    if kind is AssessmentType.TYPE_2:
        if window is None:
            raise InputError("a Type II assessment needs a window (FROM..TO)")
        if window.end > as_of:
            raise InputError(f"the window ends ({window.end}) after the assessment day ({as_of})")
    elif window is not None:
        raise InputError("a window applies to a Type II assessment only", hint="use --type 2")
    controls = tuple(
        assess_control(
            c, evidence.get(c.id, _EMPTY), approved_policies, as_of, window=window, mapping=mapping
        )
        for c in sorted(catalog.controls, key=lambda c: c.id)
    )
    categories = category_scores(controls)
    return Assessment(
        organisation=organisation,
        type=kind,
        as_of=as_of,
        window=window,
        controls=controls,
        categories=categories,
        overall=overall_score(categories),
        gaps=gaps(catalog, controls, mapping),
        roadmap=roadmap(controls, as_of),
    )
