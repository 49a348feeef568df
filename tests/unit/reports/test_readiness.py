"""The readiness report: HTML that parses, holds the three charts and every gap, escapes
text; and a PDF that opens, with the organisation's name and the gaps in its text."""

from __future__ import annotations

import io
from html.parser import HTMLParser

from pypdf import PdfReader

from aiattest.assess.model import AssessmentType, Gap
from aiattest.reports.readiness import ReadinessHtml, gap_reasons, render_html
from aiattest.reports.readiness_pdf import ReadinessPdf
from tests.unit.reports.values import HOSTILE, readiness_report


class Outline(HTMLParser):
    """Collects the tags, the classes and the text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.classes: list[str] = []
        self.gap_rows: list[str] = []
        self.text: list[str] = []
        self.open_tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        self.classes += (values.get("class") or "").split()
        if tag == "tr" and values.get("class") == "gap":
            self.gap_rows.append(values.get("data-control") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def outline(page: str) -> Outline:
    parser = Outline()
    parser.feed(page)
    parser.close()
    return parser


def test_html_parses_with_three_charts_and_every_gap() -> None:
    report = readiness_report()
    page = outline(render_html(report))
    assert page.tags[0] == "html"
    assert page.tags.count("svg") == 3
    assert {"chart-readiness", "chart-evidence", "chart-gaps"} <= set(page.classes)
    assert page.gap_rows == [g.control_id for g in report.assessment.gaps]
    text = "".join(page.text)
    assert "Acme & Sons: SOC 2 Type II readiness" in text
    assert "observation window 2026-01-01 to 2026-03-31 (90 days)" in text
    assert "Overall readiness 55%" in " ".join(text.split())
    assert "exception periods: 2026-02-01..2026-02-28, 2026-03-01..2026-03-31" in text
    assert "Type II observation" in text  # the roadmap


def test_html_escapes_register_text() -> None:
    raw = render_html(readiness_report())
    page = outline(raw)
    assert "script" not in page.tags
    # Self-contained: nothing is fetched when the file is opened.
    assert not {"link", "img", "iframe", "object"} & set(page.tags)
    assert "src=" not in raw
    assert "http://" not in raw.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "b" not in page.tags
    assert "<script>" not in raw
    text = "".join(page.text)
    assert HOSTILE in text  # shown as text, unharmed
    assert "Approve the policy <b>now</b>." in text


def test_type1_html_has_no_window_and_no_operation() -> None:
    page = outline(render_html(readiness_report(AssessmentType.TYPE_1)))
    text = "".join(page.text)
    assert "SOC 2 Type I readiness" in text
    assert "observation window" not in text
    assert "n/a" in page.text


def test_html_exporter_bytes() -> None:
    exporter = ReadinessHtml()
    data = exporter.export(readiness_report())
    assert exporter.media_type == "text/html"
    assert data.decode("utf-8").startswith("<!doctype html>")


def test_pdf_opens_with_name_charts_and_gaps() -> None:
    report = readiness_report()
    exporter = ReadinessPdf()
    data = exporter.export(report)
    assert exporter.media_type == "application/pdf"
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Acme & Sons" in text
    assert reader.metadata is not None
    assert reader.metadata.title == "Acme & Sons: SOC 2 Type II readiness"
    for gap in report.assessment.gaps:
        assert gap.control_id in text
    assert "Processing integrity" in text  # the category table and chart
    assert "exception" in text  # the evidence chart's legend
    assert "<script>" in text  # escaped for the PDF's markup, printed as written


def test_pdf_is_reproducible() -> None:
    report = readiness_report()
    assert ReadinessPdf().export(report) == ReadinessPdf().export(report)


def test_gap_reasons_shorten_long_exception_lists() -> None:
    periods = tuple(f"2026-01-0{d}" for d in range(1, 8))
    reasons = gap_reasons(Gap("c", "C", 0.1, ("never operated",), "", exceptions=periods))
    assert reasons == (
        "never operated",
        "exception periods: 2026-01-01, 2026-01-02, 2026-01-03, 2026-01-04, 2026-01-05 and 2 more",
    )
