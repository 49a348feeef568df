"""``aiattest catalog``: browse the control catalog (placeholder until the catalog lands)."""

from __future__ import annotations

import typer

app = typer.Typer(help="The control catalog: criteria, AI risks, controls.", no_args_is_help=True)
