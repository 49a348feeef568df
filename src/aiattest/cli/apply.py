"""``aiattest apply -f FILE``: make the governance registers match a YAML file (idempotent,
with a kubectl-style diff; ``--dry-run`` writes nothing). ``aiattest eval-run``: run an eval
suite through a configured gateway provider into the eval-run register."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

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


def eval_run(  # noqa: PLR0917 - Typer maps each parameter to an option
    ctx: typer.Context,
    suite_file: Annotated[Path, typer.Option("--suite", help="JSONL: input and expected.")],
    suite_name: Annotated[str, typer.Option("--suite-name", help="Suite name.")],
    suite_version: Annotated[str, typer.Option("--suite-version", help="Suite version.")],
    provider_name: Annotated[str, typer.Option("--provider", help="A configured provider.")],
    model: Annotated[str, typer.Option("--model", help="Upstream model name.")],
    target: Annotated[str, typer.Option("--target", help="What is evaluated: NAME@VERSION.")],
    thresholds: Annotated[
        list[str], typer.Option("--threshold", help="METRIC=MIN, repeatable (f1=0.85).")
    ],
    run_name: Annotated[str, typer.Option("--name", help="Name of this eval run.")],
    positive: Annotated[
        str | None, typer.Option("--positive", help="Positive label for precision/recall/F1.")
    ] = None,
    org: Annotated[str | None, typer.Option("--org", help="Organisation slug.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Run an eval suite against a model through a gateway provider and store the result."""
    import asyncio
    from datetime import UTC, datetime

    import httpx

    from aiattest.cli.governance import resolve_org
    from aiattest.errors import InputError
    from aiattest.gateway.providers import build_provider
    from aiattest.governance import registers
    from aiattest.governance.evals import load_suite, run_suite
    from aiattest.governance.unit import unit_of_work
    from aiattest.governance.workflow_specs import eval_passed

    minimums = {}
    for item in thresholds:
        name, sep, value = item.partition("=")
        try:
            minimums[name] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise InputError(f"--threshold wants METRIC=NUMBER, got {item!r}")
    suite = load_suite(suite_file, suite_name, suite_version, minimums, positive)
    with open_governance(ctx) as (settings, db, recorder):
        config = next((p for p in settings.gateway.providers if p.name == provider_name), None)
        if config is None:
            raise InputError(f"no provider {provider_name!r} in the gateway settings")

        async def run() -> Any:
            async with httpx.AsyncClient() as client:
                provider = build_provider(config, client)
                return await run_suite(suite, provider, model=model, target=target,
                                       run_name=run_name, at=datetime.now(UTC))  # fmt: skip

        spec = asyncio.run(run())
        with unit_of_work(db, recorder) as (session, journal):
            kind = registers.REGISTERS["eval_runs"]
            journal.add(
                registers.declare(session, kind, resolve_org(session, org), spec, "eval")[1]
            )
    passed = eval_passed(spec.metrics, spec.thresholds)
    if as_json:
        print_json({**spec.model_dump(mode="json"), "passed": passed})
        return
    for name, value in sorted(spec.metrics.items()):
        minimum = spec.thresholds.get(name)
        bar = f" (min {minimum:g})" if minimum is not None else ""
        console.print(f"{name:12} {value:.4f}{bar}", markup=False)
    console.print(f"eval run {run_name}: {'passed' if passed else 'FAILED'}", markup=False)
