"""``aiattest evidence``: run the automated checks, list checks and stored results, and
manage manual evidence (requests to control owners, uploaded artefacts).

Exit codes: 0 fine, 1 a check failed (``collect``), 2 bad input (unknown control, bad
``--at``/``--window``, a file that cannot be evidence).
"""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aiattest.cli.governance import JsonOpt, OrgOpt, resolve_org
from aiattest.cli.output import console, err_console, print_json

if TYPE_CHECKING:
    import uuid

    from aiattest.catalog import Catalog
    from aiattest.config import Settings
    from aiattest.evidence.runner import Collected
    from aiattest.ledger import Ledger
    from aiattest.store import Database

app = typer.Typer(
    help="Evidence: run checks, see results, request and upload manual evidence.",
    no_args_is_help=True,
)

ControlsOpt = Annotated[
    list[str] | None,
    typer.Option("--control", "-c", metavar="ID", help="A control id (repeatable)."),
]


@dataclass
class Opened:
    """What an evidence command works with."""

    settings: Settings
    """Settings in effect."""
    db: Database
    """The database at the newest schema."""
    ledger: Ledger
    """The evidence ledger."""
    catalog: Catalog
    """The control catalog (shipped plus the user's)."""
    org: uuid.UUID
    """The organisation named by ``--org`` (or the only one)."""


@contextmanager
def open_evidence(ctx: typer.Context, org: str | None) -> Iterator[Opened]:
    """Settings, database, ledger, catalog and organisation for one command."""
    from aiattest.catalog import load_catalog
    from aiattest.cli.governance import open_governance

    with open_governance(ctx) as (settings, db, recorder):
        catalog = load_catalog(settings.catalog_dir)
        with db.session() as session:
            organisation = resolve_org(session, org)
        yield Opened(settings, db, recorder.ledger, catalog, organisation)


def parse_at(text: str) -> datetime:
    """``--at``: an ISO date (the end of that day) or time (naive means UTC)."""
    from aiattest.errors import InputError

    try:
        if len(text) == len("2026-01-01"):
            return datetime.combine(date.fromisoformat(text), time.max, tzinfo=UTC)
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--at {text!r} is not an ISO date or time") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _collected_json(c: Collected) -> dict[str, Any]:
    r = c.result
    return {
        "check": r.check_id,
        "controls": list(c.controls),
        "status": str(r.status),
        "summary": r.summary,
        "period": [r.period.start.isoformat(), r.period.end.isoformat()],
        "as_of": c.as_of.isoformat(),
        "population": len(r.items),
        "failed": len(r.failures),
        "ledger_index": c.ledger_index,
    }


@app.command()
def collect(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    control: ControlsOpt = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", metavar="TIME", help="As-of ISO time, or date (its end); default now, UTC."
        ),
    ] = None,
    window: Annotated[
        str | None,
        typer.Option("--window", metavar="FROM..TO", help="Back-fill every period of it."),
    ] = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the checks of every automated control (or of --control) and store the results;
    exits 1 when any run did not pass."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from aiattest.assess import Window
    from aiattest.errors import InputError
    from aiattest.evidence import runner

    if at is not None and window is not None:
        raise InputError("give --at or --window, not both")
    as_of = parse_at(at) if at is not None else None
    span = Window.parse(window) if window is not None else None
    with open_evidence(ctx, org) as o:
        # Unknown and manual controls are refused before anything runs.
        runner.automated_controls(o.catalog, control or ())
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err_console,
            transient=True,
            disable=as_json or not err_console.is_terminal,
        )
        with bar:
            task = bar.add_task("collecting", total=None)

            def progress(done: int, total: int, check: str) -> None:
                bar.update(task, completed=done, total=total, description=check)

            args = (o.db, o.ledger, o.settings, o.catalog, o.org)
            if span is not None:
                done = runner.collect_window(*args, span, controls=control or (), progress=progress)
            else:
                done = runner.collect(*args, at=as_of, controls=control or (), progress=progress)
    results = [_collected_json(c) for c in done]
    failed = [r for r in results if r["status"] != "pass"]
    if as_json:
        print_json(results)
    else:
        results_table("check runs", results, ("check", "controls", "status", "summary"))
        console.print(f"{len(results)} run(s), {len(failed)} not passed", markup=False)
    if failed:
        raise typer.Exit(1)


