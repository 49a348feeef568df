"""``aiattest register``: list and show the governance registers; shared opening of the
database and ledger for the governance commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from aiattest.cli.output import console, print_json
from aiattest.cli.state import settings_from

if TYPE_CHECKING:
    from aiattest.config import Settings
    from aiattest.governance.ledger_recorder import LedgerRecorder
    from aiattest.store import Database

app = typer.Typer(help="Governance registers: systems, models, datasets, vendors, ...",
                  no_args_is_help=True)  # fmt: skip

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
OrgOpt = Annotated[
    str | None, typer.Option("--org", help="Organisation slug (default: the only one).")
]


@contextmanager
def open_governance(ctx: typer.Context) -> Iterator[tuple[Settings, Database, LedgerRecorder]]:
    """Settings, a database at the newest schema, and a ledger-backed recorder."""
    from aiattest.errors import StoreError
    from aiattest.governance.ledger_recorder import LedgerRecorder
    from aiattest.ledger import Ledger
    from aiattest.store import Database, current_revision, head_revision

    settings = settings_from(ctx)
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    try:
        if current_revision(db) != head_revision():
            raise StoreError(
                "the database is not at the newest schema",
                hint="run `aiattest init` (or `aiattest db upgrade`)",
            )
        yield settings, db, LedgerRecorder(ledger)
    finally:
        ledger.close()
        db.dispose()


def _org_id(session: Any, slug: str | None) -> Any:
    from sqlalchemy import select

    from aiattest.errors import InputError
    from aiattest.governance.unit import organisation_id
    from aiattest.store.models import Organisation

    if slug is not None:
        return organisation_id(session, slug)
    orgs = list(session.scalars(select(Organisation).limit(2)))
    if len(orgs) != 1:
        raise InputError("name the organisation with --org", hint="there is not exactly one")
    return orgs[0].id


def _public(kind: Any, row: Any) -> dict[str, Any]:
    from aiattest.governance.registers import spec_json, spec_of

    data = {"id": str(row.id), **spec_json(spec_of(kind, row))}
    for extra in ("risk_tier", "risk_rule", "risk_rationale", "passed"):
        if hasattr(row, extra):
            data[extra] = getattr(row, extra)
    return data


@app.command("list")
def list_cmd(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    register: Annotated[str, typer.Argument(help="systems, models, datasets, vendors, ...")],
    filters: Annotated[
        list[str] | None, typer.Option("--filter", "-f", help="FIELD=VALUE (repeatable).")
    ] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 100,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """List the records of a register."""
    from aiattest.errors import InputError
    from aiattest.governance import registers

    if register == "changes":
        _list_changes(ctx, org, as_json)
        return
    kind = registers.register(register)
    wanted = {}
    for item in filters or []:
        name, sep, value = item.partition("=")
        if not sep:
            raise InputError(f"--filter wants FIELD=VALUE, got {item!r}")
        wanted[name] = value
    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        rows, total = registers.page(session, kind, _org_id(session, org), filters=wanted,
                                     offset=offset, limit=limit)  # fmt: skip
        items = [_public(kind, r) for r in rows]
    if as_json:
        print_json({"total": total, "offset": offset, "items": items})
        return
    for record in items:
        key = kind.label([str(record[k]) for k in kind.key])
        console.print(f"{kind.name}/{key}", markup=False, soft_wrap=True)
    console.print(f"{len(items)} of {total}")


def _list_changes(ctx: typer.Context, org: str | None, as_json: bool) -> None:
    from sqlalchemy import select

    from aiattest.governance.changes import view
    from aiattest.store.models.governance import Change

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        org_id = _org_id(session, org)
        rows = session.scalars(
            select(Change).where(Change.organisation_id == org_id).order_by(Change.name)
        )
        changes = [view(c) for c in rows]
    if as_json:
        print_json({"total": len(changes), "offset": 0, "items": changes})
        return
    for change in changes:
        console.print(
            f"change/{change['name']} {change['state']} {change['subject']}", markup=False
        )


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    register: Annotated[str, typer.Argument(help="systems, models, changes, ...")],
    key: Annotated[str, typer.Argument(help="Name (models: NAME@VERSION).")],
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show one record."""
    from aiattest.governance import changes, registers

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        org_id = _org_id(session, org)
        if register == "changes":
            data = changes.view(changes.get_change(session, org_id, key))
        else:
            kind = registers.register(register)
            parts = tuple(key.split("@", len(kind.key) - 1))
            data = _public(kind, registers.get(session, kind, org_id, parts))
    if as_json:
        print_json(data)
        return
    for name, value in data.items():
        console.print(f"{name:22} {value}", markup=False, soft_wrap=True)


@app.command("deployments")
def deployments_cmd(
    ctx: typer.Context,
    start: Annotated[datetime, typer.Option("--from", help="Window start (UTC).")],
    end: Annotated[datetime, typer.Option("--to", help="Window end, exclusive (UTC).")],
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Production deployments in a window: the population an auditor samples."""
    from aiattest.governance.changes import production_deployments

    window = [d if d.tzinfo else d.replace(tzinfo=UTC) for d in (start, end)]
    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        found = production_deployments(session, _org_id(session, org), window[0], window[1])
    rows = [{"change": d.change, "subject": d.subject, "risk_tier": d.risk_tier,
             "at": d.at.isoformat(), "actor": d.actor} for d in found]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    for r in rows:
        console.print(
            f"{r['at']}  {r['change']}  {r['subject']}  ({r['risk_tier']})",
            markup=False,
            soft_wrap=True,
        )
    console.print(f"{len(rows)} deployment(s)")
