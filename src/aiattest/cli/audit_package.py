"""``aiattest audit package`` and ``aiattest audit verify``: write the auditor package of a
window, and verify one offline (exit 1 with the reason when it does not verify)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aiattest.cli.evidence import open_evidence
from aiattest.cli.governance import JsonOpt, OrgOpt
from aiattest.cli.output import console, err_console, print_json
from aiattest.errors import VerificationError


def package(
    ctx: typer.Context,
    window: Annotated[str, typer.Option("--window", help="The period audited, FROM..TO.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The zip file to write.")],
    org: OrgOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Write the auditor package of a window: entries, proofs, results, policies, verify.py.

    The ledger entries come with proofs against a checkpoint signed now; the zip also holds
    check results, policies, model cards and a verify.py that needs only the stdlib.
    """
    from aiattest.assess import Window
    from aiattest.reports.package import build_package

    span = Window.parse(window)
    with open_evidence(ctx, org) as o:
        report = build_package(o.db, o.ledger, o.settings, o.org, span, out)
    if as_json:
        print_json(report.to_json())
        return
    console.print(
        f"wrote {out}: {report.end_index - report.first_index} ledger entries "
        f"[{report.first_index}, {report.end_index}), {report.inclusion_proofs} inclusion "
        f"proofs, {report.check_results} check results, {report.files} files; checkpoint "
        f"at tree size {report.tree_size}",
        markup=False,
    )
    console.print(f"key fingerprint (give it to the auditor apart from the package): "
                  f"{report.key_fingerprint}", markup=False)  # fmt: skip


def verify(
    package: Annotated[
        Path, typer.Argument(help="The package zip (or its extracted folder).", exists=True)
    ],
    key: Annotated[
        str | None,
        typer.Option("--key", help="Expected key fingerprint (sha256:...) or verifier key line."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Verify an auditor package offline: files, signature, entries, proofs, check results."""
    from aiattest.reports.package import verify_package

    try:
        report = verify_package(package, key)
    except VerificationError as e:
        if as_json:
            print_json({"ok": False, "error": e.message, "index": e.index})
        else:
            err_console.print(f"package does NOT verify: {e.message}", markup=False)
        raise typer.Exit(1) from e
    if as_json:
        print_json(report.to_json())
        return
    pinned = "pinned key" if report.key_pinned else "key NOT pinned (pass --key)"
    console.print(
        f"package verifies: {report.organisation} {report.window}, {report.entries} entries "
        f"in a signed tree of {report.tree_size}, {report.inclusion_proofs} inclusion proofs, "
        f"{report.check_results} check results, {report.files} files; {pinned} "
        f"{report.key_fingerprint}",
        markup=False,
    )
