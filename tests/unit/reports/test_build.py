"""Choosing a report's format from --format and the output file's suffix; exporters by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiattest.errors import InputError, NotFoundError
from aiattest.reports.build import REPORTS, choose_format, exporter, render
from tests.unit.reports.values import readiness_report


@pytest.mark.parametrize(
    ("report", "requested", "output", "expected"),
    [
        ("readiness", None, None, "html"),
        ("readiness", None, "out/r.PDF", "pdf"),
        ("readiness", "pdf", "r.pdf", "pdf"),
        ("readiness", None, "r.htm", "html"),
        ("readiness", None, "report", "html"),
        ("matrix", None, "m.xlsx", "xlsx"),
        ("matrix", "CSV", None, "csv"),
        ("matrix", "xlsx", "m.bin", "xlsx"),
        ("system-description", None, "d.markdown", "md"),
        ("system-description", None, "d.txt", "md"),
    ],
)
def test_choose_format(
    report: str, requested: str | None, output: str | None, expected: str
) -> None:
    assert choose_format(report, requested, Path(output) if output else None) == expected


def test_choose_format_refuses_mismatches() -> None:
    with pytest.raises(InputError, match="comes as csv or xlsx, not 'pdf'"):
        choose_format("matrix", None, Path("m.pdf"))
    with pytest.raises(InputError, match="does not match"):
        choose_format("readiness", "html", Path("r.pdf"))
    with pytest.raises(NotFoundError, match="no report 'audit'"):
        choose_format("audit", None, None)


def test_every_listed_format_has_an_exporter() -> None:
    suffixes = {"md": ".md", "html": ".html", "pdf": ".pdf", "csv": ".csv", "xlsx": ".xlsx"}
    for report, formats in REPORTS.items():
        for fmt in formats:
            assert exporter(report, fmt).suffix == suffixes[fmt]
    with pytest.raises(InputError):
        exporter("matrix", "pdf")
    rendered = render("readiness", "html", readiness_report())
    assert (rendered.media_type, rendered.content[:15]) == ("text/html", b"<!doctype html>")


def test_exporter_writes_the_file(tmp_path: Path) -> None:
    written = exporter("readiness", "html").write(readiness_report(), tmp_path / "r.html")
    assert written.read_bytes() == render("readiness", "html", readiness_report()).content
