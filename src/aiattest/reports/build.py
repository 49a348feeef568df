"""Build a report from the database and export it in a chosen format: what the CLI (and,
later, the API) call. The assessment comes in ready-made, so this package does not depend
on how it was computed."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from aiattest.assess.model import Assessment
from aiattest.assess.periods import Window
from aiattest.catalog import Catalog
from aiattest.errors import InputError, NotFoundError
from aiattest.reports.interface import (
    ControlMatrix,
    Exporter,
    ReadinessReport,
    SystemDescription,
)
from aiattest.store import Database
from aiattest.store.models import Organisation

REPORTS: dict[str, tuple[str, ...]] = {
    "readiness": ("html", "pdf"),
    "matrix": ("csv", "xlsx"),
    "system-description": ("md", "html"),
}
"""Each report and its formats, the default first."""

BINARY = frozenset({"pdf", "xlsx"})
"""Formats that are not text (they need a file, not the terminal)."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """An exported report."""

    report: str
    """readiness, matrix or system-description."""
    format: str
    """The format it was exported in."""
    media_type: str
    """Its media type."""
    content: bytes
    """The file's bytes."""


def choose_format(report: str, requested: str | None, output: Path | None) -> str:
    """The format to write: ``requested``, else the output file's suffix, else the default.

    A suffix that contradicts ``requested`` or that the report cannot produce is an error.
    """
    if report not in REPORTS:
        raise NotFoundError(f"no report {report!r}", hint=f"one of: {', '.join(REPORTS)}")
    allowed = REPORTS[report]
    suffix = output.suffix.lower().lstrip(".") if output is not None else ""
    suffix = {"htm": "html", "markdown": "md"}.get(suffix, suffix)
    # A suffix that names another format is a mistake; an unknown one (.txt) is not.
    from_suffix = suffix if suffix in _ALL_FORMATS else ""
    chosen = (requested or "").lower() or from_suffix or allowed[0]
    if chosen not in allowed:
        raise InputError(f"the {report} report comes as {' or '.join(allowed)}, not {chosen!r}")
    if requested and suffix in _ALL_FORMATS and suffix != chosen:
        raise InputError(f"--format {chosen} does not match the file name {output}")
    return chosen


_ALL_FORMATS = frozenset(f for formats in REPORTS.values() for f in formats)


def organisation_name(db: Database, org: uuid.UUID) -> str:
    """The organisation's display name."""
    with db.session() as session:
        row = session.get(Organisation, org)
        if row is None:
            raise NotFoundError(f"no organisation with id {org}")
        return row.name


def readiness(db: Database, org: uuid.UUID, assessment: Assessment) -> ReadinessReport:
    """The readiness report of ``assessment``, with the stored results for its charts
    (over the Type II window, or every result up to the assessment day for Type I)."""
    from aiattest.reports.results import result_points

    with db.session() as session:
        window = assessment.window or Window(date.min, assessment.as_of)
        points = result_points(session, org, window)
    return ReadinessReport(organisation_name(db, org), assessment, points)


def matrix(db: Database, org: uuid.UUID, assessment: Assessment, catalog: Catalog) -> ControlMatrix:
    """The control matrix of ``assessment`` over ``catalog``."""
    from aiattest.reports.matrix import build_matrix

    report = readiness(db, org, assessment)
    return build_matrix(assessment, catalog, report.evidence, report.organisation)


def description(
    db: Database, org: uuid.UUID, as_of: date, window: Window | None
) -> SystemDescription:
    """The system description of ``org``."""
    from aiattest.reports.system_description import build_description

    with db.session() as session:
        return build_description(session, org, as_of, window)


def exporter(report: str, fmt: str) -> Exporter[Any]:
    """The exporter of ``report`` in ``fmt`` (imported lazily: PDF and XLSX need extras)."""
    factories: dict[tuple[str, str], Callable[[], Exporter[Any]]] = {
        ("readiness", "html"): _readiness_html,
        ("readiness", "pdf"): _readiness_pdf,
        ("matrix", "csv"): _matrix_csv,
        ("matrix", "xlsx"): _matrix_xlsx,
        ("system-description", "md"): _description_md,
        ("system-description", "html"): _description_html,
    }
    factory = factories.get((report, fmt))
    if factory is None:
        raise InputError(f"no {fmt} format for the {report} report")
    return factory()


def render(report: str, fmt: str, value: object) -> Rendered:
    """Export ``value`` (the report's value) as ``fmt``."""
    chosen = exporter(report, fmt)
    return Rendered(report, fmt, chosen.media_type, chosen.export(value))


def _readiness_html() -> Exporter[Any]:
    from aiattest.reports.readiness import ReadinessHtml

    return ReadinessHtml()


def _readiness_pdf() -> Exporter[Any]:
    from aiattest.reports.readiness_pdf import ReadinessPdf

    return ReadinessPdf()


def _matrix_csv() -> Exporter[Any]:
    from aiattest.reports.matrix import MatrixCsv

    return MatrixCsv()


def _matrix_xlsx() -> Exporter[Any]:
    from aiattest.reports.matrix import MatrixXlsx

    return MatrixXlsx()


def _description_md() -> Exporter[Any]:
    from aiattest.reports.description_render import DescriptionMarkdown

    return DescriptionMarkdown()


def _description_html() -> Exporter[Any]:
    from aiattest.reports.description_render import DescriptionHtml

    return DescriptionHtml()
