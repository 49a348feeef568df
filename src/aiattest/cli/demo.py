"""``aiattest demo``: the main job (grows with every capability)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from aiattest.cli.output import console, print_json
from aiattest.cli.state import settings_from


def demo(
    ctx: typer.Context,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Do not serve the API afterwards (for CI).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Set up a demo organisation and show what the control catalog covers."""
    from aiattest.demo import run_demo

    report = run_demo(settings_from(ctx))
    summary = report.summary
    if as_json:
        print_json(
            {
                "data_dir": str(report.init.data_dir),
                "database": report.init.database_url,
                "summary": summary.model_dump(),
                "by_category": [row.__dict__ for row in report.by_category],
            }
        )
    else:
        console.print(f"[bold]aiattest demo[/] — data in {report.init.data_dir}")
        console.print(f"database {report.init.database_url} at {report.init.revision}")
        table = Table(title="Trust Services Criteria covered by the control catalog")
        for column in ("category", "criteria covered", "controls"):
            table.add_column(column)
        for row in report.by_category:
            table.add_row(
                row.category.value,
                f"{row.criteria_covered}/{row.criteria_total}",
                str(row.controls),
            )
        console.print(table)
        console.print(
            f"{summary.criteria_covered}/{summary.criteria_total} criteria covered, "
            f"{summary.risks_covered}/{summary.risks_total} AI risks mitigated, "
            f"{summary.controls_total} controls"
        )
        console.print("\nNext steps:")
        for step in report.next_steps:
            console.print(f"  {step}", markup=False, soft_wrap=True)
    # The demo does not serve the API yet (that arrives with the gateway in the main job);
    # --no-serve is accepted now so that scripts written today keep working.
    if not summary.complete:
        raise typer.Exit(1)
