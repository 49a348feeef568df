"""Build an auditor package: one zip an auditor verifies offline with ``verify.py``.

Order matters. The window's entries and every non-ledger file are written first; their
hashes and the package's facts (the *statement*) are then committed in a ledger entry of
the package's own; a checkpoint is signed over the log including it; and only then are the
proofs against that checkpoint and the manifest written. So every byte of the manifest is
either a file hash that is checked or a fact the signed log commits to.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from aiattest import __version__
from aiattest.assess import Window
from aiattest.config import Settings
from aiattest.errors import ConfigError, InputError, LedgerError, VerificationError
from aiattest.evidence.interface import day_end, day_start
from aiattest.ledger import Entry, EntryKind, Ledger, merkle
from aiattest.ledger import standalone_verify as ledger_verifier
from aiattest.reports.package import contents, layout, standalone
from aiattest.reports.package.contents import ExtraFiles
from aiattest.store import Database
from aiattest.store.models.ledger import LedgerEntry

GENERATOR = f"aiattest {__version__}"
ACTOR = "aiattest-reports"
CHUNK = 20_000
README = """\
aiattest auditor package

manifest.json                  every file with its SHA-256 and size; window, organisation
ledger/public-key.txt          the ledger's signed-note Ed25519 verifier key
ledger/checkpoint.txt          a checkpoint of the whole ledger, signed with that key
ledger/entries.jsonl           the window's ledger entries: index, leaf hash, exact leaf bytes
ledger/proof.json              the subtrees left and right of those entries (a compact
                               range proof): with the entries they rebuild the signed root
ledger/inclusion-proofs.jsonl  RFC 9162 inclusion proofs of the control_result and
                               evidence entries
ledger/package-entry.json      the ledger entry that commits to this manifest, and its proof
evidence/check-results.jsonl   check results; each one's items hash to its ledger entry
policies/, model-cards/        rendered policies and model cards
verify.py                      checks all of the above with the Python standard library

Run:  python3 -I -S verify.py --key <fingerprint>               (in the extracted folder)
 or:  python3 -I -S verify.py package.zip --key <fingerprint>
