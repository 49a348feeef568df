"""The control matrix over the shipped catalog: a row per control, joined with the
assessment and the newest stored result; CSV and XLSX renderings."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]

from aiattest.assess import Outcome
from aiattest.assess.model import AssessmentType
from aiattest.catalog import Catalog, load_catalog
from aiattest.reports.interface import ControlMatrix, ResultPoint
from aiattest.reports.matrix import COLUMNS, MatrixCsv, MatrixXlsx, build_matrix, render_csv
from tests.unit.reports.values import assessment, weekly_points


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="module")
def matrix(catalog: Catalog) -> ControlMatrix:
    return build_matrix(assessment(), catalog, weekly_points(6), "Acme & Sons")


def test_one_row_per_control_in_catalog_order(catalog: Catalog, matrix: ControlMatrix) -> None:
    assert [r.control_id for r in matrix.rows] == [c.id for c in catalog.controls]
    assert (matrix.organisation, matrix.assessment_type) == ("Acme & Sons", "2")


def test_rows_join_catalog_assessment_and_results(matrix: ControlMatrix) -> None:
    rows = {r.control_id: r for r in matrix.rows}
    change = rows["model-change-management"]
    assert change.criteria == ("CC8.1", "CC3.4")
    assert change.categories == ("security",)
    assert change.checks == ("model-deployments-gated", "changes-approved")
    assert "output-errors" in change.risks
    assert change.design_score == 1.0
    assert change.operation_rate == pytest.approx(1 / 3)
    assert change.score == 0.5
    assert change.exceptions == 2  # a failed month and a month without evidence
    assert (change.latest_status, change.latest_date) == ("pass", date(2026, 2, 11))

    output = rows["output-validation"]
    assert output.categories == ("processing_integrity",)
    assert output.design_score == pytest.approx(0.4)
    assert output.operation_rate is None  # assessed without operation
    assert output.exceptions == 1  # no periods: the one excepted result counts
    assert (output.latest_status, output.latest_date) == ("exception", date(2026, 1, 28))

    untouched = rows["privacy-notice"]  # in the catalog, not in this assessment
    assert (untouched.design_score, untouched.score, untouched.latest_date) == (None, None, None)
    assert untouched.evidence_expected


def test_type1_counts_failed_results_as_exceptions(catalog: Catalog) -> None:
    points = [
        ResultPoint(date(2026, 1, 1), Outcome.FAIL, "model-change-management"),
        ResultPoint(date(2026, 1, 2), Outcome.EXCEPTION, "model-change-management"),
        ResultPoint(date(2026, 1, 3), Outcome.PASS, "model-change-management"),
    ]
    matrix = build_matrix(assessment(AssessmentType.TYPE_1), catalog, points, "Acme")
    row = next(r for r in matrix.rows if r.control_id == "model-change-management")
    assert (row.exceptions, row.operation_rate, row.latest_status) == (2, None, "pass")


def test_csv_has_header_and_a_row_per_control(matrix: ControlMatrix) -> None:
    data = MatrixCsv().export(matrix)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [name for name, _ in COLUMNS]
    assert len(rows) == len(matrix.rows) + 1
    by_id = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    change = by_id["model-change-management"]
    assert change["Criteria"] == "CC8.1; CC3.4"
    assert change["Type II operation rate"] == "0.333"
    assert change["Latest result date"] == "2026-02-11"
    assert by_id["privacy-notice"]["Score"] == ""


def test_csv_neutralises_formulas(matrix: ControlMatrix) -> None:
    hostile = replace(matrix.rows[0], title='=HYPERLINK("http://x")', owner_role="-1+2")
    text = render_csv(ControlMatrix("Acme", "2", date(2026, 4, 1), (hostile,)))
    row = list(csv.reader(io.StringIO(text)))[1]
    assert row[1] == '\'=HYPERLINK("http://x")'
    assert row[5] == "'-1+2"


def test_xlsx_opens_with_a_row_per_control(matrix: ControlMatrix) -> None:
    exporter = MatrixXlsx()
    workbook = load_workbook(io.BytesIO(exporter.export(matrix)))
    sheet = workbook["Control matrix"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [name for name, _ in COLUMNS]
    assert len(rows) == len(matrix.rows) + 1
    assert sheet.freeze_panes == "B2"
    assert sheet.auto_filter.ref == f"A1:P{len(matrix.rows) + 1}"
    assert sheet.column_dimensions["B"].width == 40
    change = next(r for r in rows if r[0] == "model-change-management")
    assert change[10] == pytest.approx(1 / 3)  # numbers stay numbers
    assert change[14] == 2
    assert sheet.cell(row=2, column=10).number_format == "0%"
