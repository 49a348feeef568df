"""The OSCAL assessment results: every stored check result of the window as an
observation that points at its ledger entry, and one finding per control with results,
satisfied when the latest result of each of its checks passed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from aiattest.assess import Period, Window
from aiattest.catalog import Catalog
from aiattest.reports.oscal.common import (
    Json,
    Uuids,
    day_end,
    day_start,
    document,
    line,
    metadata,
    prop,
    statement_id,
    timestamp,
)
from aiattest.reports.oscal.model import Inventory, ResultFacts
from aiattest.reports.oscal.ssp import implemented_requirement_uuid

PASS = "pass"  # noqa: S105 (an outcome, not a password)
"""The stored status of a passing result."""


def latest_per_check(results: Sequence[ResultFacts]) -> dict[str, ResultFacts]:
    """Check id → its latest result (latest period, then latest as-of, then latest entry)."""
    latest: dict[str, ResultFacts] = {}
    for result in results:
        seen = latest.get(result.check_id)
        if seen is None or _order(result) > _order(seen):
            latest[result.check_id] = result
    return latest


def _order(result: ResultFacts) -> tuple[object, ...]:
    return (result.period_end, result.as_of, result.ledger_index)


def satisfied(results: Sequence[ResultFacts]) -> bool:
    """Whether a control is satisfied: the latest result of every check it ran passed."""
    return all(r.status == PASS for r in latest_per_check(results).values())


def _observation(result: ResultFacts, uuids: Uuids, ledger_ref: str) -> Json:
    period = Period(result.period_start, result.period_end).label
    return {
        "uuid": uuids("observation", str(result.ledger_index)),
        "title": f"{result.check_id} for {period}: {result.status}",
        "description": result.summary,
        "props": [
            prop("ledger-index", result.ledger_index),
            prop("check", result.check_id),
            prop("result", result.status),
            prop("period-start", result.period_start.isoformat()),
            prop("period-end", result.period_end.isoformat()),
            prop("population", result.population),
            prop("failed", result.failed),
            prop("items-sha256", result.items_sha256),
        ],
        "links": [{"href": f"#{ledger_ref}", "rel": "reference"}],
        "methods": ["TEST"],
        "types": ["control-objective"],
        "relevant-evidence": [
            {
                "href": f"#{ledger_ref}",
                "description": f"Ledger entry {result.ledger_index} (control_result) commits to "
                f"this result and to the SHA-256 {result.items_sha256} of its items; "
                f"`aiattest ledger prove {result.ledger_index}` proves it is in the log.",
            }
        ],
        "collected": timestamp(result.as_of),
    }


def _finding(
    control_id: str,
    results: Sequence[ResultFacts],
    catalog: Catalog,
    uuids: Uuids,
    observations: dict[int, str],
) -> Json:
    control = catalog.control(control_id)
    latest = latest_per_check(results)
    ok = satisfied(results)
    lines = "; ".join(
        f"{check} {r.status} for {Period(r.period_start, r.period_end).label}"
        for check, r in sorted(latest.items())
    )
    passed = sum(r.status == PASS for r in results)
    status: Json = {"state": "satisfied" if ok else "not-satisfied"}
    if not ok:
        statuses = {r.status for r in latest.values()}
        status["reason"] = "fail" if "fail" in statuses else "other"
    related = sorted({r.ledger_index for r in results})
    return {
        "uuid": uuids("finding", control_id),
        "title": line(control.title),
        "description": f"Latest result of each check: {lines}. {passed} of {len(results)} "
        "results in the window passed.",
        "props": [
            prop("control", control_id),
            prop("results", len(results)),
            prop("passed", passed),
        ],
        "target": {
            "type": "statement-id",
            "target-id": statement_id(control_id),
            "description": f"Whether {control.title} operated as designed in the window.",
            "status": status,
        },
        "implementation-statement-uuid": implemented_requirement_uuid(uuids, control_id),
        "related-observations": [{"observation-uuid": observations[i]} for i in related],
    }


def assessment_results(
    inventory: Inventory,
    catalog: Catalog,
    results: Sequence[ResultFacts],
    window: Window | None,
    generated_at: datetime,
) -> Json:
    """The assessment results for ``window`` (without one: the span of ``results``, or
    the generation time when there are none)."""
    uuids = Uuids(inventory.slug)
    if window is None and results:
        window = Window(min(r.period_start for r in results), max(r.period_end for r in results))
    ledger_ref = uuids("resource", "ledger")
    plan_ref = uuids("resource", "assessment-plan")
    observations: dict[int, Json] = {}
    for result in results:
        # Several controls share one check run, hence one ledger entry and one observation.
        observations.setdefault(result.ledger_index, _observation(result, uuids, ledger_ref))
    by_control: dict[str, list[ResultFacts]] = {}
    for result in results:
        by_control.setdefault(result.control_id, []).append(result)
    known = {c.id for c in catalog.controls}
    refs = {i: o["uuid"] for i, o in observations.items()}
    findings = [
        _finding(control_id, by_control[control_id], catalog, uuids, refs)
        for control_id in sorted(by_control)
        if control_id in known  # a control removed from the catalog has no statement left
    ]
    label = f"{window.start.isoformat()}..{window.end.isoformat()}" if window else "no results"
    outcome: Json = {
        "uuid": uuids("result", label),
        "title": f"Automated control tests, {label}",
        "description": f"Results of aiattest's automated checks for {inventory.name}: one "
        "observation per check run, one finding per control that has results.",
        "start": day_start(window.start) if window else timestamp(generated_at),
        "end": day_end(window.end) if window else timestamp(generated_at),
        "reviewed-controls": {"control-selections": [{"include-all": {}}]},
    }
    if observations:
        outcome["observations"] = [observations[i] for i in sorted(observations)]
    if findings:
        outcome["findings"] = findings
    body: Json = {
        "import-ap": {"href": f"#{plan_ref}"},
        "results": [outcome],
        "back-matter": {"resources": _resources(plan_ref, ledger_ref)},
    }
    meta = metadata(f"{inventory.name}: control test results, {label}", generated_at, body)
    return document("assessment-results", uuids("assessment-results"), meta, body)


def _resources(plan_ref: str, ledger_ref: str) -> list[Json]:
    return [
        {
            "uuid": plan_ref,
            "title": "Assessment plan",
            "description": "No separate OSCAL assessment plan is exported: aiattest runs each "
            "automated control's checks once per period of the control's frequency (per-event "
            "controls per day) over the window, as the catalog's check properties name them.",
        },
        {
            "uuid": ledger_ref,
            "title": "aiattest evidence ledger",
            "description": "An append-only RFC 6962 Merkle log with signed checkpoints. Each "
            "observation's ledger-index property names its control_result entry; "
            "`aiattest ledger verify` checks the whole log offline.",
        },
    ]