def results_table(title: str, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    """Print ``rows`` as a Rich table of ``columns`` (a ``status`` column is coloured)."""
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for name in columns:
        table.add_column(name, overflow="fold")
    style = {"pass": "green", "fail": "red", "exception": "yellow"}
    for row in rows:
        cells = []
        for name in columns:
            value = row[name]
            text = ", ".join(value) if isinstance(value, list) else str(value)
            text = escape(text)
            if name == "status":
                text = f"[{style.get(text, 'default')}]{text}[/]"
            cells.append(text)
        table.add_row(*cells)
    console.print(table)


@app.command()
def checks(as_json: JsonOpt = False) -> None:
    """List the registered checks and the controls that name them."""
    from aiattest.catalog import load_catalog
    from aiattest.evidence.catalog_doc import check_rows

    rows = check_rows(load_catalog())
    if as_json:
        print_json(rows)
        return
    results_table("checks", rows, ("id", "title", "population", "controls", "doc"))


@app.command()
def results(
    ctx: typer.Context, control: ControlsOpt = None, org: OrgOpt = None, as_json: JsonOpt = False
) -> None:
    """The latest stored result of each check for each control (or for --control)."""
    from aiattest.evidence.results import latest_results, result_view

    with open_evidence(ctx, org) as o:
        wanted = [o.catalog.control(c).id for c in control or []]
        rows = [
            result_view(r)
            for r in latest_results(o.db, o.org)
            if not wanted or r.control_id in wanted
        ]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["period"] = "..".join(dict.fromkeys(row["period"]))
        row["as_of"] = row["as_of"][:16].replace("T", " ")
    results_table(
        "latest results", rows, ("control", "check", "period", "as_of", "status", "summary")
    )


DateOpt = Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"], help="YYYY-MM-DD.")]


@app.command()
def upload(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    control: Annotated[str, typer.Argument(help="The control the file is evidence for.")],
    file: Annotated[Path, typer.Argument(help="The artefact (PDF, export, screenshot, ...).")],
    expires: DateOpt = None,
    covers_from: DateOpt = None,
    by: Annotated[str | None, typer.Option("--by", help="Who uploads (default OS user).")] = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Store an artefact as evidence for a control (content-addressed, ledgered)."""
    from aiattest.evidence import manual

    request = manual.Upload(
        control_id=control,
        path=file,
        uploaded_by=by or getpass.getuser(),
        covers_from=covers_from.date() if covers_from else None,
        expires_on=expires.date() if expires else None,
    )
    with open_evidence(ctx, org) as o:
        done = manual.upload(o.db, o.ledger, o.settings, o.catalog, o.org, request)
    if as_json:
        print_json(done)
        return
    console.print(
        f"stored {done['sha256'][:16]}... for {done['control']} "
        f"(covers {done['covers_from']}..{done['expires_on']}, ledger #{done['ledger_index']}); "
        f"{len(done['fulfilled'])} request(s) fulfilled",
        markup=False,
        soft_wrap=True,
    )


@app.command()
def requests(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    open_only: Annotated[bool, typer.Option("--open", help="Only open requests.")] = False,
    create: Annotated[
        bool, typer.Option("--create", help="Open this period's requests first.")
    ] = False,
    owner: Annotated[
        list[str] | None, typer.Option("--owner", help="CONTROL=PERSON for --create.")
    ] = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Evidence requests to the owners of manual controls (--create opens missing ones)."""
    from aiattest.errors import InputError
    from aiattest.evidence import manual

    owners = {}
    for item in owner or []:
        name, sep, person = item.partition("=")
        if not sep or not person.strip():
            raise InputError(f"--owner wants CONTROL=PERSON, got {item!r}")
        owners[name] = person.strip()
    if owners and not create:
        raise InputError("--owner only applies with --create")
    with open_evidence(ctx, org) as o:
        created = (
            manual.request_all(o.db, o.settings, o.catalog, o.org, owners=owners) if create else []
        )
        rows = manual.list_requests(o.db, o.org, open_only=open_only)
    if as_json:
        print_json(rows)
        return
    if create:
        console.print(f"{len(created)} request(s) opened", markup=False)
    for row in rows:
        row["period"] = "..".join(row["period"])
    results_table("evidence requests", rows, ("control", "owner", "period", "due_on", "status"))


@app.command()
def files(
    ctx: typer.Context,
    control: Annotated[str | None, typer.Option("--control", "-c", help="One control.")] = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Uploaded artefacts, newest first."""
    from aiattest.evidence import manual

    with open_evidence(ctx, org) as o:
        if control is not None:
            o.catalog.control(control)
        rows = manual.list_files(o.db, o.org, control_id=control)
    if as_json:
        print_json(rows)
        return
    for row in rows:
        row["sha256"] = row["sha256"][:16]
    results_table(
        "evidence files",
        rows,
        ("control", "filename", "sha256", "covers_from", "expires_on", "uploaded_by"),
    )
