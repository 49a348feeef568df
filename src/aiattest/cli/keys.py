"""``aiattest keys``: create, list, revoke and rotate the gateway's API keys.

A new key is printed once; only its SHA-256 is stored.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from aiattest.cli.output import console, err_console, print_json
from aiattest.cli.state import settings_from
from aiattest.roles import Role

app = typer.Typer(help="Gateway API keys: create, list, revoke, rotate.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OrgOption = Annotated[
    str | None, typer.Option("--org", help="Organisation slug (default: the only one).")
]


def _plain(info: Any) -> dict[str, Any]:
    from dataclasses import asdict

    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(info).items()}


def _show_new(key: str, info: Any, as_json: bool) -> None:
    if as_json:
        print_json({"key": key, **_plain(info)})
        return
    console.print(f"key id     {info.key_id}")
    console.print(f"tenant     {info.tenant}   principal {info.principal}   role {info.role}")
    console.print(f"key        {key}")
    err_console.print("Store the key now: it is shown only once and cannot be recovered.")


@app.command("create")
def create_cmd(  # noqa: PLR0917 - Typer maps parameters to options
    ctx: typer.Context,
    principal: Annotated[
        str, typer.Option("--principal", help="Person or service the key is for.")
    ],
    role: Annotated[Role, typer.Option("--role", help="The key's role.")],
    org: OrgOption = None,
    name: Annotated[str, typer.Option("--name", help="A label for the key.")] = "",
    as_json: JsonOption = False,
) -> None:
    """Create an API key bound to an organisation, a principal and a role."""
    from aiattest.gateway.keys import create_key
    from aiattest.store import Database

    db = Database(settings_from(ctx).db_url)
    try:
        key, info = create_key(db, principal=principal, role=role, tenant=org, name=name)
    finally:
        db.dispose()
    _show_new(key, info, as_json)


@app.command("list")
def list_cmd(ctx: typer.Context, org: OrgOption = None, as_json: JsonOption = False) -> None:
    """List keys with creation, last use and revocation times (never the keys)."""
    from aiattest.gateway.keys import list_keys
    from aiattest.store import Database

    db = Database(settings_from(ctx).db_url)
    try:
        keys = list_keys(db, tenant=org)
    finally:
        db.dispose()
    if as_json:
        print_json([_plain(k) for k in keys])
        return
    table = Table()
    table.add_column("key id", no_wrap=True, min_width=15)
    for title in ("tenant", "principal", "role", "created", "last used", "revoked"):
        table.add_column(title)
    for k in keys:
        table.add_row(
            k.key_id,
            k.tenant,
            k.principal,
            k.role,
            k.created_at.isoformat(timespec="seconds"),
            k.last_used_at.isoformat(timespec="seconds") if k.last_used_at else "-",
            k.revoked_at.isoformat(timespec="seconds") if k.revoked_at else "-",
        )
    console.print(table)


@app.command("revoke")
def revoke_cmd(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key id (aiat_...).")],
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Revoke a key; running gateways refuse it within seconds."""
    from aiattest.gateway.keys import revoke_key
    from aiattest.store import Database

    db = Database(settings_from(ctx).db_url)
    try:
        info = revoke_key(db, key_id, tenant=org)
    finally:
        db.dispose()
    if as_json:
        print_json(_plain(info))
    else:
        console.print(f"revoked {info.key_id}")


@app.command("rotate")
def rotate_cmd(
    ctx: typer.Context,
    key_id: Annotated[str, typer.Argument(help="The key id (aiat_...).")],
    org: OrgOption = None,
    as_json: JsonOption = False,
) -> None:
    """Replace a key with a new one of the same binding and revoke the old one."""
    from aiattest.gateway.keys import rotate_key
    from aiattest.store import Database

    db = Database(settings_from(ctx).db_url)
    try:
        key, info = rotate_key(db, key_id, tenant=org)
    finally:
        db.dispose()
    _show_new(key, info, as_json)
