#!/usr/bin/env python3
"""Verify an aiattest auditor package with the Python standard library alone.

Usage: ``python3 -I -S verify.py PACKAGE.zip [--key FINGERPRINT]``, or ``python3 -I -S
verify.py`` inside the extracted folder. Exit 0 when it verifies, 1 with the reason when it
does not, 2 on bad usage. ``package_layout.py`` (formats, Merkle helpers) and
``ledger_verify.py`` (the ledger export's verifier: Ed25519, signed checkpoints) sit next to
this file and are loaded from there.

Checked: every file against ``manifest.json`` (nothing missing, added or changed); the
checkpoint's signature with the package's key, and that key against ``--key``; each
entry's leaf hash; that the entries with the compact range proof rebuild the checkpoint's
root (RFC 9162); each inclusion proof; each check result's items digest against its
ledger entry; and that the manifest is the one the package's own ledger entry (covered by
the signed checkpoint) commits to.

aiattest imports this file as ``aiattest.reports.package.standalone`` and ships it as
``verify.py``; it must not import anything outside the standard library.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

HELPERS: dict[str, str] = {}
"""SHA-256 of each helper module this file was shipped with (filled in when the package
is built), so that a kept, trusted copy of verify.py only runs the helpers it knows."""


def _helper_source(filename: str) -> bytes | None:
    """A helper's source: next to this file, else inside the zip named on the command line."""
    sibling = Path(__file__).with_name(filename)
    if sibling.is_file():
        return sibling.read_bytes()
    if __name__ != "__main__":
        return None
    for arg in sys.argv[1:]:
        if arg.endswith(".zip") and Path(arg).is_file():
            with zipfile.ZipFile(arg) as zf:
                if filename in zf.namelist():
                    return zf.read(filename)
    return None


def _load(filename: str, fallback: str) -> ModuleType:
    """A helper module: the shipped copy (checked against HELPERS), else aiattest's own."""
    source = _helper_source(filename)
    if source is None:
        try:
            return importlib.import_module(fallback)
        except ImportError:
            raise SystemExit(f"{filename} must sit next to verify.py") from None
    if HELPERS and hashlib.sha256(source).hexdigest() != HELPERS.get(filename):
        raise SystemExit(f"FAILED: {filename} is not the one this verify.py was shipped with")
    module = ModuleType(f"_aiattest_{filename.removesuffix('.py')}")
    module.__file__ = filename
    sys.modules[module.__name__] = module  # dataclasses and typing look modules up by name
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 (pinned by HELPERS)
    return module


if TYPE_CHECKING:
    from aiattest.ledger import standalone_verify as lv
    from aiattest.reports.package import layout as L
else:
    L = _load("package_layout.py", "aiattest.reports.package.layout")
    lv = _load("ledger_verify.py", "aiattest.ledger.standalone_verify")

PackageError = L.PackageError
_HEX64 = re.compile(r"[0-9a-f]{64}")
_TOP = {"created", "files", "format", "generator", "ledger", "organisation", "window"}
_LEDGER = {"end_index", "first_index", "key_fingerprint", "origin", "package_index", "tree_size"}
_RESULT = {
    "as_of",
    "check_id",
    "control_id",
    "failed",
    "items",
    "items_sha256",
    "ledger_index",
    "period",
    "population",
    "status",
    "summary",
}


def _fail(file: str, message: str, **where: Any) -> PackageError:
    return PackageError(file, message, **where)


def _manifest(source: L.Source) -> dict[str, Any]:
    """The manifest, refused unless it has exactly the expected shape and byte form."""
    if L.MANIFEST not in source.names:
        raise _fail(L.MANIFEST, "missing")
    raw = source.read(L.MANIFEST)
    try:
        manifest = json.loads(raw)
        ok = _shape_ok(manifest)
    except (ValueError, TypeError, AttributeError, KeyError) as e:
        raise _fail(L.MANIFEST, f"not a package manifest ({e.__class__.__name__})") from None
    if not ok:
        raise _fail(L.MANIFEST, f"not a {L.FORMAT} manifest")
    if raw != L.manifest_bytes(manifest):
        raise _fail(L.MANIFEST, "not in its canonical form (sorted keys, one-space indent)")
    return manifest  # type: ignore[no-any-return]


