"""Which controls are asked for manual evidence, and for which period."""

from __future__ import annotations

from datetime import date

import pytest

from aiattest.assess import Period
from aiattest.catalog import Automation, Frequency, load_catalog
from aiattest.evidence.manual import manual_controls, request_period

CATALOG = load_catalog()
DAY = date(2026, 11, 18)  # a Wednesday in Q4


def test_manual_controls_are_those_without_checks() -> None:
    found = manual_controls(CATALOG)
    assert found
    assert all(c.automation is Automation.MANUAL and not c.checks for c in found)
    assert [c.id for c in found] == sorted(c.id for c in found)
    assert "access-reviews" not in {c.id for c in found}  # hybrid, has a check


@pytest.mark.parametrize(
    ("frequency", "period"),
    [
        (Frequency.PER_EVENT, Period(date(2026, 11, 1), date(2026, 11, 30))),
        (Frequency.CONTINUOUS, Period(date(2026, 11, 1), date(2026, 11, 30))),
        (Frequency.DAILY, Period(date(2026, 11, 1), date(2026, 11, 30))),
        (Frequency.WEEKLY, Period(date(2026, 11, 16), date(2026, 11, 22))),
        (Frequency.QUARTERLY, Period(date(2026, 10, 1), date(2026, 12, 31))),
        (Frequency.ANNUAL, Period(date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_request_period_by_frequency(frequency: Frequency, period: Period) -> None:
    control = next(c for c in manual_controls(CATALOG) if c.frequency is frequency)
    assert request_period(control, DAY) == period
