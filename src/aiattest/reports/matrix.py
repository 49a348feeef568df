"""The control matrix: one row per control of the catalog with its mapping (criteria,
categories, AI risks), its design (owner, frequency, automation, checks, evidence) and how
it is doing (Type I design score, Type II operation rate, latest result, exceptions).

Auditors work in spreadsheets, so it comes as CSV and as XLSX (openpyxl, the ``reports``
extra) with a frozen header, an autofilter and readable column widths.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from typing import Any

from aiattest.assess.model import Assessment
from aiattest.assess.operation import Outcome
from aiattest.catalog import Catalog
from aiattest.catalog.models import category_of
from aiattest.reports.interface import (
    ControlMatrix,
    Exporter,
    MatrixRow,
    ResultPoint,
    missing_extra,
)

COLUMNS: tuple[tuple[str, int], ...] = (
    ("Control ID", 30),
    ("Title", 40),
    ("Criteria", 22),
    ("TSC categories", 22),
    ("AI risks", 30),
    ("Owner role", 18),
    ("Frequency", 12),
    ("Automation", 12),
    ("Checks", 34),
    ("Type I design score", 12),
    ("Type II operation rate", 12),
    ("Score", 10),
    ("Latest result", 12),
    ("Latest result date", 14),
    ("Exceptions", 11),
    ("Evidence expected", 60),
)
"""Header and XLSX column width (characters) of each column, in order."""

_SEPARATOR = "; "


def build_matrix(
    assessment: Assessment,
    catalog: Catalog,
    evidence: Sequence[ResultPoint],
    organisation: str,
) -> ControlMatrix:
    """The matrix of every catalog control, joined with its assessment and latest result."""
    assessed = {c.control_id: c for c in assessment.controls}
    latest: dict[str, ResultPoint] = {}
    failures: dict[str, int] = {}
    for point in evidence:
        current = latest.get(point.control_id)
        if current is None or point.day >= current.day:
            latest[point.control_id] = point
        if point.status is not Outcome.PASS:
            failures[point.control_id] = failures.get(point.control_id, 0) + 1
    rows = []
    for control in catalog.controls:
        result = assessed.get(control.id)
        operation = result.operation if result is not None else None
        newest = latest.get(control.id)
        # Type II counts periods without passing evidence (holes included), as an auditor
        # would list exceptions; without a window only failed or excepted results count.
        exceptions = (
            len(operation.exceptions) if operation is not None else failures.get(control.id, 0)
        )
        rows.append(
            MatrixRow(
                control_id=control.id,
                title=control.title,
                criteria=tuple(control.criteria),
                categories=tuple(dict.fromkeys(category_of(c).value for c in control.criteria)),
                risks=tuple(control.risks),
                owner_role=control.owner_role.value,
                frequency=control.frequency.value,
                automation=control.automation.value,
                checks=tuple(control.checks),
                design_score=result.design.score if result is not None else None,
                operation_rate=operation.rate if operation is not None else None,
                score=result.score if result is not None else None,
                latest_status=newest.status.value if newest is not None else "",
                latest_date=newest.day if newest is not None else None,
                exceptions=exceptions,
                evidence_expected=tuple(control.evidence),
            )
        )
    return ControlMatrix(organisation, assessment.type.value, assessment.as_of, tuple(rows))


def row_values(row: MatrixRow) -> list[str | float | int | date | None]:
    """The row's cells in :data:`COLUMNS` order (lists joined, numbers kept as numbers)."""
    return [
        row.control_id,
        row.title,
        _SEPARATOR.join(row.criteria),
        _SEPARATOR.join(row.categories),
        _SEPARATOR.join(row.risks),
        row.owner_role,
        row.frequency,
        row.automation,
        _SEPARATOR.join(row.checks),
        row.design_score,
        row.operation_rate,
        row.score,
        row.latest_status,
        row.latest_date,
        row.exceptions,
        _SEPARATOR.join(row.evidence_expected),
    ]


def render_csv(matrix: ControlMatrix) -> str:
    """The matrix as CSV (RFC 4180, header row first; scores as decimals 0..1)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in matrix.rows:
        writer.writerow([_csv_cell(v) for v in row_values(row)])
    return out.getvalue()


def _csv_cell(value: str | float | int | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    # A cell starting with = + - @ would run as a formula when the CSV is opened in a
    # spreadsheet; a leading quote keeps it text (OWASP's CSV injection advice).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def render_xlsx(matrix: ControlMatrix) -> bytes:
    """The matrix as an XLSX workbook: one sheet, frozen header, autofilter, widths."""
    try:
        from openpyxl import Workbook  # type: ignore[import-untyped]
        from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
        from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
    except ImportError as e:  # pragma: no cover - the extra is installed in development
        raise missing_extra("openpyxl", "the XLSX control matrix") from e

    workbook = Workbook()
    sheet: Any = workbook.active
    sheet.title = "Control matrix"
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="F5F5F5")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in matrix.rows:
        sheet.append(row_values(row))
    percent_columns = {9, 10, 11}
    for index, (_name, width) in enumerate(COLUMNS):
        letter = get_column_letter(index + 1)
        sheet.column_dimensions[letter].width = width
        if index in percent_columns:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "0%"
        elif COLUMNS[index][0] == "Latest result date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = f"{matrix.organisation}: control matrix"
    workbook.properties.creator = "aiattest"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class MatrixCsv(Exporter[ControlMatrix]):
    """The control matrix as CSV."""

    media_type = "text/csv"
    suffix = ".csv"

    def export(self, report: ControlMatrix) -> bytes:
        """UTF-8 CSV with a byte-order mark, so that spreadsheets detect the encoding."""
        return render_csv(report).encode("utf-8-sig")


class MatrixXlsx(Exporter[ControlMatrix]):
    """The control matrix as an Excel workbook."""

    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    suffix = ".xlsx"

    def export(self, report: ControlMatrix) -> bytes:
        """XLSX bytes."""
        return render_xlsx(report)
