"""vendor-assurance over the vendor register, written through ``apply``."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from aiattest.assess import Outcome, Period
from aiattest.catalog import load_catalog
from aiattest.config.evidence import EvidenceSettings
from aiattest.evidence.checks.vendors import VendorAssurance
from aiattest.evidence.runner import collect
from aiattest.store.models.evidence import CheckResultRow
from tests.integration.evidence.builders_registers import apply, as_of, days_before, vendor
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

CHECK = VendorAssurance()


def _year() -> Period:
    return Period(days_before(as_of(), 364), as_of().date())


@SQLITE_ONLY
def test_current_vendors_pass(env: EvidenceEnv) -> None:
    at = as_of()
    apply(
        env,
        vendors=[
            vendor("llm-co", at, kind="llm-provider", zero_retention=True,
                   zero_retention_terms="ZDR addendum"),
            # The report is too old on its own; the bridge letter carries it.
            vendor("cloud-co", at, soc2_period_end=days_before(at, 400).isoformat(),
                   bridge_letter_through=days_before(at, 30).isoformat()),
        ],
    )  # fmt: skip
    result = CHECK.run(env.context(at), _year())
    assert result.status is Outcome.PASS, result.items
    assert [(i.ref, i.kind, i.ok) for i in result.items] == [
        ("cloud-co", "vendor", True),
        ("llm-co", "vendor", True),
    ]
    assert [i.note for i in result.items] == [
        f"SOC 2 type2 covers to {days_before(at, 30).isoformat()}; DPA signed",
        f"SOC 2 type2 covers to {days_before(at, 120).isoformat()}; DPA signed; zero retention",
    ]


@SQLITE_ONLY
def test_each_failed_condition_is_named(env: EvidenceEnv) -> None:
    at = as_of()
    apply(
        env,
        vendors=[
            vendor("llm-retains", at, kind="llm-provider"),
            vendor("llm-unwritten", at, kind="llm-provider", zero_retention=True),
            vendor("stale", at, soc2_period_end=days_before(at, 400).isoformat()),
            vendor("no-report", at, soc2_report_type="none", soc2_period_end=None,
                   soc2_report_sha256=None, dpa_signed_on=None),
            vendor("dpa-later", at, dpa_signed_on=(at.date() + timedelta(days=3)).isoformat()),
            vendor("vector-co", at, kind="vector-db"),
        ],
    )  # fmt: skip
    result = CHECK.run(env.context(at), _year())
    assert result.status is Outcome.FAIL
    notes = {i.ref: i.note for i in result.failures}
    assert notes == {
        "dpa-later": "no signed DPA",
        "llm-retains": "no zero-retention terms",
        "llm-unwritten": "zero retention claimed but the agreement is not recorded",
        "no-report": "no SOC 2 report; no signed DPA",
        "stale": f"SOC 2 coverage ended {days_before(at, 400).isoformat()} (400 days ago, max 365)",
    }
    assert result.summary == "5 of 6 vendors failed"
    # Zero retention is asked of model vendors only.
    assert [i.ref for i in result.items if i.ok] == ["vector-co"]


@SQLITE_ONLY
def test_max_age_comes_from_the_settings(env: EvidenceEnv) -> None:
    at = as_of()
    apply(env, vendors=[vendor("cloud-co", at)])  # report period ended 120 days ago
    strict = env.with_settings(evidence=EvidenceSettings(vendor_report_max_age_days=90))
    assert CHECK.run(env.context(at), _year()).status is Outcome.PASS
    result = CHECK.run(env.context(at, strict), _year())
    assert result.status is Outcome.FAIL
    assert "(120 days ago, max 90)" in result.items[0].note


@SQLITE_ONLY
def test_empty_register_fails_and_later_vendors_are_ignored(env: EvidenceEnv) -> None:
    at = as_of()
    empty = CHECK.run(env.context(at), _year())
    assert (empty.status, empty.summary, empty.items) == (
        Outcome.FAIL,
        "no vendors registered",
        (),
    )
    apply(env, vendors=[vendor("cloud-co", at)])
    # As of two hours ago the vendor was not yet registered.
    before = CHECK.run(env.context(at - timedelta(hours=2)), _year())
    assert before.status is Outcome.FAIL
    assert before.summary == "no vendors registered"
    assert CHECK.run(env.context(at), _year()).status is Outcome.PASS


@SQLITE_ONLY
def test_collected_through_the_runner_into_the_ledger(env: EvidenceEnv) -> None:
    at = as_of()
    apply(env, vendors=[vendor("cloud-co", at), vendor("llm-co", at, kind="llm-provider")])
    control = "subservice-organisation-management"
    collected = collect(env.db, env.ledger, env.settings, load_catalog(), env.org, at=at,
                        controls=[control])  # fmt: skip
    assert [(c.result.check_id, c.controls, c.result.status) for c in collected] == [
        ("vendor-assurance", (control,), Outcome.FAIL)
    ]
    entry = env.ledger.entry(collected[0].ledger_index).record()
    assert entry["payload"]["population"] == 2
    assert entry["payload"]["failed"] == 1
    with env.db.session() as session:
        row = session.scalars(select(CheckResultRow)).one()
        assert (row.check_id, row.failed, row.items[1]["note"]) == (
            "vendor-assurance",
            1,
            "no zero-retention terms",
        )
