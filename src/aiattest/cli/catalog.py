"""``aiattest catalog``: browse the control catalog (criteria, AI risks, controls).

Thin: each command loads the catalog (shipped plus the user's ``catalog_dir``), asks it
one question, and renders a Rich table or JSON.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from aiattest.catalog import (
    AIRisk,
    Catalog,
    Control,
    Criterion,
    ExportFormat,
    TscCategory,
    export_catalog,
    load_catalog,
)
from aiattest.cli.output import console, err_console, print_json
from aiattest.cli.state import settings_from
from aiattest.errors import InputError

app = typer.Typer(help="The control catalog: criteria, AI risks, controls.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


class Kind(StrEnum):
    """What ``catalog list`` lists."""

    CONTROLS = "controls"
    CRITERIA = "criteria"
    RISKS = "risks"


def _load(ctx: typer.Context, *, require_coverage: bool = True) -> Catalog:
    return load_catalog(settings_from(ctx).catalog_dir, require_coverage=require_coverage)


@app.command("list")
def list_(
    ctx: typer.Context,
    kind: Annotated[Kind, typer.Option("--kind", help="What to list.")] = Kind.CONTROLS,
    category: Annotated[
        TscCategory | None, typer.Option("--category", help="Only this TSC category.")
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """List controls (default), criteria or AI risks, optionally of one TSC category."""
    catalog = _load(ctx)
    records: tuple[Control, ...] | tuple[Criterion, ...] | tuple[AIRisk, ...]
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    if kind is Kind.CRITERIA:
        criteria = catalog.criteria_in(category) if category else catalog.criteria
        columns = ("id", "category", "series", "title")
        rows = [(c.id, c.category.value, c.series, c.title) for c in criteria]
        records = criteria
    elif kind is Kind.RISKS:
        risks = catalog.risks_in(category) if category else catalog.risks
        columns = ("id", "source", "category", "title")
        rows = [(r.id, r.source.value, r.tsc_category.value, r.title) for r in risks]
        records = risks
    else:
        controls = catalog.controls_in(category) if category else catalog.controls
        columns = ("id", "title", "criteria", "owner", "frequency", "automation")
        rows = [
            (
                k.id,
                k.title,
                ", ".join(k.criteria),
                k.owner_role.value,
                k.frequency.value,
                k.automation.value,
            )
            for k in controls
        ]
        records = controls
    if as_json:
        print_json([r.model_dump(mode="json") for r in records])
        return
    table = Table(title=f"{len(records)} {kind.value}")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    id_: Annotated[str, typer.Argument(metavar="ID", help="A control, criterion or risk id.")],
    as_json: JsonOption = False,
) -> None:
    """Show one control, criterion or AI risk."""
    catalog = _load(ctx)
    record = catalog.find(id_)
    data: dict[str, Any] = record.model_dump(mode="json")
    if isinstance(record, Criterion):
        data = {"kind": "criterion", **data, "controls": _ids(catalog.controls_for_criterion(id_))}
    elif isinstance(record, AIRisk):
        data = {"kind": "risk", **data, "controls": _ids(catalog.controls_for_risk(id_))}
    else:
        data = {"kind": "control", **data}
    if as_json:
        print_json(data)
        return
    table = Table(show_header=False, title=f"{data['kind']} {record.id}")
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for key, value in data.items():
        if key in {"kind", "id"}:
            continue
        table.add_row(key, _text(value))
    console.print(table)


@app.command()
def coverage(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """The criteria × controls matrix and AI risk coverage; exit 1 if anything is uncovered."""
    report = _load(ctx, require_coverage=False).coverage()
    if as_json:
        print_json(report.as_json())
    else:
        # Ids only: with 61 rows and up to 7 controls each, titles would not fit a terminal.
        criteria = Table(title="criteria × controls")
        for column in ("criterion", "n", "controls"):
            criteria.add_column(column, overflow="fold")
        for c in report.criteria:
            criteria.add_row(c.id, str(len(c.controls)), ", ".join(c.controls))
        risks = Table(title="AI risks × controls")
        for column in ("risk", "n", "controls"):
            risks.add_column(column, overflow="fold")
        for r in report.risks:
            risks.add_row(r.id, str(len(r.controls)), ", ".join(r.controls))
        console.print(criteria)
        console.print(risks)
        console.print(report.summary.line())
    if not report.summary.complete:
        gaps = [*report.uncovered_criteria, *report.uncovered_risks]
        err_console.print(f"uncovered: {', '.join(gaps)}", markup=False)
        raise typer.Exit(1)


@app.command()
def export(
    ctx: typer.Context,
    fmt: Annotated[
        ExportFormat, typer.Option("--format", help="Output format.")
    ] = ExportFormat.YAML,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """Export the whole catalog (with the user's overrides applied) as YAML or JSON."""
    text = export_catalog(_load(ctx), fmt)
    if output is None:
        console.file.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot write {output}: {e.strerror}") from e
    err_console.print(f"wrote {output}", markup=False)


def _ids(controls: tuple[Control, ...]) -> list[str]:
    return [c.id for c in controls]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value) or "—"
    if isinstance(value, dict):
        return "\n".join(f"{k}: {_text(v)}" for k, v in value.items() if v) or "—"
    return str(value)
