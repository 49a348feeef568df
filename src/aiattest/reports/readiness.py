"""The readiness report as one self-contained HTML file (inline CSS and SVG, no scripts),
and the exporters for it (HTML here, PDF in :mod:`aiattest.reports.readiness_pdf`).

It answers what an auditor and a buyer's security team ask first: how ready is each TSC
category, is evidence being produced week after week, and what is missing, most costly first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from aiattest.assess.model import Assessment, AssessmentType, ControlAssessment, Gap
from aiattest.reports.charts import evidence_chart, gaps_chart, readiness_chart
from aiattest.reports.interface import Exporter, ReadinessReport
from aiattest.reports.series import category_label, weekly_counts

_CSS = """
body{font-family:Helvetica,Arial,sans-serif;color:#212121;margin:2rem auto;max-width:1000px;
line-height:1.4;padding:0 1rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;
border-bottom:1px solid #e0e0e0;padding-bottom:.2rem}
.meta{color:#616161;margin:0 0 1rem}.overall{font-size:2.4rem;font-weight:bold}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{border:1px solid #e0e0e0;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f5f5f5}td.num{text-align:right;white-space:nowrap}
.chart{display:block;max-width:100%;height:auto;margin:1rem 0}
ul.reasons{margin:0;padding-left:1.1rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}tr{break-inside:avoid}}
"""


def title_of(report: ReadinessReport) -> str:
    """The report's title, e.g. ``Acme: SOC 2 Type II readiness``."""
    kind = "Type II" if report.assessment.type is AssessmentType.TYPE_2 else "Type I"
    return f"{report.organisation}: SOC 2 {kind} readiness"


def scope_line(assessment: Assessment) -> str:
    """As-of day and, for Type II, the observation window."""
    line = f"As of {assessment.as_of.isoformat()}"
    if assessment.window is not None:
        line += (
            f"; observation window {assessment.window.start.isoformat()} to "
            f"{assessment.window.end.isoformat()} ({assessment.window.days} days)"
        )
    return line


def render_html(report: ReadinessReport) -> str:
    """The readiness report as a standalone HTML document."""
    a = report.assessment
    title = escape(title_of(report))
    weeks = weekly_counts(report.evidence, a.window)
    body = [
        f"<h1>{title}</h1>",
        f'<p class="meta">{escape(scope_line(a))}. '
        f"{len(a.controls)} controls, {len(a.gaps)} gaps.</p>",
        f'<p>Overall readiness <span class="overall">{a.overall:.0%}</span></p>',
        "<h2>Readiness by category</h2>",
        readiness_chart(a.categories),
        _table(
            ("Category", "Readiness", "Controls", "Ready"),
            (
                (category_label(c.category), f"{c.score:.0%}", str(c.controls), str(c.ready))
                for c in a.categories
            ),
            numeric=(1, 2, 3),
            css_class="categories",
        ),
        "<h2>Evidence over time</h2>",
        evidence_chart(weeks),
        f'<p class="meta">{sum(w.passed for w in weeks)} passing, '
        f"{sum(w.failed for w in weeks)} failing, {sum(w.exceptions for w in weeks)} "
        f"exception results over {len(weeks)} weeks.</p>",
        "<h2>Gaps</h2>",
        gaps_chart(a.gaps, report.top_gaps),
        _gaps_table(a.gaps),
    ]
    if a.roadmap:
        body += [
            "<h2>Roadmap</h2>",
            _table(
                ("Phase", "From", "To", "Note"),
                ((p.name, p.start.isoformat(), p.end.isoformat(), p.note) for p in a.roadmap),
                css_class="roadmap",
            ),
        ]
    body += ["<h2>Controls</h2>", _controls_table(a.controls)]
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>{_CSS}</style></head>\n<body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def gap_reasons(gap: Gap, limit: int = 5) -> tuple[str, ...]:
    """The reasons a gap lists, with Type II exception periods summarised."""
    out = list(gap.reasons)
    if gap.exceptions:
        shown = ", ".join(gap.exceptions[:limit])
        more = f" and {len(gap.exceptions) - limit} more" if len(gap.exceptions) > limit else ""
        out.append(f"exception periods: {shown}{more}")
    return tuple(out)


def _gaps_table(gaps: Sequence[Gap]) -> str:
    if not gaps:
        return "<p>No gaps: every control is ready.</p>"
    rows = []
    for g in gaps:
        reasons = "".join(f"<li>{escape(r)}</li>" for r in gap_reasons(g))
        rows.append(
            f'<tr class="gap" data-control="{escape(g.control_id)}">'
            f"<td>{escape(g.control_id)}</td><td>{escape(g.title)}</td>"
            f'<td class="num">{g.impact:.3f}</td>'
            f'<td><ul class="reasons">{reasons}</ul></td><td>{escape(g.remediation)}</td></tr>'
        )
    head = "".join(
        f"<th>{h}</th>" for h in ("Control", "Title", "Impact", "What is missing", "What to do")
    )
    return (
        f'<table class="gaps"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _controls_table(controls: Sequence[ControlAssessment]) -> str:
    return _table(
        ("Control", "Title", "Owner", "Frequency", "Design", "Operation", "Score"),
        (
            (
                c.control_id,
                c.title,
                c.owner,
                c.frequency,
                f"{c.design.score:.0%}",
                "n/a" if c.operation is None else f"{c.operation.passed}/{c.operation.required}",
                f"{c.score:.0%}",
            )
            for c in controls
        ),
        numeric=(4, 5, 6),
        css_class="controls",
    )


def _table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
    css_class: str = "",
) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = "".join(
            f'<td class="num">{escape(v)}</td>' if i in numeric else f"<td>{escape(v)}</td>"
            for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    return (
        f'<table class="{css_class}"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


class ReadinessHtml(Exporter[ReadinessReport]):
    """The readiness report as HTML."""

    media_type = "text/html"
    suffix = ".html"

    def export(self, report: ReadinessReport) -> bytes:
        """UTF-8 HTML."""
        return render_html(report).encode("utf-8")
