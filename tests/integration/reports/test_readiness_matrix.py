"""The readiness report and the control matrix from a real assessment: the example
organisation applied through the registers, checks collected by the real runner over a
window, the assessment loaded from the database."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader

from aiattest.assess import Assessment, AssessmentType, Outcome, Window
from aiattest.catalog import Catalog, load_catalog
from aiattest.evidence.assessment import assess_organisation
from aiattest.evidence.runner import collect_window
from aiattest.reports import build
from aiattest.reports.results import result_points
from tests.integration.governance.conftest import (  # noqa: F401 (fixtures re-used)
    SQLITE_ONLY,
    _postgres_template,
    _sqlite_template,
    db,
)
from tests.integration.reports.northwind import World, northwind  # noqa: F401 (fixture)

WINDOW = Window(date(2026, 9, 1), date(2026, 10, 31))
AS_OF = date(2026, 11, 1)
CONTROLS = ("model-change-management", "model-inventory", "vendor-risk-management")


def _collect_and_assess(world: World) -> tuple[Catalog, Assessment]:
    catalog = load_catalog()
    collect_window(world.db, world.ledger, world.settings, catalog, world.org, WINDOW,
                   controls=CONTROLS, now=datetime(2026, 11, 1, tzinfo=UTC))  # fmt: skip
    assessment = assess_organisation(world.db, catalog, world.org, kind=AssessmentType.TYPE_2,
                                     as_of=AS_OF, window=WINDOW)  # fmt: skip
    return catalog, assessment


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.gaps: list[str] = []
        self.titles: list[str] = []
        self.text: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = dict(attrs)
        if tag == "tr" and values.get("class") == "gap":
            self.gaps.append(values.get("data-control") or "")
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_title:
            self.titles.append(data)


def test_readiness_report_from_collected_evidence(northwind: World) -> None:  # noqa: F811
    _catalog, assessment = _collect_and_assess(northwind)
    report = build.readiness(northwind.db, northwind.org, assessment)
    statuses = Counter((p.control_id, p.status) for p in report.evidence)
    assert statuses[("vendor-risk-management", Outcome.FAIL)] >= 1
    assert statuses[("model-change-management", Outcome.PASS)] > 0

    page = _Page()
    page.feed(build.render("readiness", "html", report).content.decode())
    assert page.tags["svg"] == 3
    assert page.gaps == [g.control_id for g in assessment.gaps]
    assert "vendor-risk-management" in page.gaps
    assert "model-change-management" not in page.gaps  # it operated in every period
    assert any(t.endswith(" pass") and t.startswith("week of 2026-09") for t in page.titles)
    assert "Northwind Lending: SOC 2 Type II readiness" in "".join(page.text)

    pdf = build.render("readiness", "pdf", report)
    assert pdf.media_type == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 2  # 70-odd gaps do not fit one page
    assert "Northwind Lending" in text
    assert "vendor-risk-management" in text


@SQLITE_ONLY
def test_matrix_from_collected_evidence(northwind: World) -> None:  # noqa: F811
    catalog, assessment = _collect_and_assess(northwind)
    matrix = build.matrix(northwind.db, northwind.org, assessment, catalog)
    assert len(matrix.rows) == len(catalog.controls)

    workbook = load_workbook(io.BytesIO(build.render("matrix", "xlsx", matrix).content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == len(catalog.controls) + 1
    by_id = {r[0]: r for r in rows[1:]}
    assert set(by_id) == {c.id for c in catalog.controls}
    change = by_id["model-change-management"]
    assert change[10] == 1.0  # Type II operation rate
    assert change[12] == "pass"
    assert by_id["vendor-risk-management"][12] == "fail"
    assert by_id["privacy-notice"][12] is None  # never collected

    text = build.render("matrix", "csv", matrix).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert len(table) == len(catalog.controls) + 1
    assert {r[0] for r in table[1:]} == {c.id for c in catalog.controls}


@SQLITE_ONLY
def test_result_points_follow_the_window(northwind: World) -> None:  # noqa: F811
    _collect_and_assess(northwind)
    with northwind.db.session() as session:
        everything = result_points(session, northwind.org)
        september = result_points(session, northwind.org, Window(date(2026, 9, 1),
                                                                 date(2026, 9, 30)))  # fmt: skip
    assert everything == tuple(sorted(everything, key=lambda p: (p.day, p.control_id)))
    assert 0 < len(september) < len(everything)
    assert all(p.day.month == 9 for p in september)
    assert {p.control_id for p in everything} == set(CONTROLS)
