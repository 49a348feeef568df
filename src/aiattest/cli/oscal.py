"""``aiattest oscal export``: write the catalog, profile, component definition, system
security plan and assessment results as OSCAL 1.1.2 JSON files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from aiattest.cli.governance import JsonOpt, OrgOpt, open_governance, resolve_org
from aiattest.cli.output import console, print_json

app = typer.Typer(help="OSCAL 1.1.2 JSON export for GRC tools and auditors.", no_args_is_help=True)


def _moment(text: str | None) -> datetime:
    from aiattest.errors import InputError

    if text is None:
        return datetime.now(UTC)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as e:
        raise InputError(f"--timestamp {text!r} is not an ISO date-time: {e}") from e
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@app.command("export")
def export_cmd(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Directory to write the five files into.")
    ],
    window: Annotated[
        str | None,
        typer.Option("--window", help="FROM..TO (ISO dates) of the results (default: all)."),
    ] = None,
    timestamp: Annotated[
        str | None,
        typer.Option(
            "--timestamp",
            help="Last-modified time of the documents (ISO; default now). Pass the same "
            "time to get byte-identical files from the same data.",
        ),
    ] = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Export the catalog, profile, components, security plan and test results as OSCAL."""
    from aiattest.assess import Window
    from aiattest.catalog import load_catalog
    from aiattest.reports.oscal import OSCAL_VERSION, export_oscal

    parsed = Window.parse(window) if window else None
    generated_at = _moment(timestamp)
    with open_governance(ctx) as (settings, db, _recorder):
        with db.session() as session:
            organisation = resolve_org(session, org)
        catalog = load_catalog(settings.catalog_dir)
        done = export_oscal(
            db, catalog, organisation, output, window=parsed, generated_at=generated_at
        )
    summary = {
        "directory": str(done.directory),
        "files": [p.name for p in done.files],
        "controls": done.controls,
        "components": done.components,
        "observations": done.observations,
        "findings": done.findings,
        "window": f"{done.window.start}..{done.window.end}" if done.window else None,
        "oscal_version": OSCAL_VERSION,
    }
    if as_json:
        print_json(summary)
        return
    for path in done.files:
        console.print(f"wrote {path}", markup=False, soft_wrap=True)
    console.print(
        f"{done.controls} controls, {done.components} components, "
        f"{done.observations} observations, {done.findings} findings "
        f"({summary['window'] or 'no results'})",
        markup=False,
    )
