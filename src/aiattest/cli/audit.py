"""``aiattest audit``: what an auditor asks for. ``sample`` writes each control's complete
population over a window and a reproducible sample of it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aiattest.cli import audit_package
from aiattest.cli.evidence import ControlsOpt, open_evidence, results_table
from aiattest.cli.governance import JsonOpt, OrgOpt
from aiattest.cli.output import console, print_json

app = typer.Typer(help="Auditor requests: populations and samples.", no_args_is_help=True)


@app.command()
def sample(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    window: Annotated[
        str, typer.Option("--window", metavar="FROM..TO", help="The period audited.")
    ],
    seed: Annotated[str, typer.Option("--seed", help="Seed of the draw (the auditor's).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Directory to write the CSVs to.")],
    control: ControlsOpt = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write populations/<control>.csv, samples/<control>.csv and samples.csv to --out."""
    from aiattest.assess import Window
    from aiattest.evidence.populations import audit_sample, write_samples

    span = Window.parse(window)
    with open_evidence(ctx, org) as o:
        drawn = audit_sample(
            o.db, o.ledger, o.settings, o.catalog, o.org, span, seed, controls=control or ()
        )
    write_samples(out, drawn)
    rows = [s.summary() for s in drawn]
    if as_json:
        print_json({"out": str(out), "window": [str(span.start), str(span.end)], "controls": rows})
        return
    columns = ("control", "frequency", "automation", "population", "sample_size")
    results_table("populations and samples", rows, columns)
    console.print(f"{len(rows)} control(s) written to {out}", markup=False)


app.command("package")(audit_package.package)
app.command("verify")(audit_package.verify)
