"""``aiattest retention``: purge expired retained content; decrypt one request for an admin.

Retained content exists only when ``[gateway.retention] enabled = true``; decryption is
offered here, on the command line of someone holding the key, and nowhere in the HTTP API.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

import typer

from aiattest.cli.output import console, print_json
from aiattest.cli.state import settings_from
from aiattest.errors import InputError

app = typer.Typer(
    help="Encrypted content retention: purge expired records, show one (admin).",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def parse_time(value: str) -> datetime:
    """An ISO 8601 time; one without a zone is taken as UTC."""
    try:
        at = datetime.fromisoformat(value)
    except ValueError as e:
        raise InputError(
            f"--now {value!r} is not an ISO 8601 time", hint="e.g. 2026-12-31T00:00:00Z"
        ) from e
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


@app.command("purge")
def purge_cmd(
    ctx: typer.Context,
    now: Annotated[
        str | None,
        typer.Option("--now", help="Purge as of this ISO 8601 time (default: now, UTC)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Delete every retained record whose retention period has ended."""
    from aiattest.gateway.retention import purge
    from aiattest.store import Database

    at = parse_time(now) if now else datetime.now(UTC)
    db = Database(settings_from(ctx).db_url)
    try:
        deleted = purge(db, at)
    finally:
        db.dispose()
    if as_json:
        print_json({"purged": deleted, "as_of": at.isoformat()})
    else:
        console.print(f"purged {deleted} record(s) expired as of {at.isoformat()}")


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    request_id: Annotated[str, typer.Argument(help="The request's x-request-id.")],
    as_json: JsonOption = False,
) -> None:
    """Decrypt and print the retained messages and completion of one request."""
    from aiattest.gateway.retention import RetentionStore
    from aiattest.store import Database

    settings = settings_from(ctx)
    db = Database(settings.db_url)
    try:
        records = RetentionStore(db, settings.gateway.retention).show(request_id)
    finally:
        db.dispose()
    if as_json:
        print_json([asdict(r) for r in records])
        return
    for r in records:
        console.print(f"record {r.id}   tenant {r.tenant}   request {r.request_id}", markup=False)
        console.print(
            f"stored {r.created_at.isoformat()}   purge after {r.purge_after.isoformat()}",
            markup=False,
        )
        for message in r.messages:
            console.print(f"[{message.get('role', '?')}] {message.get('content')}", markup=False)
        console.print(f"[completion] {r.completion}", markup=False)
