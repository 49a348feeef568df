"""``aiattest access-review``: open a campaign over principals and gateway API keys, decide
keep or revoke per subject, close it (revocations applied); every write is ledgered."""

from __future__ import annotations

import getpass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from aiattest.cli.governance import JsonOpt, OrgOpt, open_governance, resolve_org
from aiattest.cli.output import console, print_json

if TYPE_CHECKING:
    from aiattest.governance.access_reviews import AccessDirectory

app = typer.Typer(
    help="Access review campaigns: who can reach a system, keep or revoke.", no_args_is_help=True
)

ActorOpt = Annotated[str | None, typer.Option("--actor", help="Who acts (default: the OS user).")]


def directories() -> dict[str, AccessDirectory]:
    """The directories a CLI campaign reviews, by subject kind: principals and gateway keys."""
    # Imported here so `aiattest --help` does not load the store models of every capability.
    from aiattest.gateway.access import ApiKeyDirectory
    from aiattest.governance.access_reviews import PrincipalDirectory

    return {"principal": PrincipalDirectory(), "api_key": ApiKeyDirectory()}


def _render(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print_json(data)
        return
    for field in ("name", "system", "reviewer", "status", "due_on", "closed_at"):
        console.print(f"{field:10} {data[field] or '-'}", markup=False, soft_wrap=True)
    for item in data["items"]:
        applied = " (applied)" if item["applied"] else ""
        by = f" by {item['decided_by']}" if item["decided_by"] else ""
        reason = f": {item['reason']}" if item["reason"] else ""
        console.print(
            f"  {item['kind']}/{item['subject']} [{', '.join(item['roles'])}] "
            f"{item['decision']}{by}{reason}{applied}",
            markup=False,
            soft_wrap=True,
        )


@app.command("open")
def open_cmd(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Campaign name, e.g. 2026-Q4.")],
    reviewer: Annotated[str, typer.Option("--reviewer", help="The principal who decides.")],
    system: Annotated[str | None, typer.Option("--system", help="The system reviewed.")] = None,
    due: Annotated[
        datetime | None, typer.Option("--due", formats=["%Y-%m-%d"], help="Deadline (YYYY-MM-DD).")
    ] = None,
    actor: ActorOpt = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Open a campaign listing every active principal and unrevoked gateway API key."""
    from aiattest.governance import access_reviews as ar
    from aiattest.governance.unit import unit_of_work

    with (
        open_governance(ctx) as (_settings, db, recorder),
        unit_of_work(db, recorder) as (session, journal),
    ):
        review, change = ar.open_review(
            session,
            resolve_org(session, org),
            name,
            reviewer=reviewer,
            actor=actor or getpass.getuser(),
            directories=list(directories().values()),
            system=system,
            due_on=due.date() if due else None,
        )
        journal.add(change)
        data = ar.view(review)
    if as_json:
        print_json(data)
        return
    console.print(f"opened {name}: {len(data['items'])} subject(s) to review", markup=False)


@app.command("list")
def list_cmd(ctx: typer.Context, org: OrgOpt = None, as_json: JsonOpt = False) -> None:
    """List the campaigns with how many subjects are decided."""
    from sqlalchemy import select

    from aiattest.governance.access_reviews import view
    from aiattest.store.models.governance import AccessReview

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        rows = session.scalars(
            select(AccessReview)
            .where(AccessReview.organisation_id == resolve_org(session, org))
            .order_by(AccessReview.name)
        )
        reviews = [view(r) for r in rows]
    if as_json:
        print_json(reviews)
        return
    for r in reviews:
        done = sum(i["decision"] != "pending" for i in r["items"])
        console.print(
            f"{r['name']}  {r['status']}  reviewer {r['reviewer']}  "
            f"{done}/{len(r['items'])} decided",
            markup=False,
            soft_wrap=True,
        )
    console.print(f"{len(reviews)} campaign(s)", markup=False)


@app.command("show")
def show_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Campaign name.")],
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show a campaign and every subject's decision."""
    from aiattest.governance.access_reviews import get_review, view

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        data = view(get_review(session, resolve_org(session, org), name))
    _render(data, as_json)


@app.command("decide")
def decide_cmd(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Campaign name.")],
    kind: Annotated[Literal["principal", "api_key"], typer.Option("--kind")],
    subject: Annotated[str, typer.Option("--subject", help="Principal name or API key id.")],
    decision: Annotated[Literal["keep", "revoke"], typer.Option("--decision")],
    as_principal: Annotated[str, typer.Option("--as", help="The principal deciding.")],
    reason: Annotated[str, typer.Option("--reason", help="Why (required to revoke).")] = "",
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record keep or revoke for one subject (nothing is revoked until the campaign closes)."""
    from aiattest.governance import access_reviews as ar
    from aiattest.governance.unit import unit_of_work

    with (
        open_governance(ctx) as (_settings, db, recorder),
        unit_of_work(db, recorder) as (session, journal),
    ):
        org_id = resolve_org(session, org)
        journal.add(
            ar.decide(
                session,
                org_id,
                name,
                kind=kind,
                subject=subject,
                decision=decision,
                reviewer=as_principal,
                at=datetime.now(UTC),
                reason=reason,
            )
        )
        data = ar.view(ar.get_review(session, org_id, name))
    if as_json:
        print_json(data)
        return
    console.print(f"{kind}/{subject}: {decision}", markup=False, soft_wrap=True)


@app.command("close")
def close_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Campaign name.")],
    actor: ActorOpt = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Close a fully decided campaign and apply its revocations."""
    from aiattest.governance import access_reviews as ar
    from aiattest.governance.unit import unit_of_work

    with (
        open_governance(ctx) as (_settings, db, recorder),
        unit_of_work(db, recorder) as (session, journal),
    ):
        org_id = resolve_org(session, org)
        journal.add(
            ar.close_review(
                session,
                org_id,
                name,
                actor=actor or getpass.getuser(),
                directories=directories(),
                at=datetime.now(UTC),
            )
        )
        data = ar.view(ar.get_review(session, org_id, name))
    if as_json:
        print_json(data)
        return
    revoked = [f"{i['kind']}/{i['subject']}" for i in data["items"] if i["applied"]]
    console.print(
        f"closed {name}: {len(revoked)} revoked" + (f" ({', '.join(revoked)})" if revoked else ""),
        markup=False,
        soft_wrap=True,
    )
