"""incidents-sla over the incident register, written through ``apply``."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiattest.assess import Outcome, Period
from aiattest.config.evidence import EvidenceSettings
from aiattest.evidence.checks.incidents import IncidentsSla
from tests.integration.evidence.builders_registers import apply, as_of, days_before, incident
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

CHECK = IncidentsSla()


def _week(at: datetime) -> Period:
    return Period(days_before(at, 6), at.date())


def test_resolved_in_time_and_open_within_sla_pass(env: EvidenceEnv) -> None:
    at = as_of()
    opened = at - timedelta(days=4)
    apply(
        env,
        incidents=[
            incident("INC-1", opened, severity="sev3", status="closed",
                     resolved_at=(opened + timedelta(hours=5)).isoformat(),
                     postmortem="Guard rule added."),
            incident("INC-2", at - timedelta(hours=2), severity="sev1"),
            # Resolved before the period began: not part of this period's population.
            incident("INC-0", at - timedelta(days=30), status="closed",
                     resolved_at=(at - timedelta(days=29)).isoformat(), postmortem="Done."),
        ],
    )  # fmt: skip
    result = CHECK.run(env.context(at), _week(at))
    assert result.status is Outcome.PASS, result.items
    assert [(i.ref, i.ok, i.at) for i in result.items] == [
        ("INC-1", True, opened),
        ("INC-2", True, at - timedelta(hours=2)),
    ]
    assert result.items[0].note == "sev3 resolved in 5.0h of 720h"
    assert result.items[1].note == "sev1 still open, within SLA (2.0h of 72h)"
    assert result.summary == "2 incidents examined, all within SLA (1 still open)"


@SQLITE_ONLY
def test_breaches_and_missing_postmortems_fail(env: EvidenceEnv) -> None:
    at = as_of()
    opened = at - timedelta(days=5)
    apply(
        env,
        incidents=[
            incident("INC-slow", opened, severity="sev1", status="closed",
                     resolved_at=(opened + timedelta(hours=100)).isoformat(),
                     postmortem="Runbook updated."),
            incident("INC-nopm", opened, severity="sev2", status="resolved",
                     resolved_at=(opened + timedelta(hours=3)).isoformat()),
            incident("INC-open", opened, severity="sev1", status="contained"),
            # Opened long before the period and still open at `at`: still examined.
            incident("INC-old", at - timedelta(days=60), severity="sev3"),
            # Resolved, but only after `at`: as of `at` it is open past its SLA.
            incident("INC-later", opened, severity="sev1", status="resolved",
                     resolved_at=(at + timedelta(hours=1)).isoformat(), postmortem="x"),
        ],
    )  # fmt: skip
    result = CHECK.run(env.context(at), _week(at))
    assert result.status is Outcome.FAIL
    notes = {i.ref: i.note for i in result.items}
    assert notes == {
        "INC-old": "sev3 open for 1440.0h, past its 720h SLA",
        "INC-slow": "resolved after 100.0h, past its 72h SLA",
        "INC-nopm": "no postmortem",
        "INC-open": "sev1 open for 120.0h, past its 72h SLA",
        "INC-later": "sev1 open for 120.0h, past its 72h SLA",
    }
    assert not any(i.ok for i in result.items)
    assert result.items[0].ref == "INC-old"  # ordered by when opened


@SQLITE_ONLY
def test_sla_hours_come_from_the_settings(env: EvidenceEnv) -> None:
    at = as_of()
    apply(env, incidents=[incident("INC-1", at - timedelta(hours=10), severity="sev2")])
    assert CHECK.run(env.context(at), _week(at)).status is Outcome.PASS
    tight = env.with_settings(evidence=EvidenceSettings(incident_sla_hours={"sev2": 8}))
    result = CHECK.run(env.context(at, tight), _week(at))
    assert result.status is Outcome.FAIL
    assert result.items[0].note == "sev2 open for 10.0h, past its 8h SLA"
    # A severity without an SLA cannot be shown to meet one.
    missing = env.with_settings(evidence=EvidenceSettings(incident_sla_hours={"sev1": 72}))
    result = CHECK.run(env.context(at, missing), _week(at))
    assert result.items[0].note == "no SLA configured for sev2"
    assert result.status is Outcome.FAIL


@SQLITE_ONLY
def test_no_incidents_passes_and_later_records_are_ignored(env: EvidenceEnv) -> None:
    at = as_of()
    result = CHECK.run(env.context(at), _week(at))
    assert (result.status, result.summary) == (
        Outcome.PASS,
        "no incidents opened or open in the period",
    )
    apply(env, incidents=[incident("INC-1", at - timedelta(days=3), severity="sev4")])
    earlier = at - timedelta(hours=2)
    assert CHECK.run(env.context(earlier), _week(earlier)).items == ()
    assert len(CHECK.run(env.context(at), _week(at)).items) == 1
    # A period that ended before the incident was opened does not hold it.
    past = Period(days_before(at, 20), days_before(at, 10))
    assert CHECK.run(env.context(at), past).items == ()
