"""``aiattest guard``: scan texts and JSON Lines files with a guard policy.

Contract (stable; it is how the guard is evaluated)::

    aiattest guard scan [TEXT] [--input IN.jsonl] [--output OUT.jsonl] [--policy FILE]

Exit 0 when nothing was blocked, 1 when something was, 2 on bad input.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from aiattest.cli.output import console, err_console, print_json
from aiattest.cli.state import settings_from
from aiattest.errors import Error, InputError

app = typer.Typer(
    help="The guard: prompt injection, PII, secrets and output checks.", no_args_is_help=True
)


@app.command()
def scan(  # noqa: PLR0917 - Typer maps each parameter to an option
    ctx: typer.Context,
    text: Annotated[str | None, typer.Argument(help="A text to scan (or use --input).")] = None,
    input_path: Annotated[
        Path | None,
        typer.Option("--input", help="JSON Lines: {id, text, channel?} per line."),
    ] = None,
    output_path: Annotated[
        Path | None, typer.Option("--output", help="Write JSON Lines here (default stdout).")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="Policy YAML (default: configured or shipped).")
    ] = None,
    channel: Annotated[
        str, typer.Option("--channel", help="Channel of TEXT: user, tool, document, ...")
    ] = "user",
) -> None:
    """Scan TEXT or every line of --input; exit 1 if anything was blocked."""
    from aiattest.guard.batch import record_for, scan_file
    from aiattest.guard.interface import Action, Channel
    from aiattest.guard.sdk import Guard

    try:
        if (text is None) == (input_path is None):
            raise InputError("give either TEXT or --input (exactly one)")
        try:
            text_channel = Channel(channel)
        except ValueError:
            raise InputError(f"unknown channel {channel!r}") from None
        settings = settings_from(ctx).guard
        guard = Guard.from_policy(policy or settings.policy_path, settings=settings)
        if input_path is not None:
            summary = scan_file(guard, input_path, output_path or sys.stdout)
            blocked = summary.blocked > 0
        else:
            assert text is not None
            verdict = guard.scan_text(text, text_channel)
            line = json.dumps(record_for(None, verdict), ensure_ascii=False) + "\n"
            if output_path is not None:
                output_path.write_text(line, encoding="utf-8")
            else:
                sys.stdout.write(line)
            blocked = verdict.decision is Action.BLOCK
    except Error as e:
        from aiattest.cli.app import exit_code_for  # the one error-to-exit-code mapping

        err_console.print(f"error: {e.diagnostics()}", markup=False)
        raise typer.Exit(exit_code_for(e)) from e
    raise typer.Exit(1 if blocked else 0)


@app.command("check-policy")
def check_policy(
    ctx: typer.Context,
    policy: Annotated[
        Path | None, typer.Argument(help="Policy YAML (default: configured or shipped).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Load and validate a policy; print what it runs. Exit 2 naming file and line if bad."""
    from aiattest.guard.policy import load_policy

    try:
        loaded = load_policy(policy or settings_from(ctx).guard.policy_path)
    except Error as e:
        from aiattest.cli.app import exit_code_for

        err_console.print(f"error: {e.diagnostics()}", markup=False)
        raise typer.Exit(exit_code_for(e)) from e
    rule = loaded.resolve()
    summary = {
        "name": loaded.name,
        "source": loaded.source,
        "input": [b.name for b in rule.input],
        "output": [b.name for b in rule.output],
        "overrides": len(loaded.spec.overrides),
        "redaction": rule.redaction.value,
    }
    if as_json:
        print_json(summary)
        return
    for key, value in summary.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        console.print(f"{key:10s} {shown}")