verify.py runs only the helper scripts whose SHA-256 it carries (HELPERS).
Get the key fingerprint from the operator, not from this package.
"""


@dataclass(frozen=True)
class BuildReport:
    """What a package holds and where it was written."""

    path: Path
    """The zip file."""
    organisation: str
    """The organisation's slug."""
    window: Window
    """The days the package covers."""
    first_index: int
    """The first ledger index in ``entries.jsonl``."""
    end_index: int
    """One past the last ledger index in ``entries.jsonl``."""
    tree_size: int
    """The size of the signed checkpoint."""
    package_index: int
    """The ledger index of the package's own entry."""
    inclusion_proofs: int
    """Inclusion proofs written (control_result and evidence entries)."""
    check_results: int
    """Check result rows written."""
    files: int
    """Files in the zip, the manifest included."""
    key_fingerprint: str
    """``sha256:<hex>`` of the ledger's public key: what an auditor pins."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "path": str(self.path),
            "organisation": self.organisation,
            "window": f"{self.window.start}..{self.window.end}",
            "first_index": self.first_index,
            "end_index": self.end_index,
            "entries": self.end_index - self.first_index,
            "tree_size": self.tree_size,
            "package_index": self.package_index,
            "inclusion_proofs": self.inclusion_proofs,
            "check_results": self.check_results,
            "files": self.files,
            "key_fingerprint": self.key_fingerprint,
        }


def window_range(db: Database, window: Window) -> tuple[int, int]:
    """[first, end): from the first to the last entry whose timestamp is in the window.

    The window runs from 00:00 UTC of its first day to 00:00 UTC after its last day, both
    included, so results collected as of the window's end (exactly that instant) are in.
    """
    lo = int(day_start(window.start).timestamp() * 1000)
    hi = int(day_end(window.end).timestamp() * 1000)
    with db.session() as session:
        row = session.execute(
            select(func.min(LedgerEntry.idx), func.max(LedgerEntry.idx)).where(
                LedgerEntry.ts_ms >= lo, LedgerEntry.ts_ms <= hi
            )
        ).one()
    return (0, 0) if row[0] is None else (int(row[0]), int(row[1]) + 1)


def build_package(  # noqa: PLR0917 (the documented call shape)
    db: Database,
    ledger: Ledger,
    settings: Settings,
    organisation_id: uuid.UUID,
    window: Window,
    out_path: Path,
    *,
    extra_files: ExtraFiles | None = None,
    clock: Callable[[], float] = time.time,
) -> BuildReport:
    """Write the auditor package of ``organisation_id`` for ``window`` to ``out_path``.

    Appends one ``evidence`` entry (the package's statement) and signs a checkpoint.
    ``extra_files`` adds files (populations, OSCAL, reports, ...) under their own paths.
    """
    if ledger.signer is None:
        raise LedgerError(
            "the ledger has no signing key: cannot sign the package's checkpoint",
            hint="run `aiattest init`",
        )
    if ledger.signer.name != settings.ledger.origin:
        # The checkpoint names the signer's origin; a manifest naming another would not verify.
        raise ConfigError(
            f"the ledger signs as {ledger.signer.name!r} but the settings name the log "
            f"{settings.ledger.origin!r}"
        )
    out_path = Path(out_path)
    if not out_path.parent.is_dir():
        raise InputError(f"directory {out_path.parent} does not exist")
    org = contents.organisation(db, organisation_id)
    files = contents.governance_files(db, organisation_id)
    for path, data in contents.extra_files(extra_files).items():
        if path in files:
            raise InputError(f"extra file {path!r} clashes with a rendered policy or model card")
        files[path] = data
    first, end = window_range(db, window)
    vkey = ledger.verifier().vkey()
    files.update(
        {
            layout.CHECK_RESULTS: contents.check_result_lines(db, organisation_id, first, end),
            layout.PUBLIC_KEY: (vkey + "\n").encode(),
            layout.README: README.encode(),
            **_scripts(),
        }
    )
    created = datetime.fromtimestamp(clock(), UTC).replace(microsecond=0)
    manifest: dict[str, Any] = {
        "format": layout.FORMAT,
        "generator": GENERATOR,
        "created": created.isoformat().replace("+00:00", "Z"),
        "organisation": org.to_json(),
        "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
        "ledger": {
            "origin": settings.ledger.origin,
            "key_fingerprint": layout.fingerprint(vkey),
            "first_index": first,
            "end_index": end,
        },
        "files": {},
    }
    stamp = created.timetuple()[:6]
    tmp = out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:

            def put(path: str, data: bytes) -> None:
                zf.writestr(zipfile.ZipInfo(path, stamp), data, zipfile.ZIP_DEFLATED)
                manifest["files"][path] = _listing(data)

            for path in sorted(files):
                put(path, files[path])
            info = zipfile.ZipInfo(layout.ENTRIES, stamp)
            proven = _write_entries(zf, info, ledger, span=(first, end), manifest=manifest)
            package_index = ledger.append(_package_entry(manifest, org.id, clock()))
            checkpoint = ledger.checkpoint()
            size = checkpoint.tree_size
            put(layout.CHECKPOINT, checkpoint.note.encode())
            put(layout.RANGE_PROOF, _range_proof(ledger, first, end, size))
            put(
                layout.INCLUSION,
                b"".join(_line(ledger.prove_inclusion(i, size).to_json()) for i in proven),
            )
            body = ledger.entry(package_index).body
            proof = ledger.prove_inclusion(package_index, size).to_json()
            put(layout.PACKAGE_ENTRY, _pretty({"body": body.decode(), "proof": proof}))
            manifest["ledger"].update(tree_size=size, package_index=int(package_index))
            zf.writestr(
                zipfile.ZipInfo(layout.MANIFEST, stamp),
                layout.manifest_bytes(manifest),
                zipfile.ZIP_DEFLATED,
            )
        os.replace(tmp, out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    results = files[layout.CHECK_RESULTS].count(b"\n")
    return BuildReport(
        out_path,
        org.slug,
        window,
        first,
        end,
        size,
        int(package_index),
        len(proven),
        results,
        len(manifest["files"]) + 1,
        manifest["ledger"]["key_fingerprint"],
    )


def _scripts() -> dict[str, bytes]:
    """verify.py and its two helpers; verify.py carries the helpers' SHA-256 (HELPERS)."""
    helpers = {
        layout.LAYOUT: Path(layout.__file__).read_bytes(),
        layout.LEDGER_VERIFIER: Path(ledger_verifier.__file__).read_bytes(),
    }
    pins = {name: hashlib.sha256(data).hexdigest() for name, data in helpers.items()}
    source = Path(standalone.__file__).read_text(encoding="utf-8")
    empty = "HELPERS: dict[str, str] = {}\n"
    if source.count(empty) != 1:
        raise LedgerError("verify.py has no single HELPERS line to pin its helpers in")
    pinned = source.replace(
        empty, f"HELPERS: dict[str, str] = {json.dumps(pins, sort_keys=True)}\n"
    )
    return {layout.VERIFIER: pinned.encode("utf-8"), **helpers}


def _listing(data: bytes) -> dict[str, Any]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def _pretty(value: Any) -> bytes:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def _line(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def _write_entries(
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    ledger: Ledger,
    *,
    span: tuple[int, int],
    manifest: dict[str, Any],
) -> list[int]:
    """Stream entries [first, end) into the zip in pages; return those that get proofs."""
    first, end = span
    info.compress_type = zipfile.ZIP_DEFLATED
    digest, size, proven, expected = hashlib.sha256(), 0, [], first
    store = ledger.store
    with zf.open(info, "w", force_zip64=True) as fh, store.connection(snapshot=True) as cur:
        for start in range(first, end, CHUNK):
            lines = []
            for index, leaf, body in store.entries(cur, start, min(start + CHUNK, end)):
                if index != expected or leaf != merkle.leaf_hash(body):
                    raise VerificationError(
                        f"ledger entry {expected} is missing or does not match its leaf hash",
                        index=expected,
                        hint="run `aiattest ledger verify`",
                    )
                if layout.top_kind(body):
                    proven.append(index)
                lines.append(layout.entry_line(index, leaf, body))
                expected += 1
            chunk = b"".join(lines)
            digest.update(chunk)
            size += len(chunk)
            fh.write(chunk)
    if expected != end:
        raise VerificationError(f"ledger entry {expected} is missing", index=expected)
    manifest["files"][layout.ENTRIES] = {"sha256": digest.hexdigest(), "size": size}
    return proven


def _package_entry(manifest: dict[str, Any], organisation_id: uuid.UUID, now: float) -> Entry:
    """The ledger entry that commits to the package's statement (ids, dates and hashes)."""
    return Entry(
        kind=EntryKind.EVIDENCE,
        ts_ms=int(now * 1000),
        actor=ACTOR,
        subjects=(str(organisation_id),),
        payload={
            "artifact": layout.ARTIFACT,
            "statement_sha256": layout.statement_digest(manifest),
            "window": [manifest["window"]["start"], manifest["window"]["end"]],
            "first_index": manifest["ledger"]["first_index"],
            "end_index": manifest["ledger"]["end_index"],
            "files": len(manifest["files"]),
        },
    )


def _range_proof(ledger: Ledger, first: int, end: int, size: int) -> bytes:
    """The compact range proof: the complete subtrees left of ``first`` and right of ``end``."""
    left, right = layout.left_nodes(first), layout.right_nodes(end, size)
    with ledger.store.reader() as cur:
        found = ledger.store.hashes(cur, set(left) | set(right))
    proof: dict[str, Any] = {"first_index": first, "end_index": end, "tree_size": size}
    for side, ids in (("left", left), ("right", right)):
        proof[side] = [{"level": lv, "index": ix, "hash": _b64(found[(lv, ix)])} for lv, ix in ids]
    return _pretty(proof)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
