"""``aiattest register``: list and show the governance registers; shared opening of the
database and ledger for the governance commands."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
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


def resolve_org(session: Any, slug: str | None) -> Any:
    """The id of organisation ``slug``, or of the only organisation when none is named."""
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
        rows, total = registers.page(session, kind, resolve_org(session, org), filters=wanted,
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
        org_id = resolve_org(session, org)
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
        org_id = resolve_org(session, org)
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
        found = production_deployments(session, resolve_org(session, org), window[0], window[1])
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


lineage_app = typer.Typer(help="Data lineage: ingest OpenLineage events, ask where data went.",
                          no_args_is_help=True)  # fmt: skip


@lineage_app.command("ingest")
def lineage_ingest_cmd(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="OpenLineage RunEvents: a JSON object or JSONL.")],
    org: OrgOpt = None,
    actor: Annotated[str, typer.Option("--actor", help="Who sends them.")] = "lineage-cli",
    as_json: JsonOpt = False,
) -> None:
    """Ingest OpenLineage RunEvents (spec 2-0-2); only COMPLETE events add lineage."""
    from aiattest.governance.lineage import ingest, parse_events
    from aiattest.governance.unit import unit_of_work

    events = parse_events(file)
    results = []
    with (
        open_governance(ctx) as (_settings, db, recorder),
        unit_of_work(db, recorder) as (session, journal),
    ):
        org_id = resolve_org(session, org)
        for event in events:
            result, change = ingest(session, org_id, event, actor)
            journal.add(change)
            results.append(result)
    rows = [{"run_id": r.run_id, "edges_added": r.edges_added, "ignored": r.ignored}
            for r in results]  # fmt: skip
    if as_json:
        print_json(rows)
        return
    added = sum(r.edges_added for r in results)
    console.print(f"{len(rows)} event(s), {added} new edge(s)")


def _print_nodes(nodes: list[Any], as_json: bool) -> None:
    if as_json:
        print_json([n.to_json() for n in nodes])
        return
    for n in nodes:
        name = f" ({n.register_name})" if n.register_name and n.register_name != n.key else ""
        console.print(f"{n.kind}/{n.key}{name}  via {n.via}, depth {n.depth}",
                      markup=False, soft_wrap=True)  # fmt: skip


@lineage_app.command("trained-on")
def trained_on_cmd(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="NAME@VERSION.")],
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """What data was a model version trained on."""
    from aiattest.governance.lineage import trained_on

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        nodes = trained_on(session, resolve_org(session, org), model)
    _print_nodes(nodes, as_json)


@lineage_app.command("used-by")
def used_by_cmd(
    ctx: typer.Context,
    dataset: Annotated[str, typer.Argument(help="Dataset name or URI.")],
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Which model versions used a dataset (training, eval or retrieval)."""
    from aiattest.governance.lineage import models_using

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        nodes = models_using(session, resolve_org(session, org), dataset)
    _print_nodes(nodes, as_json)


@lineage_app.command("chunk")
def chunk_cmd(
    ctx: typer.Context,
    chunk: Annotated[str, typer.Argument(help="The chunk id in the vector store.")],
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Where a RAG chunk came from: document, version, source, ingestion run, upstream data."""
    from aiattest.governance.lineage import chunk_origin

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        origins = chunk_origin(session, resolve_org(session, org), chunk)
    data = [o.to_json() for o in origins]
    if as_json:
        print_json(data)
        return
    for o in data:
        for name, value in o.items():
            console.print(f"{name:16} {value}", markup=False, soft_wrap=True)


@app.command("model-card")
def model_card_cmd(
    ctx: typer.Context,
    model: Annotated[str, typer.Argument(help="NAME@VERSION.")],
    fmt: Annotated[
        str, typer.Option("--format", help="markdown (Hugging Face layout) or cyclonedx.")
    ] = "markdown",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    org: OrgOpt = None,
) -> None:
    """A model card from the inventory and eval runs, as Markdown or a CycloneDX 1.6 ML-BOM."""
    from aiattest.errors import InputError
    from aiattest.governance.model_card import build_card, to_cyclonedx, to_markdown

    renderers = {"markdown": to_markdown, "cyclonedx": to_cyclonedx}
    if fmt not in renderers:
        raise InputError(f"--format must be markdown or cyclonedx, not {fmt!r}")
    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        card = build_card(session, resolve_org(session, org), model)
    text = renderers[fmt](card)
    if output is None:
        console.file.write(text if text.endswith("\n") else text + "\n")
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", markup=False)


@app.command("policy")
def policy_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Policy name (a template id).")],
    fmt: Annotated[str, typer.Option("--format", help="markdown or html.")] = "markdown",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    org: OrgOpt = None,
) -> None:
    """Render a policy with the organisation's facts (systems, vendors, tiers)."""
    from aiattest.errors import InputError
    from aiattest.governance.policies import render_html, render_policy

    if fmt not in {"markdown", "html"}:
        raise InputError(f"--format must be markdown or html, not {fmt!r}")
    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        rendered = render_policy(session, resolve_org(session, org), name)
    text = rendered.markdown if fmt == "markdown" else render_html(rendered.markdown, name)
    if output is None:
        console.file.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output} (sha256 {rendered.sha256})", markup=False)


@app.command("acknowledge")
def acknowledge_cmd(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Policy name.")],
    principal: Annotated[str, typer.Option("--principal", help="Who acknowledges it.")],
    org: OrgOpt = None,
) -> None:
    """Record a principal's acknowledgement of the current approved version of a policy."""
    from aiattest.governance.policies import acknowledge
    from aiattest.governance.unit import unit_of_work

    with (
        open_governance(ctx) as (_settings, db, recorder),
        unit_of_work(db, recorder) as (session, journal),
    ):
        change = acknowledge(session, resolve_org(session, org), name, principal, datetime.now(UTC))
        journal.add(change)
    console.print("acknowledged" if change else "already acknowledged", markup=False)


@app.command("playbook")
def playbook_cmd(
    incident_type: Annotated[str, typer.Argument(help="prompt-injection, drift, ...")],
    as_json: JsonOpt = False,
) -> None:
    """Show the incident-response playbook of an AI incident type."""
    from aiattest.governance.playbooks import playbook_for

    book = playbook_for(incident_type)
    if as_json:
        print_json(book.model_dump(mode="json"))
        return
    console.print(f"{book.title} (start at {book.default_severity})", markup=False)
    for number, step in enumerate(book.steps, 1):
        console.print(f"  {number}. {step}", markup=False, soft_wrap=True)
    console.print(f"evidence: {', '.join(book.evidence)}", markup=False, soft_wrap=True)


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to a file.")] = None,
    org: OrgOpt = None,
) -> None:
    """Export every register as the YAML that `aiattest apply -f` reads (a round trip)."""
    from aiattest.governance.export import export_yaml

    with open_governance(ctx) as (_settings, db, _rec), db.session() as session:
        text = export_yaml(session, resolve_org(session, org))
    if output is None:
        console.file.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        console.print(f"wrote {output}", markup=False)
