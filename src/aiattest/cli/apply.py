"""``aiattest apply -f FILE``: make the governance registers match a YAML file (idempotent,
with a kubectl-style diff; ``--dry-run`` writes nothing)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from aiattest.cli.governance import open_governance
from aiattest.cli.output import console, print_json


def apply(
    ctx: typer.Context,
    file: Annotated[Path, typer.Option("--file", "-f", help="Organisation YAML file.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the diff; write nothing.")
    ] = False,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Who applies (default: the OS user).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create or update the registers a file declares, and take its changes' new steps."""
    from aiattest.catalog import load_catalog
    from aiattest.governance.apply import apply_document
    from aiattest.governance.document import load_document

    document = load_document(file)
    with open_governance(ctx) as (settings, db, recorder):
        catalog = load_catalog(settings.catalog_dir)
        result = apply_document(db, recorder, document, actor or getpass.getuser(),
                                dry_run=dry_run, catalog=catalog)  # fmt: skip
    if as_json:
        print_json({"dry_run": result.dry_run, "changed": result.changed,
                    "ledger_indices": list(result.ledger_indices),
                    "items": [i.to_json() for i in result.items]})  # fmt: skip
        return
    suffix = " (dry run)" if dry_run else ""
    counts: dict[str, int] = {}
    for item in result.items:
        counts[item.outcome] = counts.get(item.outcome, 0) + 1
        steps = f" ({', '.join(item.steps)})" if item.steps else ""
        console.print(
            f"{item.kind}/{item.key} {item.outcome}{steps}{suffix}", markup=False, soft_wrap=True
        )
        for name, (old, new) in item.fields.items():
            if item.outcome == "configured":
                console.print(f"    {name}: {old!r} -> {new!r}", markup=False, soft_wrap=True)
    summary = ", ".join(f"{n} {o}" for o, n in sorted(counts.items()))
    console.print(f"{summary}{suffix}", markup=False, soft_wrap=True)
