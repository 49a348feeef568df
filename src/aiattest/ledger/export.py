"""Export the ledger to a directory that an auditor verifies offline with ``verify.py``.

Layout: ``entries.jsonl`` (leaf bytes, one per line, in index order — canonical JSON has
no raw newlines), ``checkpoints/<size>.note`` (signed notes), ``ledger.vkey`` (the
verifier key) and ``verify.py`` (standard library only). The export covers exactly the
entries of the newest checkpoint, which is signed first so nothing is left unsigned.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiattest.errors import InputError, LedgerError
from aiattest.ledger.log import Ledger

CHUNK = 20_000
VERIFIER_SOURCE = Path(__file__).with_name("standalone_verify.py")
README = """\
aiattest ledger export

entries.jsonl      one entry per line: the exact bytes of each Merkle leaf (RFC 8785 JSON)
checkpoints/       signed checkpoints (C2SP tlog-checkpoint in a C2SP signed note)
ledger.vkey        the signed-note verifier key of the log's Ed25519 key
verify.py          checks all of the above with the Python standard library alone

Run:  python3 verify.py .
Compare ledger.vkey with the key the operator published before trusting the result.
"""


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote."""

    directory: Path
    """The export directory."""
    entries: int
    """Entries written (the size of the newest checkpoint)."""
    checkpoints: int
    """Checkpoints written."""


def export_ledger(ledger: Ledger, directory: Path) -> ExportReport:
    """Write the export; ``directory`` must be missing or empty."""
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise InputError(f"export directory {directory} exists and is not empty")
    newest = ledger.checkpoint()
    checkpoints = [c for c in ledger.checkpoints() if c.tree_size <= newest.tree_size]
    (directory / "checkpoints").mkdir(parents=True, exist_ok=True)
    for checkpoint in checkpoints:
        path = directory / "checkpoints" / f"{checkpoint.tree_size:020d}.note"
        path.write_text(checkpoint.note, encoding="utf-8")
    (directory / "ledger.vkey").write_text(ledger.verifier().vkey() + "\n", encoding="utf-8")
    (directory / "verify.py").write_bytes(VERIFIER_SOURCE.read_bytes())
    (directory / "README.txt").write_text(README, encoding="utf-8")
    store = ledger.store
    written = 0
    with (directory / "entries.jsonl").open("wb") as fh, store.connection(snapshot=True) as cur:
        for start in range(0, newest.tree_size, CHUNK):
            end = min(start + CHUNK, newest.tree_size)
            for idx, _, body in store.entries(cur, start, end):
                if idx != written:
                    raise LedgerError(f"entry {written} is missing; run `aiattest ledger verify`")
                fh.write(body + b"\n")
                written += 1
    if written != newest.tree_size:
        raise LedgerError(f"entry {written} is missing; run `aiattest ledger verify`")
    return ExportReport(directory, written, len(checkpoints))
