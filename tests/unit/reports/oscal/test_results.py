"""Assessment results: observations per check run, findings per control."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiattest.assess import Window
from aiattest.catalog import Catalog
from aiattest.reports.oscal.common import Uuids
from aiattest.reports.oscal.results import assessment_results, latest_per_check, satisfied
from aiattest.reports.oscal.ssp import implemented_requirement_uuid
from tests.unit.reports.oscal.conftest import (
    GENERATED_AT,
    TRESTLE_MODELS,
    inventory,
    result,
    results,
)


def _outcome(catalog: Catalog, window: Window | None = None, rows: Any = None) -> dict[str, Any]:
    doc = assessment_results(
        inventory(), catalog, results() if rows is None else rows, window, GENERATED_AT
    )
    TRESTLE_MODELS["assessment-results"].model_validate(doc["assessment-results"])
    (outcome,) = doc["assessment-results"]["results"]
    assert isinstance(outcome, dict)
    return outcome


def _props(item: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in item["props"]}


def test_one_observation_per_check_run_with_its_ledger_index(catalog: Catalog) -> None:
    observations = _outcome(catalog)["observations"]
    assert [int(_props(o)["ledger-index"]) for o in observations] == [10, 11, 12, 20, 30, 31]
    first = observations[0]
    assert first["title"] == "vendor-assurance for 2026-10-01: pass"
    assert first["methods"] == ["TEST"]
    assert _props(first)["check"] == "vendor-assurance"
    assert _props(first)["items-sha256"] == f"{10:064x}"
    assert first["collected"] == "2026-10-01T23:59:59Z"
    assert "aiattest ledger prove 10" in first["relevant-evidence"][0]["description"]


def test_one_finding_per_control_with_results(catalog: Catalog) -> None:
    findings = _outcome(catalog)["findings"]
    assert [_props(f)["control"] for f in findings] == [
        "model-inventory",
        "rbac-separate-roles",
        "subservice-organisation-management",
        "vendor-risk-management",
    ]
    states = {_props(f)["control"]: f["target"]["status"] for f in findings}
    # Latest vendor-assurance run failed; the rotation check failed last; an exception
    # is not a pass.
    assert states["vendor-risk-management"] == {"state": "not-satisfied", "reason": "fail"}
    assert states["rbac-separate-roles"] == {"state": "not-satisfied", "reason": "fail"}
    assert states["model-inventory"] == {"state": "not-satisfied", "reason": "other"}


def test_finding_points_at_statement_plan_and_observations(catalog: Catalog) -> None:
    outcome = _outcome(catalog)
    uuids = Uuids("acme")
    finding = next(
        f
        for f in outcome["findings"]
        if _props(f)["control"] == "subservice-organisation-management"
    )
    assert finding["target"]["type"] == "statement-id"
    assert finding["target"]["target-id"] == "subservice-organisation-management_smt"
    assert finding["implementation-statement-uuid"] == implemented_requirement_uuid(
        uuids, "subservice-organisation-management"
    )
    by_index = {_props(o)["ledger-index"]: o["uuid"] for o in outcome["observations"]}
    assert [r["observation-uuid"] for r in finding["related-observations"]] == [
        by_index["10"],
        by_index["20"],
    ]
    assert _props(finding)["results"] == "2"
    assert _props(finding)["passed"] == "1"


def test_satisfied_when_the_latest_run_of_every_check_passed() -> None:
    later_pass = result("rbac-separate-roles", "api-key-rotation", "pass", 4, 40)
    rows = [r for r in results() if r.control_id == "rbac-separate-roles"]
    assert not satisfied(rows)
    assert satisfied([*rows, later_pass])
    assert latest_per_check([*rows, later_pass])["api-key-rotation"].ledger_index == 40


def test_window_defaults_to_the_span_of_the_results(catalog: Catalog) -> None:
    outcome = _outcome(catalog)
    assert outcome["start"] == "2026-10-01T00:00:00Z"
    assert outcome["end"] == "2026-10-03T23:59:59Z"
    explicit = _outcome(catalog, Window(date(2026, 9, 1), date(2026, 12, 31)))
    assert explicit["start"] == "2026-09-01T00:00:00Z"
    assert explicit["reviewed-controls"] == {"control-selections": [{"include-all": {}}]}


def test_no_results_still_gives_a_valid_document(catalog: Catalog) -> None:
    outcome = _outcome(catalog, rows=())
    assert "observations" not in outcome
    assert "findings" not in outcome
    assert outcome["start"] == outcome["end"] == "2026-11-02T09:30:00Z"


def test_results_of_controls_the_catalog_lacks_get_no_finding(catalog: Catalog) -> None:
    rows = (*results(), result("retired-control", "vendor-assurance", "pass", 4, 50))
    outcome = _outcome(catalog, rows=rows)
    assert "retired-control" not in {_props(f)["control"] for f in outcome["findings"]}
    assert "50" in {_props(o)["ledger-index"] for o in outcome["observations"]}
