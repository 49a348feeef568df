"""``aiattest report`` end to end on SQLite: the example organisation applied through the
CLI, checks collected by the real runner, then every report in every format."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook  # type: ignore[import-untyped]
from pypdf import PdfReader
from typer.testing import CliRunner

from aiattest.assess import Window
from aiattest.catalog import load_catalog
from aiattest.cli.app import app, main
from aiattest.config import load_settings
from aiattest.evidence.runner import collect_window
from aiattest.governance.unit import organisation_id
from aiattest.ledger import Ledger
from aiattest.store import Database
from tests.integration.reports.northwind import example_data

runner = CliRunner()
SCOPE = ("--window", "2026-09-01..2026-10-31", "--as-of", "2026-11-01", "--org", "northwind")


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def _northwind(tmp_path: Path) -> None:
    run("init", "--org", "Northwind")
    (tmp_path / "org.yaml").write_text(yaml.safe_dump(example_data()), encoding="utf-8")
    run("apply", "-f", "org.yaml")
    settings = load_settings()
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    try:
        with db.session() as session:
            org = organisation_id(session, "northwind")
        collect_window(db, ledger, settings, load_catalog(), org,
                       Window(date(2026, 9, 1), date(2026, 10, 31)),
                       controls=("model-change-management", "vendor-risk-management"),
                       now=datetime(2026, 11, 1, tzinfo=UTC))  # fmt: skip
    finally:
        ledger.close()
        db.dispose()


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_every_report_in_every_format(tmp_path: Path) -> None:
    _northwind(tmp_path)
    controls = len(load_catalog().controls)

    assert "readiness report (html) written to r.html" in run(
        "report", "readiness", "-o", "r.html", *SCOPE
    )
    page = _Tags()
    page.feed((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert page.tags.count("svg") == 3
    assert "Northwind: SOC 2 Type II readiness" in "".join(page.text)

    info = run("report", "readiness", "-o", "r.pdf", "--json", *SCOPE)
    assert (info["format"], info["media_type"]) == ("pdf", "application/pdf")
    assert info["bytes"] == (tmp_path / "r.pdf").stat().st_size
    reader = PdfReader(tmp_path / "r.pdf")
    assert "Northwind" in reader.pages[0].extract_text()

    run("report", "matrix", "-o", "m.xlsx", *SCOPE)
    rows = list(load_workbook(tmp_path / "m.xlsx").active.iter_rows(values_only=True))
    assert len(rows) == controls + 1
    assert next(r for r in rows if r[0] == "vendor-risk-management")[12] == "fail"

    # Without -o a text format goes to standard output.
    table = list(csv.reader(io.StringIO(run("report", "matrix", *SCOPE).lstrip("\ufeff"))))
    assert len(table) == controls + 1
    assert table[0][0] == "Control ID"

    run(
        "report", "system-description", "-o", "sd.md", "--org", "northwind", "--as-of", "2026-11-01"
    )
    markdown = (tmp_path / "sd.md").read_text(encoding="utf-8")
    assert "# Description of the system: Northwind" in markdown
    assert "CSOC-OAI-1" in markdown
    assert "Model Card for support-llm" in markdown
    run("report", "system-description", "--format", "html", "-o", "sd.htm", "--org", "northwind")
    assert (tmp_path / "sd.htm").read_text(encoding="utf-8").startswith("<!doctype html>")

    # Type I by default without a window: the matrix has no operation rates.
    run("report", "matrix", "-o", "m1.csv", "--org", "northwind", "--as-of", "2026-11-01")
    type1 = list(csv.DictReader(io.StringIO((tmp_path / "m1.csv").read_text("utf-8-sig"))))
    assert {r["Type II operation rate"] for r in type1} == {""}
    assert any(r["Type I design score"] for r in type1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("matrix", "--format", "pdf", "-o", "m.pdf"), "comes as csv or xlsx"),
        (("readiness", "--format", "pdf"), "write it to a file with -o"),
        (("readiness", "-o", "r.xlsx"), "comes as html or pdf, not 'xlsx'"),
        (("matrix", "--format", "csv", "-o", "m.xlsx"), "does not match the file name"),
        (("matrix", "--type", "1", "--window", "2026-01-01..2026-02-01"), "for Type II"),
        (("matrix", "--type", "3"), "--type must be 1 or 2"),
        (("matrix", "--window", "2026-02-01..2026-01-01"), "before it starts"),
        (("matrix", "--org", "nobody"), "no organisation 'nobody'"),
    ],
)
def test_bad_input_exits_2(
    args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    run("init", "--org", "Northwind")
    with pytest.raises(SystemExit) as exit_info:
        main(["report", *args])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
