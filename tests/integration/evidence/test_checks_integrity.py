"""Checks over the evidence itself: the ledger verifies; control results are current.

Results are produced by the real runner (``collect``/``collect_window``) and the ledger is
tampered with through its own table, as an attacker with database access would."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from aiattest.assess import Outcome, Window
from aiattest.catalog import load_catalog
from aiattest.evidence.checks.integrity import ControlResultsCurrent, LedgerVerifies
from aiattest.evidence.runner import collect, collect_window
from aiattest.ledger import Entry, EntryKind
from tests.integration.evidence.conftest import EvidenceEnv, day
from tests.integration.governance.conftest import SQLITE_ONLY

AT = datetime(2026, 6, 15, 12, tzinfo=UTC)
PERIOD = day("2026-06-15")


def _append(env: EvidenceEnv, n: int) -> None:
    env.ledger.append_many(
        Entry(EntryKind.EVIDENCE, 1_780_000_000_000 + i, "tester", (f"e{i}",), {"n": i})
        for i in range(n)
    )


def test_an_intact_ledger_verifies(env: EvidenceEnv) -> None:
    _append(env, 5)
    result = LedgerVerifies().run(env.context(AT), PERIOD)
    assert result.status is Outcome.PASS
    ((item),) = result.items
    assert (item.ref, item.kind, item.ok) == ("5", "log", True)


@SQLITE_ONLY
def test_a_rewritten_entry_fails_verification_at_its_index(env: EvidenceEnv) -> None:
    _append(env, 5)
    with env.db.engine.begin() as conn:
        conn.execute(
            text("UPDATE ledger_entries SET body = :b WHERE idx = 3"),
            {"b": b'{"forged":true}'},
        )
    result = LedgerVerifies().run(env.context(AT), PERIOD)
    assert result.status is Outcome.FAIL
    ((item),) = result.items
    assert item.ref == "3"
    assert item.note.startswith("verification failed: ")


@SQLITE_ONLY
def test_controls_with_results_this_period_are_current(env: EvidenceEnv) -> None:
    catalog = load_catalog()
    collect(env.db, env.ledger, env.settings, catalog, env.org, at=AT)
    result = ControlResultsCurrent().run(env.context(AT + timedelta(hours=1)), PERIOD)
    automated = sorted(c.id for c in catalog.controls if c.checks)
    assert [i.ref for i in result.items] == automated
    assert result.status is Outcome.PASS, result.failures
    # As of before the run, the same results did not exist yet.
    before = ControlResultsCurrent().run(env.context(AT - timedelta(hours=1)), PERIOD)
    assert before.status is Outcome.FAIL
    assert len(before.failures) == len(automated)


@SQLITE_ONLY
def test_a_control_failing_for_over_30_days_and_missing_ones_fail(env: EvidenceEnv) -> None:
    # No gateway routes: the fallback-chain check fails every day of the back-fill.
    window = Window(date(2026, 5, 1), date(2026, 6, 14))
    collect_window(
        env.db,
        env.ledger,
        env.settings,
        load_catalog(),
        env.org,
        window,
        controls=["multi-model-fallback"],
        now=AT,
    )
    result = ControlResultsCurrent().run(env.context(AT), PERIOD)
    notes = {i.ref: i.note for i in result.failures}
    assert (
        notes["multi-model-fallback"] == "failing for more than 30 days (at least since 2026-05-16)"
    )
    assert notes["control-monitoring"].startswith("no result for 2026-06-14..2026-06-14")
    # Twenty days into the streak it was still within the allowance.
    early = ControlResultsCurrent().run(env.context(datetime(2026, 5, 21, tzinfo=UTC)), PERIOD)
    (item,) = [i for i in early.items if i.ref == "multi-model-fallback"]
    assert item.ok
    assert item.note == "failing since 2026-05-02, within 30 days"


@SQLITE_ONLY
def test_a_period_clipped_by_a_back_fill_counts_for_its_month(env: EvidenceEnv) -> None:
    # A back-fill from 20 May stores capacity-planning's May result as 20..31 May.
    window = Window(date(2026, 5, 20), date(2026, 5, 31))
    june = datetime(2026, 6, 1, tzinfo=UTC)
    catalog = load_catalog()
    collect_window(
        env.db, env.ledger, env.settings, catalog, env.org, window,
        controls=["capacity-planning"], now=june,
    )  # fmt: skip
    result = ControlResultsCurrent().run(env.context(june + timedelta(days=1)), PERIOD)
    (item,) = [i for i in result.items if i.ref == "capacity-planning"]
    assert item.ok, item.note
