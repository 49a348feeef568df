"""``aiattest assess``: readiness of the organisation for a SOC 2 Type I or Type II audit,
by TSC category and overall, the gaps that cost the most, and the roadmap to the audit."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aiattest.cli.governance import JsonOpt, OrgOpt, open_governance, resolve_org
from aiattest.cli.output import console, print_json

if TYPE_CHECKING:
    from aiattest.assess import Assessment

TOP_GAPS = 10
"""Gaps shown in the table (``--json`` has them all)."""


def assess(  # noqa: PLR0917 - typer maps each parameter to an option
    ctx: typer.Context,
    kind: Annotated[
        str, typer.Option("--type", help="1: design at a point in time; 2: operation too.")
    ] = "1",
    window: Annotated[
        str | None,
        typer.Option("--window", help="Type II window FROM..TO (default: the 90 days before)."),
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option("--as-of", formats=["%Y-%m-%d"], help="Assessment day (default: today)."),
    ] = None,
    roadmap_svg: Annotated[
        Path | None, typer.Option("--roadmap-svg", help="Write the roadmap as an SVG Gantt chart.")
    ] = None,
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Score readiness per control, TSC category and overall; list the top gaps."""
    from aiattest.assess import AssessmentType, Window, default_window
    from aiattest.assess import roadmap_svg as draw
    from aiattest.catalog import load_catalog
    from aiattest.errors import InputError
    from aiattest.evidence.assessment import assess_organisation, assessment_json

    if kind not in {t.value for t in AssessmentType}:
        raise InputError(f"--type must be 1 or 2, not {kind!r}")
    kind_value = AssessmentType(kind)
    day = as_of.date() if as_of else datetime.now(UTC).date()
    span = Window.parse(window) if window else None
    if span is None and kind_value is AssessmentType.TYPE_2:
        span = default_window(day)
    with open_governance(ctx) as (settings, db, _recorder):
        catalog = load_catalog(settings.catalog_dir)
        with db.session() as session:
            org_id = resolve_org(session, org)
        result = assess_organisation(db, catalog, org_id, kind=kind_value, as_of=day, window=span)
    if roadmap_svg is not None:
        roadmap_svg.write_text(draw(result.roadmap), encoding="utf-8")
    if as_json:
        print_json(assessment_json(result))
        return
    _render(result, roadmap_svg)


def _render(result: Assessment, svg: Path | None) -> None:
    from rich.table import Table

    period = f" over {result.window.start}..{result.window.end}" if result.window else ""
    table = Table(
        title=f"{result.organisation}: SOC 2 Type {result.type.value} readiness "
        f"on {result.as_of}{period}"
    )
    for column in ("category", "readiness", "controls", "ready"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for c in result.categories:
        table.add_row(c.category, f"{c.score:.1%}", str(c.controls), str(c.ready))
    table.add_section()
    table.add_row(
        "overall",
        f"{result.overall:.1%}",
        str(len(result.controls)),
        str(sum(1 for c in result.controls if c.score >= 1.0)),
    )
    console.print(table)
    gaps = Table(title=f"top gaps ({min(TOP_GAPS, len(result.gaps))} of {len(result.gaps)})")
    for column in ("control", "impact", "why"):
        gaps.add_column(column, justify="right" if column == "impact" else "left")
    for gap in result.gaps[:TOP_GAPS]:
        gaps.add_row(gap.control_id, f"{gap.impact:.2f}", "; ".join(gap.reasons))
    console.print(gaps)
    for phase in result.roadmap:
        console.print(f"{phase.start}..{phase.end}  {phase.name}", markup=False)
    if svg is not None:
        console.print(f"roadmap written to {svg}", markup=False)
