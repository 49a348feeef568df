"""How ``aiattest demo`` shows its outcome: readiness by category, the top gaps, what was
written and whether the auditor package verified."""

from __future__ import annotations

import re
from typing import Any

from rich.console import Console
from rich.table import Table

from aiattest.demo.runner import DemoReport

TOP_GAPS = 8
_PARENTHESES = re.compile(r" \([^)]*\)")


def report_json(report: DemoReport) -> dict[str, Any]:
    """The report as JSON (never the keys: they are printed only when serving)."""
    assessment = report.assessment
    return {
        "data_dir": str(report.init.data_dir),
        "registers": report.registers,
        "workflows": report.workflows,
        "traffic": report.traffic.to_json() if report.traffic else None,
        "checks": report.checks_by_status(),
        "readiness": None
        if assessment is None
        else {
            "overall": round(assessment.overall, 4),
            "categories": {c.category: round(c.score, 4) for c in assessment.categories},
            "top_gaps": [
                {"control": g.control_id, "impact": round(g.impact, 3), "reasons": list(g.reasons)}
                for g in assessment.gaps[:TOP_GAPS]
            ],
        },
        "outputs": report.outputs,
        "package_verified": report.package_verified,
        "seconds": round(report.seconds, 1),
    }


def render_report(console: Console, report: DemoReport) -> None:
    """Print the outcome for a person."""
    if report.traffic is not None:
        sent = sum(report.traffic.sent.values())
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(report.traffic.statuses.items()))
        console.print(f"\n[bold]traffic[/] {sent} requests through the gateway ({statuses}); "
                      f"{report.traffic.approvals} refunds approved by an operator")  # fmt: skip
    runs = ", ".join(f"{n} {s}" for s, n in sorted(report.checks_by_status().items()))
    console.print(f"[bold]checks[/] {len(report.collected)} runs: {runs}")
    assessment = report.assessment
    if assessment is not None:
        table = Table(title=f"Readiness (Type {assessment.type}, as of {assessment.as_of})")
        for column in ("TSC category", "readiness", "controls ready"):
            table.add_column(column)
        for c in assessment.categories:
            table.add_row(c.category, f"{c.score:.0%}", f"{c.ready}/{c.controls}")
        table.add_row("[bold]overall[/]", f"[bold]{assessment.overall:.0%}[/]", "")
        console.print(table)
        gaps = Table(title=f"Top {TOP_GAPS} gaps (by impact)")
        for column in ("control", "impact", "why"):
            gaps.add_column(column)
        for g in assessment.gaps[:TOP_GAPS]:
            why = "; ".join(_PARENTHESES.sub("", r) for r in g.reasons[:2])
            gaps.add_row(g.control_id, f"{g.impact:.2f}", why)
        console.print(gaps)
    console.print("[bold]written[/]")
    for name, path in report.outputs.items():
        console.print(f"  {name:22} {path}", markup=False, soft_wrap=True)
    verdict = "[green]verified[/]" if report.package_verified else "[red]NOT verified[/]"
    console.print(f"[bold]auditor package[/] {verdict}: {report.package_detail}")
    console.print(f"[dim]done in {report.seconds:.1f} s[/]")
