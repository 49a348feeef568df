"""The evals-passing check over model versions put in production through the change
workflow (or the inventory) and eval runs recorded in the register."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiattest.assess import Outcome, Period
from aiattest.evidence.checks.evals import EvalsPassing
from tests.integration.evidence.builders_governance import change, eval_run, gated, model, step, utc
from tests.integration.evidence.conftest import EvidenceEnv, day
from tests.integration.governance.conftest import SQLITE_ONLY

CHECK = EvalsPassing()


def _deployed(env: EvidenceEnv) -> None:
    """helper@1 evaluated on 2026-11-01 and promoted on 2026-11-04."""
    model(env, "helper", "1")
    eval_run(env, "ev-1", "helper@1", "2026-11-01T08:00")
    change(env, "CHG-1", "helper@1", gated("ev-1", "2026-11-04T09:00"))


@SQLITE_ONLY
def test_a_production_model_with_a_recent_passing_run_passes(env: EvidenceEnv) -> None:
    _deployed(env)

    result = CHECK.run(env.context(utc("2026-11-20T23:00")), day("2026-11-20"))

    assert result.status is Outcome.PASS
    (item,) = result.items
    assert (item.ref, item.kind, item.ok) == ("helper@1", "model-version", True)
    assert item.note == "latest eval run passed, 19 days old"


@SQLITE_ONLY
def test_a_stale_eval_run_fails(env: EvidenceEnv) -> None:
    _deployed(env)

    result = CHECK.run(env.context(utc("2027-03-01T00:00")), day("2027-02-28"))

    assert result.status is Outcome.FAIL
    assert result.failures[0].note == "latest passing eval run is 119 days old (max 90)"


@SQLITE_ONLY
def test_a_later_failing_run_is_a_regression(env: EvidenceEnv) -> None:
    _deployed(env)
    eval_run(env, "ev-2", "helper@1", "2026-11-10T08:00", passed=False)

    result = CHECK.run(env.context(utc("2026-11-20T00:00")), day("2026-11-19"))
    assert result.status is Outcome.FAIL
    assert result.failures[0].note == "latest eval run (9 days old) failed its thresholds"
    # As of before the failing run, the model was still passing.
    before = CHECK.run(env.context(utc("2026-11-09T00:00")), day("2026-11-08"))
    assert before.status is Outcome.PASS


@SQLITE_ONLY
def test_only_models_in_production_as_of_the_run_count(env: EvidenceEnv) -> None:
    _deployed(env)
    # Retired on 2026-12-01: not in production any more after that.
    change(
        env,
        "CHG-1",
        "helper@1",
        [
            *gated("ev-1", "2026-11-04T09:00"),
            step("retire", "ops", "2026-12-01T09:00"),
        ],
    )

    before_promotion = CHECK.run(env.context(utc("2026-11-03T00:00")), day("2026-11-02"))
    assert before_promotion.status is Outcome.PASS
    assert before_promotion.summary == "no model versions in production"
    in_production = CHECK.run(env.context(utc("2026-11-30T00:00")), day("2026-11-29"))
    assert [i.ref for i in in_production.items] == ["helper@1"]
    retired = CHECK.run(env.context(utc("2026-12-02T00:00")), day("2026-12-01"))
    assert retired.items == ()


@SQLITE_ONLY
def test_a_model_in_production_per_the_inventory_without_runs_fails(env: EvidenceEnv) -> None:
    # The inventory row is stamped with the current time; read it a day later.
    model(env, "legacy", "7", status="production")
    at = datetime.now(UTC) + timedelta(days=1)

    result = CHECK.run(env.context(at), Period(at.date(), at.date()))

    assert result.status is Outcome.FAIL
    assert result.failures[0].ref == "legacy@7"
    assert result.failures[0].note == (
        "no eval run recorded; in production per the inventory, no promotion recorded"
    )
