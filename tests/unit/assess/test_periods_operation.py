"""Periods by frequency and Type II operation scoring, holes in the evidence included."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiattest.assess import EvidencePoint, Outcome, Window, operation, periods_for
from aiattest.catalog import Frequency
from aiattest.errors import InputError

H1 = Window(date(2026, 1, 1), date(2026, 6, 30))


def test_window_parse_and_errors() -> None:
    assert Window.parse("2026-01-01..2026-06-30") == H1
    assert H1.days == 181
    with pytest.raises(InputError, match="must look like"):
        Window.parse("2026-01-01")
    with pytest.raises(InputError, match="before it starts"):
        Window.parse("2026-02-01..2026-01-01")
    with pytest.raises(InputError):
        Window.parse("2026-13-01..2026-12-31")


def test_period_counts_per_frequency() -> None:
    assert len(periods_for(Frequency.DAILY, H1)) == 181
    assert len(periods_for(Frequency.CONTINUOUS, H1)) == 181
    assert len(periods_for(Frequency.MONTHLY, H1)) == 6
    assert len(periods_for(Frequency.QUARTERLY, H1)) == 2
    assert len(periods_for(Frequency.ANNUAL, H1)) == 1
    assert periods_for(Frequency.PER_EVENT, H1) == []
    weeks = periods_for(Frequency.WEEKLY, H1)
    # 2026-01-01 is a Thursday: the first week is clipped to Thu..Sun.
    assert weeks[0].start == date(2026, 1, 1)
    assert weeks[0].end == date(2026, 1, 4)
    assert weeks[1].start == date(2026, 1, 5)
    assert weeks[-1].end == date(2026, 6, 30)


def test_quarters_are_calendar_aligned_and_clipped() -> None:
    window = Window(date(2026, 2, 15), date(2026, 8, 10))
    quarters = periods_for(Frequency.QUARTERLY, window)
    assert [(q.start, q.end) for q in quarters] == [
        (date(2026, 2, 15), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 7, 1), date(2026, 8, 10)),
    ]


@given(
    st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=0, max_value=800),
    st.sampled_from(
        [
            Frequency.DAILY,
            Frequency.WEEKLY,
            Frequency.MONTHLY,
            Frequency.QUARTERLY,
            Frequency.ANNUAL,
        ]
    ),
)
def test_periods_tile_the_window_exactly(start: date, length: int, freq: Frequency) -> None:
    window = Window(start, start + timedelta(days=length))
    periods = periods_for(freq, window)
    assert periods[0].start == window.start
    assert periods[-1].end == window.end
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + timedelta(days=1)


def test_monthly_control_with_a_hole_and_a_failure() -> None:
    evidence = [
        EvidencePoint(date(2026, 1, 10), Outcome.PASS, "L1"),
        EvidencePoint(date(2026, 2, 3), Outcome.FAIL, "L2"),
        EvidencePoint(date(2026, 2, 20), Outcome.PASS, "L3"),  # a later pass fixes February
        # March: nothing at all
        EvidencePoint(date(2026, 4, 1), Outcome.EXCEPTION, "L4"),
        EvidencePoint(date(2026, 5, 31), Outcome.PASS, "L5"),
        EvidencePoint(date(2026, 6, 30), Outcome.FAIL, "L6"),
        EvidencePoint(date(2026, 7, 1), Outcome.PASS, "outside"),
    ]
    result = operation(Frequency.MONTHLY, H1, evidence)
    assert result.required == 6
    assert result.passed == 3
    assert [(e.period.start.month, e.outcome) for e in result.exceptions] == [
        (3, None),
        (4, Outcome.EXCEPTION),
        (6, Outcome.FAIL),
    ]
    assert result.periods[1].refs == ("L2", "L3")
    assert result.rate == pytest.approx(0.5)


def test_per_event_control_needs_every_event_to_pass() -> None:
    evidence = [
        EvidencePoint(date(2026, 3, 1), Outcome.PASS, "deploy-1"),
        EvidencePoint(date(2026, 3, 5), Outcome.FAIL, "deploy-2"),
    ]
    result = operation(Frequency.PER_EVENT, H1, evidence)
    assert result.required == 2
    assert [e.refs for e in result.exceptions] == [("deploy-2",)]


def test_no_required_periods_scores_one() -> None:
    assert operation(Frequency.PER_EVENT, H1, []).rate == 1.0
