"""Chart series (weekly buckets, bars) and the SVG charts built from them."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from aiattest.assess import Outcome, Window
from aiattest.assess.model import CategoryScore, Gap
from aiattest.reports.charts import evidence_chart, gaps_chart, readiness_chart
from aiattest.reports.interface import ResultPoint
from aiattest.reports.series import MAX_WEEKS, gap_bars, readiness_bars, weekly_counts
from tests.unit.reports.values import HOSTILE, weekly_points

SVG = "{http://www.w3.org/2000/svg}"


def test_weekly_counts_bucket_by_monday_and_keep_empty_weeks() -> None:
    weeks = weekly_counts(weekly_points(6))
    assert [w.week_start for w in weeks] == [
        date(2026, 1, 5) + timedelta(weeks=i) for i in range(6)
    ]
    assert all(w.week_start.weekday() == 0 for w in weeks)
    assert [(w.passed, w.failed, w.exceptions) for w in weeks] == [
        (2, 0, 0), (2, 1, 0), (0, 0, 0), (2, 0, 1), (2, 0, 0), (2, 0, 0),
    ]  # fmt: skip
    assert weeks[1].total == 3


def test_weekly_counts_with_a_window_span_it_and_drop_what_is_outside() -> None:
    window = Window(date(2026, 1, 1), date(2026, 1, 31))
    weeks = weekly_counts(weekly_points(6), window)
    # 2026-01-01 is a Thursday: its week starts on Monday 29 December.
    assert weeks[0].week_start == date(2025, 12, 29)
    assert weeks[-1].week_start == date(2026, 1, 26)
    assert sum(w.total for w in weeks) == 2 + 3 + 0 + 3  # weeks 1, 2, 3 (empty), 4
    assert weekly_counts([]) == ()


def test_weekly_counts_keep_the_newest_weeks_only() -> None:
    start = date(2024, 1, 1)
    points = [ResultPoint(start + timedelta(weeks=i), Outcome.PASS) for i in range(100)]
    weeks = weekly_counts(points)
    assert len(weeks) == MAX_WEEKS
    assert weeks[-1].week_start == start + timedelta(weeks=99)


def test_bars_scale_and_label() -> None:
    bars = readiness_bars([CategoryScore("processing_integrity", 0.25, 4, 1),
                           CategoryScore("privacy", 1.7, 2, 2)])  # fmt: skip
    assert [(b.label, b.value, b.note) for b in bars] == [
        ("Processing integrity", 0.25, "1 of 4 ready"),
        ("Privacy", 1.0, "2 of 2 ready"),
    ]
    gaps = [Gap("a", "A", 0.2, (), ""), Gap("b", "B", 0.8, (), ""), Gap("c", "C", 0.4, (), "")]
    assert [(b.label, b.value) for b in gap_bars(gaps, 2)] == [("b", 1.0), ("c", 0.5)]
    assert gap_bars([], 5) == ()


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 (our own output)
    assert root.tag == f"{SVG}svg"
    return root


def test_readiness_chart_draws_one_bar_per_category_proportionally() -> None:
    root = _parse(readiness_chart([CategoryScore("security", 0.5, 10, 5),
                                   CategoryScore("privacy", 1.0, 2, 2)]))  # fmt: skip
    rects = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    widths = [float(r.attrib["width"]) for r in rects]
    assert len(widths) == 2
    assert widths[1] == 2 * widths[0]
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Security", "Privacy", "50%  5 of 10 ready"} <= texts


def test_evidence_chart_stacks_and_says_when_empty() -> None:
    root = _parse(evidence_chart(weekly_counts(weekly_points(6))))
    titles = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert "week of 2026-01-12: 1 fail" in titles
    assert "week of 2026-01-26: 1 exception" in titles
    assert not any("2026-01-19" in t for t in titles)  # the empty week has no bar
    empty = _parse(evidence_chart([]))
    assert "No check results yet" in {t.text for t in empty.iter(f"{SVG}text")}


def test_gap_chart_escapes_labels() -> None:
    svg = gaps_chart([Gap(HOSTILE, "t", 0.5, (), "")], limit=3)
    assert "<script>" not in svg
    root = _parse(svg)
    assert any(t.text == HOSTILE[:27] + "…" for t in root.iter(f"{SVG}text"))
    assert root.attrib["aria-label"] == "Top 3 gaps by impact"


@given(
    st.lists(
        st.tuples(st.dates(date(2025, 1, 1), date(2026, 12, 31)), st.sampled_from(list(Outcome))),
        max_size=60,
    ),
    st.dates(date(2025, 1, 1), date(2026, 12, 31)),
    st.integers(0, 200),
)
def test_weekly_counts_keep_every_point_in_the_window(
    raw: list[tuple[date, Outcome]], start: date, days: int
) -> None:
    window = Window(start, start + timedelta(days=days))
    points = [ResultPoint(day, status) for day, status in raw]
    weeks = weekly_counts(points, window)
    inside = [p for p in points if window.start <= p.day <= window.end]
    assert sum(w.total for w in weeks) == len(inside)
    assert sum(w.failed for w in weeks) == sum(p.status is Outcome.FAIL for p in inside)
    assert all(
        b.week_start - a.week_start == timedelta(weeks=1) for a, b in itertools.pairwise(weeks)
    )
    assert weeks[0].week_start <= window.start <= weeks[0].week_start + timedelta(days=6)
    assert weeks[-1].week_start <= window.end <= weeks[-1].week_start + timedelta(days=6)
