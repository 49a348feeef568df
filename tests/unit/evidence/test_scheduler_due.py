"""When the scheduler finds a control due, from its last stored results at fixed times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aiattest.catalog import Frequency, load_catalog
from aiattest.evidence.scheduler import LastRun, due_controls, is_due, last_runs

NOW = datetime(2026, 11, 18, 12, 0, tzinfo=UTC)  # a Wednesday in Q4


def run(at: datetime, period_start: date | None = None, passed: bool = True) -> LastRun:
    return LastRun(at, period_start or at.date(), passed)


@pytest.mark.parametrize("frequency", [Frequency.CONTINUOUS, Frequency.PER_EVENT])
def test_continuous_and_per_event_run_hourly(frequency: Frequency) -> None:
    assert is_due(frequency, None, NOW)
    assert not is_due(frequency, run(NOW - timedelta(minutes=59)), NOW)
    assert is_due(frequency, run(NOW - timedelta(hours=1)), NOW)


def test_daily_runs_once_per_day() -> None:
    assert not is_due(Frequency.DAILY, run(NOW.replace(hour=0, minute=1)), NOW)
    assert is_due(Frequency.DAILY, run(NOW - timedelta(days=1)), NOW)
    # A failed run today is not retried the same day (tomorrow has its own period).
    assert not is_due(Frequency.DAILY, run(NOW - timedelta(hours=2), passed=False), NOW)


@pytest.mark.parametrize(
    ("frequency", "period_start", "previous_start"),
    [
        (Frequency.WEEKLY, date(2026, 11, 16), date(2026, 11, 9)),
        (Frequency.MONTHLY, date(2026, 11, 1), date(2026, 10, 1)),
        (Frequency.QUARTERLY, date(2026, 10, 1), date(2026, 7, 1)),
        (Frequency.ANNUAL, date(2026, 1, 1), date(2025, 1, 1)),
    ],
)
def test_calendar_periods_run_once_and_retry_daily_until_they_pass(
    frequency: Frequency, period_start: date, previous_start: date
) -> None:
    yesterday = NOW - timedelta(days=1)
    # Passed earlier in the current period: not due again this period.
    assert not is_due(frequency, run(yesterday, period_start), NOW)
    # The last run was for the previous period: due.
    assert is_due(frequency, run(yesterday, previous_start), NOW)
    # Failed in the current period: retried the next day, not twice the same day.
    assert is_due(frequency, run(yesterday, period_start, passed=False), NOW)
    assert not is_due(frequency, run(NOW - timedelta(hours=1), period_start, passed=False), NOW)


def test_last_runs_take_the_least_recent_check_and_need_every_check() -> None:
    catalog = load_catalog()
    multi = catalog.control("rbac-separate-roles")  # api-key-roles and api-key-rotation
    assert set(multi.checks) == {"api-key-roles", "api-key-rotation"}
    old, new = NOW - timedelta(hours=3), NOW - timedelta(minutes=5)
    rows = [
        ("rbac-separate-roles", "api-key-roles", new, new.date(), "pass"),
        ("rbac-separate-roles", "api-key-rotation", old, old.date(), "fail"),
    ]
    last = last_runs(rows, [multi])
    assert last == {"rbac-separate-roles": LastRun(old, old.date(), passed=False)}
    assert last_runs(rows[:1], [multi]) == {"rbac-separate-roles": None}
    assert due_controls([multi], last, NOW) == ["rbac-separate-roles"]
    fresh = last_runs([(c, k, new, d, "pass") for c, k, _, d, _ in rows], [multi])
    assert due_controls([multi], fresh, NOW) == []