def _shape_ok(manifest: Any) -> bool:
    """Whether the parsed manifest has exactly the fields (and types) of this format."""
    led, files = manifest["ledger"], manifest["files"]
    return bool(
        set(manifest) == _TOP
        and manifest["format"] == L.FORMAT
        and set(led) == _LEDGER
        and all(type(led[k]) is int for k in _LEDGER if k.endswith(("index", "size")))
        and all(type(v) is str for v in (led["origin"], led["key_fingerprint"]))
        and set(manifest["organisation"]) == {"id", "name", "slug"}
        and set(manifest["window"]) == {"end", "start"}
        and all(
            set(v) == {"sha256", "size"}
            and type(v["size"]) is int
            and _HEX64.fullmatch(str(v["sha256"]))
            for v in files.values()
        )
    )


def _check_file(source: L.Source, name: str, listed: dict[str, Any]) -> None:
    digest, size = hashlib.sha256(), 0
    with source.open(name) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    if size != listed["size"] or digest.hexdigest() != listed["sha256"]:
        raise _fail(name, f"its SHA-256 or size does not match {L.MANIFEST}")


def _text(source: L.Source, name: str) -> str:
    try:
        return source.read(name).decode("utf-8")
    except UnicodeDecodeError:
        raise _fail(name, "not UTF-8 text") from None


def _normalise_key(expected: str) -> str:
    if "+" in expected:  # a whole verifier key line
        return L.fingerprint(expected)
    return "sha256:" + expected.strip().lower().removeprefix("sha256:")


def _entries(
    source: L.Source, listed: dict[str, Any], first: int, end: int, stack: L.Stack
) -> dict[int, tuple[bytes, dict[str, Any]]]:
    """Check each entry line and fold its leaf into ``stack``; the file is streamed."""
    digest, size, index, rest = hashlib.sha256(), 0, first, b""
    proven: dict[int, tuple[bytes, dict[str, Any]]] = {}
    with source.open(L.ENTRIES) as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            while lines:
                # Lines of one index width at a time (the width grows at powers of ten).
                take = min(len(lines), 10 ** len(str(index)) - index)
                L.fold_lines(lines[:take], index, first, stack, proven)
                index += take
                del lines[:take]
    if rest:
        raise _fail(L.ENTRIES, "the last line has no newline", line=index - first + 1)
    if index != end:
        raise _fail(L.ENTRIES, f"holds {index - first} entries; the range is {first}..{end}")
    if size != listed["size"] or digest.hexdigest() != listed["sha256"]:
        raise _fail(L.ENTRIES, f"its SHA-256 or size does not match {L.MANIFEST}")
    return proven


def _range_proof(
    source: L.Source, first: int, end: int, size: int
) -> tuple[L.Stack, list[tuple[int, bytes]]]:
    """The compact range [0, first) and the aligned subtrees of [end, size) of proof.json."""
    try:
        proof = json.loads(source.read(L.RANGE_PROOF))
        if [proof["first_index"], proof["end_index"], proof["tree_size"]] != [first, end, size]:
            raise ValueError("its range or tree size is not the manifest's")
        sides = {}
        for side, want in (("left", L.left_nodes(first)), ("right", L.right_nodes(end, size))):
            if [(n["level"], n["index"]) for n in proof[side]] != want:
                raise ValueError(f"its {side} subtrees are not those of the range")
            sides[side] = [(n["level"], L.b64hash(n["hash"])) for n in proof[side]]
    except (ValueError, TypeError, KeyError) as e:
        raise _fail(L.RANGE_PROOF, str(e) if isinstance(e, ValueError) else "malformed") from None
    return L.Stack([h for _, h in sides["left"]], first), sides["right"]


