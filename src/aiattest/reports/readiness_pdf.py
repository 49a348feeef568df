"""The readiness report as PDF, with reportlab (pure Python, the ``reports`` extra).

The three charts are drawn with reportlab graphics from the same series as the HTML ones;
the tables list per-category readiness and every gap. Output is reproducible: reportlab's
invariant mode fixes the dates and ids it would otherwise take from the clock.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from aiattest.reports.charts import (
    EXCEPTION_COLOUR,
    FAIL_COLOUR,
    GAP_COLOUR,
    PASS_COLOUR,
    TRACK_COLOUR,
)
from aiattest.reports.interface import Exporter, ReadinessReport, missing_extra
from aiattest.reports.readiness import gap_reasons, scope_line, title_of
from aiattest.reports.series import (
    Bar,
    WeekCount,
    category_label,
    gap_bars,
    readiness_bars,
    weekly_counts,
)

try:
    from reportlab.graphics.shapes import Drawing, Line, Rect, String  # type: ignore[import-untyped]
    from reportlab.lib import colors  # type: ignore[import-untyped]
    from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
    from reportlab.lib.styles import getSampleStyleSheet  # type: ignore[import-untyped]
    from reportlab.lib.units import mm  # type: ignore[import-untyped]
    from reportlab.platypus import (  # type: ignore[import-untyped]
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )
except ImportError as e:  # pragma: no cover - the extra is installed in development
    raise missing_extra("reportlab", "the PDF readiness report") from e

_WIDTH = 480.0
"""Drawing width in points (A4 minus margins)."""


def render_pdf(report: ReadinessReport) -> bytes:
    """The readiness report as PDF bytes."""
    a = report.assessment
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=title_of(report),
        author="aiattest",
        subject="SOC 2 readiness",
        invariant=1,
    )
    weeks = weekly_counts(report.evidence, a.window)
    story: list[Any] = [
        Paragraph(escape(title_of(report)), styles["Title"]),
        Paragraph(escape(scope_line(a)), styles["BodyText"]),
        Paragraph(
            f"Overall readiness <b>{a.overall:.0%}</b>; {len(a.controls)} controls, "
            f"{len(a.gaps)} gaps.",
            styles["BodyText"],
        ),
        Spacer(1, 6 * mm),
        Paragraph("Readiness by category", styles["Heading2"]),
        _bar_drawing(readiness_bars(a.categories), PASS_COLOUR, percent=True),
        _table(
            ["Category", "Readiness", "Controls", "Ready"],
            [
                [category_label(c.category), f"{c.score:.0%}", str(c.controls), str(c.ready)]
                for c in a.categories
            ],
            small,
            widths=[180, 100, 100, 100],
        ),
        Paragraph("Evidence over time", styles["Heading2"]),
        _weeks_drawing(weeks),
        Paragraph(
            f"{sum(w.passed for w in weeks)} passing, {sum(w.failed for w in weeks)} failing, "
            f"{sum(w.exceptions for w in weeks)} exception results over {len(weeks)} weeks.",
            small,
        ),
        Paragraph(f"Top {report.top_gaps} gaps by impact", styles["Heading2"]),
        _bar_drawing(gap_bars(a.gaps, report.top_gaps), GAP_COLOUR, percent=False),
        Paragraph("Gaps", styles["Heading2"]),
    ]
    if a.gaps:
        story.append(
            _table(
                ["Control", "Impact", "What is missing", "What to do"],
                [
                    [
                        f"{g.control_id}\n{g.title}",
                        f"{g.impact:.3f}",
                        "\n".join(f"- {r}" for r in gap_reasons(g)),
                        g.remediation,
                    ]
                    for g in a.gaps
                ],
                small,
                widths=[130, 40, 175, 145],
            )
        )
    else:
        story.append(Paragraph("No gaps: every control is ready.", styles["BodyText"]))
    doc.build(story)
    return buffer.getvalue()


def _table(header: list[str], rows: list[list[str]], style: Any, widths: list[float]) -> Any:

    def cell(text: str) -> Any:
        # Paragraph markup is XML: escape, then keep the line breaks the caller asked for.
        return Paragraph(escape(text).replace("\n", "<br/>"), style)

    data = [[cell(h) for h in header]] + [[cell(v) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.HexColor(TRACK_COLOUR)),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f5f5f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _bar_drawing(bars: Sequence[Bar], colour: str, *, percent: bool) -> Any:

    label_w, bar_w, row_h = 150.0, 230.0, 18.0
    height = row_h * max(len(bars), 1) + 8
    drawing = Drawing(_WIDTH, height)
    if not bars:
        drawing.add(String(label_w, height - 14, "Nothing to show", fontSize=9))
    for i, bar in enumerate(bars):
        y = height - (i + 1) * row_h
        note = f"{bar.value:.0%}  {bar.note}" if percent else bar.note
        drawing.add(String(label_w - 6, y + 5, _clip(bar.label, 30), fontSize=8, textAnchor="end"))
        drawing.add(Rect(label_w, y + 2, bar_w, row_h - 5, fillColor=colors.HexColor(TRACK_COLOUR),
                         strokeColor=None))  # fmt: skip
        drawing.add(Rect(label_w, y + 2, bar_w * bar.value, row_h - 5,
                         fillColor=colors.HexColor(colour), strokeColor=None))  # fmt: skip
        drawing.add(String(label_w + bar_w + 6, y + 5, note, fontSize=8))
    return drawing


def _weeks_drawing(weeks: Sequence[WeekCount]) -> Any:

    height, left, bottom, top = 190.0, 30.0, 34.0, 8.0
    plot_w, plot_h = _WIDTH - left - 6, height - top - bottom
    drawing = Drawing(_WIDTH, height)
    drawing.add(Line(left, bottom, left + plot_w, bottom, strokeColor=colors.grey))
    peak = max((w.total for w in weeks), default=0)
    drawing.add(String(left - 4, bottom, "0", fontSize=7, textAnchor="end"))
    drawing.add(String(left - 4, bottom + plot_h - 7, str(peak), fontSize=7, textAnchor="end"))
    if not weeks:
        drawing.add(String(left + plot_w / 2, bottom + plot_h / 2, "No check results yet",
                           fontSize=9, textAnchor="middle"))  # fmt: skip
    scale = plot_h / peak if peak else 0.0
    step = plot_w / max(len(weeks), 1)
    bar_w = max(step * 0.8, 0.5)
    label_every = max(1, math.ceil(30 / step))  # a 6 pt date label is about 27 pt wide
    for i, week in enumerate(weeks):
        x = left + i * step + (step - bar_w) / 2
        y = bottom
        for count, colour in ((week.passed, PASS_COLOUR), (week.failed, FAIL_COLOUR),
                              (week.exceptions, EXCEPTION_COLOUR)):  # fmt: skip
            if count:
                drawing.add(Rect(x, y, bar_w, count * scale, fillColor=colors.HexColor(colour),
                                 strokeColor=None))  # fmt: skip
                y += count * scale
        if i % label_every == 0:
            drawing.add(String(x, bottom - 10, week.week_start.strftime("%d %b %y"), fontSize=6))
    x = left
    for name, colour in (("pass", PASS_COLOUR), ("fail", FAIL_COLOUR),
                         ("exception", EXCEPTION_COLOUR)):  # fmt: skip
        drawing.add(Rect(x, 4, 8, 8, fillColor=colors.HexColor(colour), strokeColor=None))
        drawing.add(String(x + 11, 5, name, fontSize=8))
        x += 70
    return drawing


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ReadinessPdf(Exporter[ReadinessReport]):
    """The readiness report as PDF."""

    media_type = "application/pdf"
    suffix = ".pdf"

    def export(self, report: ReadinessReport) -> bytes:
        """PDF bytes."""
        return render_pdf(report)
