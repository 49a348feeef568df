"""Self-contained SVG charts for the HTML reports: readiness by TSC category, evidence over
time (pass/fail/exception per week, stacked), and the top gaps.

No scripts, fonts or external references: each chart is one ``<svg>`` element that can be
inlined in an HTML page or saved as a file. Every text is XML-escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from aiattest.assess.model import CategoryScore, Gap
from aiattest.reports.series import Bar, WeekCount, gap_bars, readiness_bars

PASS_COLOUR = "#2e7d32"  # noqa: S105 (a colour, not a password)
"""Passing evidence and readiness."""
FAIL_COLOUR = "#c62828"
"""Failing evidence."""
EXCEPTION_COLOUR = "#f9a825"
"""Documented exceptions."""
GAP_COLOUR = "#ef6c00"
"""Gap impact."""
TRACK_COLOUR = "#e0e0e0"
"""The empty part of a bar."""
_FONT = 'font-family="Helvetica, Arial, sans-serif" fill="#212121"'


def readiness_chart(categories: Sequence[CategoryScore]) -> str:
    """Horizontal bars: readiness per TSC category, in percent."""
    return _bar_chart(
        readiness_bars(categories),
        title="Readiness by TSC category",
        colour=PASS_COLOUR,
        percent=True,
        css_class="chart-readiness",
    )


def gaps_chart(gaps: Sequence[Gap], limit: int = 10) -> str:
    """Horizontal bars: the highest-impact gaps, scaled to the largest."""
    return _bar_chart(
        gap_bars(gaps, limit),
        title=f"Top {limit} gaps by impact",
        colour=GAP_COLOUR,
        percent=False,
        css_class="chart-gaps",
    )


def evidence_chart(weeks: Sequence[WeekCount]) -> str:
    """Stacked columns: pass, fail and exception results per week."""
    width, height, left, bottom, top = 720, 260, 44, 40, 34
    plot_w, plot_h = width - left - 12, height - top - bottom
    peak = max((w.total for w in weeks), default=0)
    scale = plot_h / peak if peak else 0.0
    parts = _open("Evidence over time (check results per week)", width, height, "chart-evidence")
    parts.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        'stroke="#9e9e9e"/>'
    )
    parts.append(_text(left - 6, top + plot_h, "0", anchor="end"))
    parts.append(_text(left - 6, top + 10, str(peak), anchor="end"))
    if not weeks:
        parts.append(_text(left + plot_w / 2, top + plot_h / 2, "No check results yet", "middle"))
    step = plot_w / max(len(weeks), 1)
    bar_w = max(step * 0.8, 1.0)
    label_every = max(1, math.ceil(64 / step))  # a date label is about 60 px wide
    for i, week in enumerate(weeks):
        x = left + i * step + (step - bar_w) / 2
        y = float(top + plot_h)
        for count, colour, name in (
            (week.passed, PASS_COLOUR, "pass"),
            (week.failed, FAIL_COLOUR, "fail"),
            (week.exceptions, EXCEPTION_COLOUR, "exception"),
        ):
            if count == 0:
                continue
            h = count * scale
            y -= h
            tip = escape(f"week of {week.week_start.isoformat()}: {count} {name}")
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{tip}</title></rect>'
            )
        if i % label_every == 0:
            parts.append(_text(x, top + plot_h + 16, week.week_start.strftime("%d %b %y")))
    parts += _legend(left, height - 8)
    parts.append("</svg>")
    return "\n".join(parts)


def _bar_chart(
    bars: Sequence[Bar], *, title: str, colour: str, percent: bool, css_class: str
) -> str:
    label_w, bar_w, row_h, top = 190, 380, 26, 34
    width = label_w + bar_w + 130
    height = top + row_h * max(len(bars), 1) + 10
    parts = _open(title, width, height, css_class)
    if not bars:
        parts.append(_text(label_w, top + 16, "Nothing to show"))
    for i, bar in enumerate(bars):
        y = top + i * row_h
        length = bar_w * bar.value
        value = f"{bar.value:.0%}" if percent else bar.note
        note = f"{value}  {bar.note}" if percent and bar.note else value
        parts.append(_text(label_w - 8, y + 15, _clip(bar.label, 28), anchor="end"))
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w}" height="{row_h - 8}" '
            f'fill="{TRACK_COLOUR}"/>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 3}" width="{length:.1f}" height="{row_h - 8}" '
            f'fill="{colour}"><title>{escape(bar.label)}: {escape(note)}</title></rect>'
        )
        parts.append(_text(label_w + bar_w + 8, y + 15, note))
    parts.append("</svg>")
    return "\n".join(parts)


def _open(title: str, width: int, height: int, css_class: str) -> list[str]:
    safe = escape(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {css_class}" role="img" '
        f'aria-label="{safe}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">',
        f"<title>{safe}</title>",
        f'<text x="4" y="18" {_FONT} font-size="14" font-weight="bold">{safe}</text>',
    ]


def _legend(x: int, y: int) -> list[str]:
    out = []
    for name, colour in (("pass", PASS_COLOUR), ("fail", FAIL_COLOUR),
                         ("exception", EXCEPTION_COLOUR)):  # fmt: skip
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        out.append(_text(x + 14, y, name))
        x += 90
    return out


def _text(x: float, y: float, text: str, anchor: str = "start") -> str:
    position = f'x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"'
    return f'<text {position} {_FONT} font-size="12">{escape(text)}</text>'


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