def _inclusion(raw: Any, index: int, size: int, leaf: bytes, root: bytes) -> None:
    if [raw["leaf_index"], raw["tree_size"]] != [index, size]:
        raise ValueError(f"it is not for entry {index} in a tree of size {size}")
    if L.b64hash(raw["leaf_hash"]) != leaf:
        raise ValueError("its leaf hash is not the entry's")
    path = [L.b64hash(h) for h in raw["inclusion_path"]]
    if (
        L.b64hash(raw["root_hash"]) != root
        or L.root_from_inclusion(index, size, leaf, path) != root
    ):
        raise ValueError("it does not lead to the checkpoint's root")


def _inclusions(source: L.Source, proven: dict[int, Any], size: int, root: bytes) -> int:
    wanted = sorted(proven)
    lines = _text(source, L.INCLUSION).splitlines()
    if len(lines) != len(wanted):
        raise _fail(
            L.INCLUSION,
            f"{len(lines)} proofs for {len(wanted)} control_result and evidence entries",
        )
    for n, (line, index) in enumerate(zip(lines, wanted, strict=True), 1):
        try:
            _inclusion(json.loads(line), index, size, proven[index][0], root)
        except (ValueError, TypeError, KeyError) as e:
            reason = str(e) if isinstance(e, ValueError) else "malformed"
            raise _fail(L.INCLUSION, reason, line=n, index=index) from None
    return len(lines)


def _package_entry(source: L.Source, manifest: dict[str, Any], size: int, root: bytes) -> None:
    """The package's own ledger entry: in the tree, and committing to this manifest."""
    index = manifest["ledger"]["package_index"]
    try:
        raw = json.loads(source.read(L.PACKAGE_ENTRY))
        body = raw["body"].encode("utf-8")
        _inclusion(raw["proof"], index, size, hashlib.sha256(b"\x00" + body).digest(), root)
        record = json.loads(body)
        payload = record["payload"]
    except (ValueError, TypeError, KeyError, AttributeError) as e:
        reason = str(e) if type(e) is ValueError else "malformed"
        raise _fail(L.PACKAGE_ENTRY, reason, index=index) from None
    if record.get("kind") != "evidence" or payload.get("artifact") != L.ARTIFACT:
        raise _fail(L.PACKAGE_ENTRY, "not an auditor-package entry", index=index)
    if payload.get("statement_sha256") != L.statement_digest(manifest):
        raise _fail(L.MANIFEST, f"does not match the statement its ledger entry {index} commits to")


def _check_results(source: L.Source, proven: dict[int, tuple[bytes, dict[str, Any]]]) -> int:
    """Each check result's items hash to the digest its control_result entry commits to."""
    count = 0
    for n, line in enumerate(_text(source, L.CHECK_RESULTS).splitlines(), 1):
        try:
            row = json.loads(line)
            index = row["ledger_index"]
            if set(row) != _RESULT:
                raise ValueError("its fields are not those of a check result")
            record = proven.get(index, (b"", {}))[1]
            if record.get("kind") != "control_result":
                raise ValueError(f"ledger entry {index} is not a control_result in the package")
            digest = hashlib.sha256(L.canonical(row["items"])).hexdigest()
            payload = record["payload"]
            if not digest == row["items_sha256"] == payload["items_sha256"]:
                raise ValueError("the SHA-256 of its items is not the one its ledger entry holds")
            fields = ("check_id", "status", "period", "population", "failed")
            if [row[f] for f in fields] != [payload[f.removesuffix("_id")] for f in fields]:
                raise ValueError("its check, status, period or counts differ from its ledger entry")
            if row["control_id"] not in payload["controls"]:
                raise ValueError("its control is not one its ledger entry names")
            failed = sum(1 for item in row["items"] if item.get("ok") is not True)
            if (row["population"], row["failed"]) != (len(row["items"]), failed):
                raise ValueError("its population or failure count does not match its items")
        except (ValueError, TypeError, KeyError) as e:
            reason = str(e) if type(e) is ValueError else "malformed"
            raise _fail(L.CHECK_RESULTS, reason, line=n) from None
        count += 1
    return count


