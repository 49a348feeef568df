"""``aiattest demo``: the main job (grows with every capability)."""

from __future__ import annotations

from typing import Annotated

import typer

from aiattest.cli.output import console
from aiattest.cli.state import settings_from


def demo(
    ctx: typer.Context,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Do not serve the API.")] = False,
) -> None:
    """Initialise a data dir and show what the catalog covers, then the next steps."""
    from aiattest.bootstrap import initialise

    report = initialise(settings_from(ctx), "Demo AI Co")
    console.print(f"initialised {report.data_dir} ({report.database_url})")
