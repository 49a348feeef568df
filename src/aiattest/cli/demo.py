"""``aiattest demo``: the main job, end to end, then the API served until Ctrl-C."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from aiattest.cli.output import console, print_json
from aiattest.cli.state import settings_from


def demo(
    ctx: typer.Context,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Do not serve the API afterwards (for CI).")
    ] = False,
    requests: Annotated[
        int, typer.Option("--requests", min=10, max=100_000, help="Requests to replay.")
    ] = 3000,
    port: Annotated[int, typer.Option("--port", help="Port to serve the API on.")] = 8000,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run the main job: a demo AI company end to end, then serve its API.

    Builds the organisation, puts its traffic through the gateway, collects every check,
    assesses readiness, writes the reports, OSCAL and the auditor package, and verifies it.
    """
    from aiattest.demo import demo_world, run_demo
    from aiattest.demo.present import render_report, report_json

    settings = settings_from(ctx)
    quiet = as_json or not console.is_terminal
    with demo_world(settings) as (world_settings, primary, _secondary):
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn())  # fmt: skip
        with Progress(*columns, console=console, transient=True, disable=quiet) as bar:
            task = bar.add_task("replaying traffic", total=requests, visible=False)

            def say(line: str) -> None:
                if not as_json:
                    console.print(f"[dim]·[/] {line}")

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, visible=True)

            report = run_demo(world_settings, primary, requests=requests, say=say,
                              advance=advance)  # fmt: skip
        if as_json:
            print_json(report_json(report))
        else:
            render_report(console, report)
        if not no_serve:
            from aiattest.demo.serve import serve_demo

            def plain(line: str) -> None:
                # Keys and commands are copied from here: never wrap or mark them up.
                console.print(line, markup=False, soft_wrap=True)

            serve_demo(world_settings, report, port=port, say=plain)
    if not report.package_verified:
        raise typer.Exit(1)
