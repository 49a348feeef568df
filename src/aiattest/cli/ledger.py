"""``aiattest ledger``: verify, prove, checkpoint, tail and export the evidence ledger."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from aiattest.cli.output import console, err_console, print_json
from aiattest.cli.state import settings_from
from aiattest.errors import VerificationError

if TYPE_CHECKING:
    from aiattest.ledger import Ledger

app = typer.Typer(help="The evidence ledger: a verifiable, append-only log.", no_args_is_help=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@contextmanager
def _ledger(ctx: typer.Context) -> Iterator[Ledger]:
    from aiattest.ledger import Ledger
    from aiattest.store import Database

    settings = settings_from(ctx)
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    try:
        yield ledger
    finally:
        ledger.close()
        db.dispose()


@app.command("verify")
def verify_cmd(
    ctx: typer.Context,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="Trusted verifier key file (default: from the signing key)."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Rebuild the tree from the entries and check nodes, head and every checkpoint."""
    from aiattest.ledger.note import NoteVerifier

    with _ledger(ctx) as ledger:
        verifier = NoteVerifier.parse(key.read_text(encoding="utf-8")) if key else None
        try:
            report = ledger.verify(verifier)
        except VerificationError as e:
            where = f"first bad index {e.index}" if e.index is not None else "no index"
            if as_json:
                print_json({"ok": False, "first_bad_index": e.index, "error": e.message})
            else:
                err_console.print(f"ledger does NOT verify: {where}: {e.message}", markup=False)
            raise typer.Exit(1) from e
    if as_json:
        print_json(report.to_json())
        return
    console.print(
        f"ledger verifies: {report.tree_size} entries, {report.nodes_checked} nodes, "
        f"{report.checkpoints_checked} checkpoints ({report.unsigned_tail} entries after the "
        "newest checkpoint)"
    )


@app.command("prove")
def prove_cmd(
    ctx: typer.Context,
    index: Annotated[int, typer.Argument(help="Log index of the entry.")],
    size: Annotated[int | None, typer.Option("--size", help="Tree size (default: now).")] = None,
) -> None:
    """Print the RFC 9162 inclusion proof of entry INDEX as JSON."""
    with _ledger(ctx) as ledger:
        print_json(ledger.prove_inclusion(index, size).to_json())


@app.command("consistency")
def consistency_cmd(
    ctx: typer.Context,
    size_a: Annotated[int, typer.Argument(help="The older tree size.")],
    size_b: Annotated[int, typer.Argument(help="The newer tree size.")],
) -> None:
    """Print the RFC 9162 consistency proof between two tree sizes as JSON."""
    with _ledger(ctx) as ledger:
        print_json(ledger.prove_consistency(size_a, size_b).to_json())


@app.command("checkpoint")
def checkpoint_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Sign a checkpoint of the log now (after checking it extends the previous one)."""
    with _ledger(ctx) as ledger:
        checkpoint = ledger.checkpoint()
    if as_json:
        print_json(checkpoint.to_json())
    else:
        console.file.write(checkpoint.note)


@app.command("tail")
def tail_cmd(
    ctx: typer.Context,
    n: Annotated[int, typer.Option("-n", help="How many entries.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Show the newest entries."""
    with _ledger(ctx) as ledger:
        entries = ledger.tail(n)
    if as_json:
        print_json([e.to_json() for e in entries])
        return
    for e in entries:
        record = e.record()
        console.print(
            f"{e.index:>10}  {record.get('ts')}  {record.get('kind'):<17} "
            f"{record.get('actor')}  {e.leaf_hash.hex()[:16]}",
            markup=False,
        )


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Directory to create (must be empty).")],
    as_json: JsonOpt = False,
) -> None:
    """Export entries, checkpoints, the public key and a stdlib-only verify.py."""
    from aiattest.ledger.export import export_ledger

    with _ledger(ctx) as ledger:
        report = export_ledger(ledger, directory)
    if as_json:
        print_json({"directory": str(directory), "entries": report.entries,
                    "checkpoints": report.checkpoints})  # fmt: skip
    else:
        console.print(
            f"exported {report.entries} entries and {report.checkpoints} checkpoints to "
            f"{directory}; check with: python3 {directory / 'verify.py'} {directory}"
        )
