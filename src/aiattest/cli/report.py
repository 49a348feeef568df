"""``aiattest report``: the documents an auditor and a buyer's security team read.

``readiness`` (HTML or PDF), ``matrix`` (the control matrix, CSV or XLSX) and
``system-description`` (a section III skeleton, Markdown or HTML). The format follows
``--format``, else the ``-o`` file's suffix, else the report's default.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aiattest.cli.governance import JsonOpt, OrgOpt, open_governance, resolve_org
from aiattest.cli.output import console, print_json

if TYPE_CHECKING:
    from aiattest.assess import AssessmentType, Window

app = typer.Typer(
    help="Reports: readiness (HTML/PDF), control matrix (CSV/XLSX), system description.",
    no_args_is_help=True,
)

OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")
]
FormatOpt = Annotated[
    str | None, typer.Option("--format", help="html, pdf, csv, xlsx or md (default: from -o).")
]
WindowOpt = Annotated[
    str | None,
    typer.Option("--window", help="Type II window FROM..TO (default: the 90 days before)."),
]
TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type", help="1 (design) or 2 (operation too); default 2 with --window, else 1."
    ),
]
AsOfOpt = Annotated[
    datetime | None,
    typer.Option("--as-of", formats=["%Y-%m-%d"], help="Assessment day (default: today)."),
]


@app.command()
def readiness(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    window: WindowOpt = None,
    kind: TypeOpt = None,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Readiness by TSC category, evidence over time and the gaps, as HTML or PDF."""
    _run(ctx, "readiness", output, fmt, window, kind, as_of, org, as_json)


@app.command()
def matrix(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    window: WindowOpt = None,
    kind: TypeOpt = None,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The control matrix, one row per control, as CSV or XLSX."""
    _run(ctx, "matrix", output, fmt, window, kind, as_of, org, as_json)


@app.command("system-description")
def system_description(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    output: OutputOpt = None,
    fmt: FormatOpt = None,
    window: WindowOpt = None,
    kind: TypeOpt = None,
    as_of: AsOfOpt = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A skeleton of the SOC 2 description of the system, as Markdown or HTML."""
    _run(ctx, "system-description", output, fmt, window, kind, as_of, org, as_json)


def _run(  # noqa: PLR0917 - the options of every report command
    ctx: typer.Context,
    report: str,
    output: Path | None,
    fmt: str | None,
    window: str | None,
    kind: str | None,
    as_of: datetime | None,
    org: str | None,
    as_json: bool,
) -> None:
    from aiattest.errors import InputError
    from aiattest.reports import build

    chosen = build.choose_format(report, fmt, output)
    if output is None and chosen in build.BINARY:
        raise InputError(f"a {chosen} report is binary: write it to a file with -o")
    day = as_of.date() if as_of else datetime.now(UTC).date()
    kind_value, span = _scope(kind, window, day)
    with open_governance(ctx) as (settings, db, _recorder):
        with db.session() as session:
            org_id = resolve_org(session, org)
        if report == "system-description":
            value: object = build.description(db, org_id, day, span)
        else:
            from aiattest.catalog import load_catalog
            from aiattest.evidence.assessment import assess_organisation

            catalog = load_catalog(settings.catalog_dir)
            result = assess_organisation(db, catalog, org_id, kind=kind_value, as_of=day,
                                         window=span)  # fmt: skip
            value = (
                build.readiness(db, org_id, result)
                if report == "readiness"
                else build.matrix(db, org_id, result, catalog)
            )
    rendered = build.render(report, chosen, value)
    if output is None:
        console.file.write(rendered.content.decode("utf-8"))
        return
    output.write_bytes(rendered.content)
    if as_json:
        print_json({"report": report, "format": chosen, "media_type": rendered.media_type,
                    "path": str(output), "bytes": len(rendered.content)})  # fmt: skip
        return
    console.print(f"{report} report ({chosen}) written to {output}", markup=False)


def _scope(kind: str | None, window: str | None, day: date) -> tuple[AssessmentType, Window | None]:
    from aiattest.assess import AssessmentType, Window, default_window
    from aiattest.errors import InputError

    if kind is not None and kind not in {t.value for t in AssessmentType}:
        raise InputError(f"--type must be 1 or 2, not {kind!r}")
    kind_value = AssessmentType(kind) if kind else (
        AssessmentType.TYPE_2 if window else AssessmentType.TYPE_1
    )  # fmt: skip
    if kind_value is AssessmentType.TYPE_1:
        if window:
            raise InputError("--window is for Type II reports; drop it or pass --type 2")
        return kind_value, None
    return kind_value, Window.parse(window) if window else default_window(day)
