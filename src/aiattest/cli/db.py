"""``aiattest db``: schema migrations."""

from __future__ import annotations

from typing import Annotated

import typer

from aiattest.cli.output import console, print_json
from aiattest.cli.state import settings_from
from aiattest.store import Database, current_revision, downgrade, head_revision, upgrade

app = typer.Typer(help="Database schema migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_cmd(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Migrate the database up to the newest schema (or REVISION)."""
    db = Database(settings_from(ctx).db_url)
    try:
        upgrade(db, revision)
        console.print(f"database at {current_revision(db)}")
    finally:
        db.dispose()


@app.command("downgrade")
def downgrade_cmd(
    ctx: typer.Context,
    revision: Annotated[str, typer.Argument(help="Target revision ('base' drops everything).")],
) -> None:
    """Migrate the database down to REVISION."""
    db = Database(settings_from(ctx).db_url)
    try:
        downgrade(db, revision)
        console.print(f"database at {current_revision(db) or 'base'}")
    finally:
        db.dispose()


@app.command("current")
def current_cmd(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show the schema revision of the database and the newest one shipped."""
    db = Database(settings_from(ctx).db_url)
    try:
        current = current_revision(db)
    finally:
        db.dispose()
    head = head_revision()
    if as_json:
        print_json({"current": current, "head": head, "up_to_date": current == head})
    else:
        console.print(f"current {current or 'none'}  head {head}")
