"""The roadmap to the audit, after the SOC 2 for AI guide's timeline, and its Gantt chart.

The guide's path from scratch: gap assessment (months 1-2), control design (3-4),
implementation (5-6), Type I readiness with a mock audit (month 7), the Type I audit (8-9)
and the Type II observation (6-12 months). Phases run back to back from the assessment day;
the first three are shortened by what is already in place, never below a floor; the last
three are calendar work (an internal review, the auditor's fieldwork, the observation
period) that existing controls do not shorten.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from xml.sax.saxutils import escape, quoteattr

from aiattest.assess.model import ControlAssessment, RoadmapPhase
from aiattest.errors import InputError


@dataclass(frozen=True, slots=True)
class PhaseRule:
    """How long a phase takes and what shortens it."""

    name: str
    """The phase."""
    nominal_days: int
    """Its length from scratch (the guide's months × 30.5, rounded)."""
    floor_days: int
    """The shortest it can be, however much is in place."""
    pending: Callable[[ControlAssessment], bool] | None
    """Which controls still need the phase (None: the phase is never shortened)."""
    pending_label: str = ""
    """How the note names those controls."""


def _designed(c: ControlAssessment) -> bool:
    d = c.design
    return d.described and d.owner_assigned and d.policy_linked and d.evidence_defined


PHASES: tuple[PhaseRule, ...] = (
    PhaseRule("Gap assessment", 61, 14, lambda c: c.score < 1.0, "not ready"),
    PhaseRule("Control design", 61, 14, lambda c: not _designed(c), "not yet designed"),
    PhaseRule("Control implementation", 61, 14, lambda c: not c.design.operated, "not operating"),
    PhaseRule("Type I readiness and mock audit", 30, 30, None),
    PhaseRule("Type I audit", 61, 61, None),
    PhaseRule("Type II observation", 183, 183, None),
)
"""The phases in order. Floors: two weeks for each of the first three phases (even with
everything in place, the owners review the results, the descriptions and the evidence
before an auditor does); the guide's durations for the rest, the observation at the
guide's lower bound of six months."""


def roadmap(controls: Sequence[ControlAssessment], as_of: date) -> tuple[RoadmapPhase, ...]:
    """The phases from ``as_of``: each starts the day after the previous one ends."""
    total = len(controls)
    out = []
    start = as_of
    for rule in PHASES:
        days, note = _duration(rule, controls, total)
        end = start + timedelta(days=days - 1)
        out.append(RoadmapPhase(rule.name, start, end, note))
        start = end + timedelta(days=1)
    return tuple(out)


def _duration(
    rule: PhaseRule, controls: Sequence[ControlAssessment], total: int
) -> tuple[int, str]:
    if rule.pending is None:
        return rule.nominal_days, f"{rule.nominal_days} days as in the guide; not shortened"
    pending = sum(1 for c in controls if rule.pending(c))
    share = pending / total if total else 0.0
    scaled = math.ceil(rule.nominal_days * share)
    days = max(rule.floor_days, scaled)
    note = (
        f"{pending} of {total} controls {rule.pending_label}: "
        f"{rule.nominal_days} days x {share:.0%} = {scaled} days"
    )
    if days > scaled:
        note += f", raised to the {rule.floor_days}-day floor"
    return days, note


# Chart geometry (pixels).
_WIDTH = 960
_LABELS = 300
_RIGHT = 20
_TOP = 36
_ROW = 34
_BAR = 18
_COLOURS = ("#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1", "#9c755f")


def roadmap_svg(phases: Sequence[RoadmapPhase]) -> str:
    """A self-contained SVG Gantt chart of ``phases``: one labelled bar per phase on a day
    scale, with a tick at the first of every month. Same phases, same bytes."""
    if not phases:
        raise InputError("a roadmap needs at least one phase to draw")
    first = min(p.start for p in phases)
    last = max(p.end for p in phases)
    span = (last - first).days + 1
    scale = (_WIDTH - _LABELS - _RIGHT) / span
    height = _TOP + _ROW * len(phases) + 10

    def x(day: date) -> str:
        return f"{_LABELS + (day - first).days * scale:.2f}"

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'width="{_WIDTH}" height="{height}" viewBox="0 0 {_WIDTH} {height}" '
        'font-family="sans-serif" font-size="12">',
        f"<title>{escape(f'Roadmap {first.isoformat()} to {last.isoformat()}')}</title>",
        f'<rect x="0" y="0" width="{_WIDTH}" height="{height}" fill="#ffffff"/>',
    ]
    for month in _months(first, last):
        parts.append(
            f'<line class="tick" x1="{x(month)}" y1="{_TOP - 12}" x2="{x(month)}" '
            f'y2="{height - 10}" stroke="#dddddd"/>'
        )
        parts.append(
            f'<text class="tick-label" x="{x(month)}" y="{_TOP - 16}" font-size="10" '
            f'text-anchor="middle">{escape(month.strftime("%Y-%m"))}</text>'
        )
    for i, phase in enumerate(phases):
        top = _TOP + i * _ROW
        days = (phase.end - phase.start).days + 1
        dates = f"{phase.start.isoformat()} to {phase.end.isoformat()} ({days} days)"
        parts.append(f'<g class="phase" data-name={quoteattr(phase.name)}>')
        parts.append(f'<text class="label" x="8" y="{top + 13}">{escape(phase.name)}</text>')
        parts.append(
            f'<text class="dates" x="8" y="{top + 27}" font-size="10" fill="#555555">'
            f"{escape(dates)}</text>"
        )
        parts.append(
            f'<rect class="bar" x="{x(phase.start)}" y="{top + (_ROW - _BAR) / 2:.2f}" '
            f'width="{days * scale:.2f}" height="{_BAR}" rx="3" '
            f'fill="{_COLOURS[i % len(_COLOURS)]}">'
            f"<title>{escape(f'{phase.name}: {dates}. {phase.note}'.strip())}</title></rect>"
        )
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _months(first: date, last: date) -> list[date]:
    """The first day of every month in ``first..last`` (and ``first`` itself if it is one)."""
    out = []
    cursor = date(first.year, first.month, 1)
    while cursor <= last:
        if cursor >= first:
            out.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return out
