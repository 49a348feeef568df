"""The roadmap: the guide's phases from the assessment day, shortened by what is in place
(never below the floors), and its SVG Gantt chart parsed back with ElementTree."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from aiattest.assess import RoadmapPhase, roadmap, roadmap_svg
from aiattest.assess.model import ControlAssessment, DesignResult
from aiattest.errors import InputError

AS_OF = date(2026, 11, 28)
SVG = "{http://www.w3.org/2000/svg}"
NAMES = [
    "Gap assessment",
    "Control design",
    "Control implementation",
    "Type I readiness and mock audit",
    "Type I audit",
    "Type II observation",
]


def assessed(n: int, *, designed: bool, operated: bool, score: float) -> ControlAssessment:
    result = DesignResult(True, True, designed, True, operated)
    return ControlAssessment(f"c{n}", "t", ("security",), "automated", "daily", "o", result,
                             None, score)  # fmt: skip


def parse(text: str) -> ET.Element:
    """Parse our own generated SVG (trusted: no entities, no DTD)."""
    return ET.fromstring(text)  # noqa: S314


def lengths(phases: tuple[RoadmapPhase, ...]) -> list[int]:
    return [(p.end - p.start).days + 1 for p in phases]


def test_from_scratch_follows_the_guide_back_to_back() -> None:
    controls = [assessed(i, designed=False, operated=False, score=0.4) for i in range(4)]
    phases = roadmap(controls, AS_OF)
    assert [p.name for p in phases] == NAMES
    assert lengths(phases) == [61, 61, 61, 30, 61, 183]
    assert phases[0].start == AS_OF
    for before, after in itertools.pairwise(phases):
        assert after.start == before.end + timedelta(days=1)
    assert phases[1].note == "4 of 4 controls not yet designed: 61 days x 100% = 61 days"


def test_phases_shrink_with_what_is_in_place_never_below_the_floor() -> None:
    # Half designed, three quarters operating, one of four not ready.
    controls = [
        assessed(0, designed=True, operated=True, score=1.0),
        assessed(1, designed=True, operated=True, score=1.0),
        assessed(2, designed=False, operated=True, score=1.0),
        assessed(3, designed=False, operated=False, score=0.6),
    ]
    phases = roadmap(controls, AS_OF)
    # ceil(61 × 1/4) = 16, ceil(61 × 2/4) = 31, ceil(61 × 1/4) = 16.
    assert lengths(phases)[:3] == [16, 31, 16]
    ready = [assessed(i, designed=True, operated=True, score=1.0) for i in range(3)]
    phases = roadmap(ready, AS_OF)
    assert lengths(phases) == [14, 14, 14, 30, 61, 183]
    assert phases[0].note.endswith("raised to the 14-day floor")
    assert lengths(roadmap([], AS_OF))[:3] == [14, 14, 14]


def test_svg_has_one_labelled_bar_per_phase_and_month_ticks() -> None:
    phases = roadmap([assessed(0, designed=False, operated=False, score=0.0)], AS_OF)
    text = roadmap_svg(phases)
    assert text == roadmap_svg(phases)  # deterministic
    root = parse(text)
    assert root.tag == f"{SVG}svg"
    bars = root.findall(f".//{SVG}rect[@class='bar']")
    labels = [t.text for t in root.findall(f".//{SVG}text[@class='label']")]
    assert labels == NAMES
    assert len(bars) == 6
    widths = [float(b.attrib["width"]) for b in bars]
    xs = [float(b.attrib["x"]) for b in bars]
    per_day = widths[0] / 61
    for width, days in zip(widths, lengths(phases), strict=True):
        assert width == pytest.approx(days * per_day, abs=0.02)
    assert xs == sorted(xs)
    for x, width, following in zip(xs, widths, xs[1:], strict=False):
        assert x + width == pytest.approx(following, abs=0.02)  # back to back
    ticks = [t.text for t in root.findall(f".//{SVG}text[@class='tick-label']")]
    # 2026-11-28 .. 2028-02-21: a tick on the first of each month from Dec 2026 to Feb 2028.
    assert ticks[0] == "2026-12"
    assert ticks[-1] == "2028-02"
    assert len(ticks) == 15


def test_svg_escapes_text() -> None:
    tricky = 'R&D <review> "quoted"'
    phase = RoadmapPhase(tricky, date(2026, 1, 1), date(2026, 2, 15), note="a < b & c")
    root = parse(roadmap_svg([phase]))
    assert root.find(f".//{SVG}text[@class='label']").text == tricky  # type: ignore[union-attr]
    group = root.find(f".//{SVG}g[@class='phase']")
    assert group is not None
    assert group.attrib["data-name"] == tricky
    title = root.find(f".//{SVG}rect[@class='bar']/{SVG}title")
    assert title is not None
    assert title.text is not None
    assert title.text.endswith("a < b & c")
    assert [t.text for t in root.findall(f".//{SVG}text[@class='tick-label']")] == [
        "2026-01",
        "2026-02",
    ]


def test_svg_needs_phases() -> None:
    with pytest.raises(InputError, match="at least one phase"):
        roadmap_svg([])
