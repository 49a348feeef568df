"""The root ``aiattest`` command: global options, error-to-exit-code mapping, command groups.

Exit codes: 0 fine, 1 a check found a problem, 2 bad usage or input.
"""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import typer

from aiattest import __version__
from aiattest.cli import access_reviews as access_reviews_cli
from aiattest.cli import apply as apply_cli
from aiattest.cli import assess as assess_cli
from aiattest.cli import audit as audit_cli
from aiattest.cli import catalog, db, demo, ledger
from aiattest.cli import evidence as evidence_cli
from aiattest.cli import governance as governance_cli
from aiattest.cli import guard as guard_cli
from aiattest.cli import keys as keys_cli
from aiattest.cli import oscal as oscal_cli
from aiattest.cli import report as report_cli
from aiattest.cli import retention as retention_cli
from aiattest.cli import serve as serve_cli
from aiattest.cli.output import console, err_console, print_json
from aiattest.cli.state import CliState, settings_from
from aiattest.errors import (
    CatalogError,
    ConfigError,
    Error,
    InputError,
)

EXIT_OK = 0
EXIT_PROBLEM = 1
EXIT_USAGE = 2

app = typer.Typer(
    name="aiattest",
    help="SOC 2 readiness for AI systems: controls that write their own evidence.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# Command groups, one per capability.
app.add_typer(catalog.app, name="catalog")
app.add_typer(db.app, name="db")
app.add_typer(ledger.app, name="ledger")
app.add_typer(guard_cli.app, name="guard")
app.add_typer(keys_cli.app, name="keys")
app.add_typer(retention_cli.app, name="retention")
app.command(name="serve")(serve_cli.serve)
app.add_typer(governance_cli.app, name="register")
app.add_typer(governance_cli.lineage_app, name="lineage")
app.add_typer(access_reviews_cli.app, name="access-review")
app.add_typer(oscal_cli.app, name="oscal")
app.add_typer(report_cli.app, name="report")
app.add_typer(evidence_cli.app, name="evidence")
app.add_typer(audit_cli.app, name="audit")
app.command(name="apply")(apply_cli.apply)
app.command(name="eval-run")(apply_cli.eval_run)
app.command(name="assess")(assess_cli.assess)


@app.callback()
def _root(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", help="TOML settings file (default ./aiattest.toml).")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    ctx.obj = CliState(config=config, debug=debug)


@app.command()
def version(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the aiattest version."""
    if as_json:
        print_json({"version": __version__})
    else:
        console.print(f"aiattest {__version__}")


@app.command()
def init(
    ctx: typer.Context,
    organisation: Annotated[
        str, typer.Option("--org", help="Name of the organisation being audited.")
    ] = "My Organisation",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create the data directory, migrate the database and create the organisation."""
    from aiattest.bootstrap import initialise

    report = initialise(settings_from(ctx), organisation)
    if as_json:
        print_json(report.__dict__)
        return
    console.print(f"data dir      {report.data_dir}")
    console.print(f"database      {report.database_url} at {report.revision}")
    state = "created" if report.organisation_created else "exists"
    console.print(f"organisation  {report.organisation} ({state})")


app.command(name="demo")(demo.demo)


def exit_code_for(error: Error) -> int:
    """Map an error to the CLI's exit code: bad input or settings are 2, the rest 1."""
    if isinstance(error, InputError | ConfigError | CatalogError):
        return EXIT_USAGE
    return EXIT_PROBLEM


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``aiattest`` script."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        app(args=argv, prog_name="aiattest")
    except Error as e:
        if debug:
            traceback.print_exc()
        err_console.print(f"error: {e.diagnostics()}", markup=False)
        sys.exit(exit_code_for(e))
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