def verify_path(path: Path, expected_key: str | None = None) -> dict[str, Any]:
    """Verify a package (zip file or folder); return a summary or raise PackageError."""
    try:
        source = L.Source(path)
    except (OSError, zipfile.BadZipFile) as e:
        raise _fail(str(path), f"cannot open the package: {e}") from None
    try:
        return _verify(source, expected_key)
    except (OSError, zipfile.BadZipFile, EOFError) as e:  # a corrupt zip member
        raise _fail(str(path), f"cannot read the package: {e}") from None
    finally:
        source.close()


def _verify(source: L.Source, expected_key: str | None) -> dict[str, Any]:
    manifest = _manifest(source)
    files, led = manifest["files"], manifest["ledger"]
    names = source.names - {L.MANIFEST}
    for name in sorted(set(files) - names):
        raise _fail(name, f"listed in {L.MANIFEST} but missing from the package")
    for name in sorted(names - set(files)):
        raise _fail(name, f"in the package but not listed in {L.MANIFEST}")
    for name in sorted(files):
        if name != L.ENTRIES:  # hashed while its lines are verified
            _check_file(source, name, files[name])
    vkey_line = _text(source, L.PUBLIC_KEY)
    try:
        fingerprint = L.fingerprint(vkey_line)
        vkey = lv.parse_vkey(vkey_line)
        pinned = _normalise_key(expected_key) if expected_key else None
    except (ValueError, IndexError, lv.VerifyError) as e:
        raise _fail(L.PUBLIC_KEY, f"not a signed-note Ed25519 verifier key ({e})") from None
    if fingerprint != led["key_fingerprint"]:
        raise _fail(L.PUBLIC_KEY, f"its fingerprint is not the one in {L.MANIFEST}")
    if pinned is not None and pinned != fingerprint:
        raise _fail(L.PUBLIC_KEY, f"key {fingerprint} is not the pinned key {pinned}")
    try:
        origin, size, root = lv.open_checkpoint(_text(source, L.CHECKPOINT), vkey)
    except (ValueError, lv.VerifyError) as e:
        raise _fail(L.CHECKPOINT, str(e)) from None
    if not origin == vkey[0] == led["origin"] or size != led["tree_size"] or len(root) != 32:
        raise _fail(L.CHECKPOINT, f"its origin or size is not the one in {L.MANIFEST}")
    first, end, package_index = led["first_index"], led["end_index"], led["package_index"]
    if not 0 <= first <= end <= package_index < size:
        raise _fail(L.MANIFEST, "its ledger range, package entry and tree size are out of order")
    stack, right = _range_proof(source, first, end, size)
    proven = _entries(source, files[L.ENTRIES], first, end, stack)
    for level, h in right:
        stack.push(h, level)
    if stack.root() != root:
        raise _fail(L.RANGE_PROOF, f"with {L.ENTRIES} it does not lead to the checkpoint's root")
    proofs = _inclusions(source, proven, size, root)
    _package_entry(source, manifest, size, root)
    results = _check_results(source, proven)
    return {
        "organisation": manifest["organisation"]["slug"],
        "window": f"{manifest['window']['start']}..{manifest['window']['end']}",
        "entries": end - first,
        "first_index": first,
        "end_index": end,
        "tree_size": size,
        "inclusion_proofs": proofs,
        "check_results": results,
        "files": len(files) + 1,
        "key_fingerprint": fingerprint,
        "key_pinned": pinned is not None,
    }


def main(argv: list[str]) -> int:
    """Command line: verify a package; print a summary or the reason it does not verify."""
    args, key, usage = list(argv[1:]), None, "usage: verify.py [PACKAGE] [--key FINGERPRINT]"
    if "--key" in args:
        at = args.index("--key")
        key = args[at + 1] if at + 1 < len(args) else None
        del args[at : at + 2]
        if key is None:
            print(usage, file=sys.stderr)
            return 2
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(usage, file=sys.stderr)
        return 2
    target = Path(args[0]) if args else Path(__file__).resolve().parent
    try:
        summary = verify_path(target, key)
    except PackageError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    print("OK: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
