"""The auditor package's file layout and serialisation, and the Merkle helpers its verifier
needs: shared by the builder and the stdlib-only verifier.

Standard library only: the package ships this file verbatim as ``package_layout.py`` next
to ``verify.py``, which loads it with an isolated interpreter (``python3 -I -S``).
"""

from __future__ import annotations

import base64
import binascii
import bisect
import hashlib
import itertools
import json
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

FORMAT = "aiattest-auditor-package/1"
MANIFEST = "manifest.json"
CHECKPOINT = "ledger/checkpoint.txt"
PUBLIC_KEY = "ledger/public-key.txt"
ENTRIES = "ledger/entries.jsonl"
RANGE_PROOF = "ledger/proof.json"
INCLUSION = "ledger/inclusion-proofs.jsonl"
PACKAGE_ENTRY = "ledger/package-entry.json"
CHECK_RESULTS = "evidence/check-results.jsonl"
VERIFIER = "verify.py"
LEDGER_VERIFIER = "ledger_verify.py"
LAYOUT = "package_layout.py"
README = "README.txt"
SEALED_AFTER = frozenset({CHECKPOINT, RANGE_PROOF, INCLUSION, PACKAGE_ENTRY})
"""Files written after the package's ledger entry: bound by the checkpoint, not by it."""
PROVEN_KINDS = ("control_result", "evidence")
ARTIFACT = "auditor-package"
_CHUNK = 1 << 20


class PackageError(Exception):
    """The package does not verify: which file, which line or log index, and why."""

    def __init__(
        self, file: str, message: str, *, line: int | None = None, index: int | None = None
    ) -> None:
        where = file + (f" line {line}" if line is not None else "")
        where += f" (index {index})" if index is not None else ""
        super().__init__(f"{where}: {message}")
        self.file, self.line, self.index, self.reason = file, line, index, message


# --- serialisation shared with the builder ----------------------------------------------------


def canonical(value: Any) -> bytes:
    """RFC 8785 canonical JSON bytes (the form the ledger commits to)."""
    return "".join(_jcs(value)).encode("utf-8")


def _jcs(value: Any) -> Iterator[str]:
    if value is None or isinstance(value, bool):
        yield {None: "null", True: "true", False: "false"}[value]
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, float):
        yield es_number(value)
    elif isinstance(value, str):
        yield json.dumps(value, ensure_ascii=False)
    elif isinstance(value, list):
        yield "["
        for i, item in enumerate(value):
            yield "," if i else ""
            yield from _jcs(item)
        yield "]"
    elif isinstance(value, dict):
        yield "{"
        for i, key in enumerate(
            sorted(value, key=lambda k: k.encode("utf-16-be", "surrogatepass"))
        ):
            yield ("," if i else "") + json.dumps(key, ensure_ascii=False) + ":"
            yield from _jcs(value[key])
        yield "}"
    else:
        raise ValueError(f"{type(value).__name__} is not a JSON value")


def es_number(value: float) -> str:
    """ECMAScript Number::toString of a finite double, as RFC 8785 requires."""
    if not math.isfinite(value):
        raise ValueError("NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, frac = mantissa.partition(".")
    digits = (whole + frac).lstrip("0")
    # n: where the decimal point sits relative to the first significant digit.
    n = (
        len(whole.lstrip("0")) + int(exponent or 0)
        if whole.lstrip("0")
        else (int(exponent or 0) - (len(frac) - len(frac.lstrip("0"))))
    )
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * -n + digits
    else:
        head = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{head}e{'+' if n - 1 >= 0 else '-'}{abs(n - 1)}"
    return ("-" if value < 0 else "") + text


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The one byte form of a manifest (any other spelling fails verification)."""
    return (json.dumps(manifest, sort_keys=True, indent=1, ensure_ascii=True) + "\n").encode()


def statement(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the package's own ledger entry commits to: the manifest without what only the
    checkpoint can fix (the tree size, the entry's index and the files written after it)."""
    out = {k: v for k, v in manifest.items() if k not in ("ledger", "files")}
    out["ledger"] = {
        k: v for k, v in manifest["ledger"].items() if k not in ("tree_size", "package_index")
    }
    out["files"] = {k: v for k, v in manifest["files"].items() if k not in SEALED_AFTER}
    return out


def statement_digest(manifest: dict[str, Any]) -> str:
    """SHA-256 hex of the canonical JSON of :func:`statement`."""
    return hashlib.sha256(canonical(statement(manifest))).hexdigest()


def entry_line(index: int, leaf: bytes, body: bytes) -> bytes:
    """One ``entries.jsonl`` line: a JSON object whose ``body`` is the leaf bytes verbatim."""
    return b'{"index":%d,"leaf_hash":"%s","body":%s}\n' % (index, leaf.hex().encode(), body)


def top_kind(body: bytes) -> str | None:
    """The entry kind if it is one whose proofs the package carries, else None (fast path:
    a body of such a kind always holds the literal ``"kind":"<kind>"``)."""
    if not any(b'"kind":"' + k.encode() + b'"' in body for k in PROVEN_KINDS):
        return None
    kind = json.loads(body).get("kind")
    return kind if kind in PROVEN_KINDS else None


def fingerprint(vkey: str) -> str:
    """``sha256:<hex>`` of the raw Ed25519 key in a signed-note verifier key line."""
    raw = base64.b64decode(vkey.strip().split("+", 2)[2], validate=True)
    return "sha256:" + hashlib.sha256(raw[1:]).hexdigest()


def node(left: bytes, right: bytes) -> bytes:
    """RFC 9162 interior node hash."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def left_nodes(first: int) -> list[tuple[int, int]]:
    """(level, index) of the complete subtrees covering leaves [0, first), largest first."""
    out, start = [], 0
    while start < first:
        level = (first - start).bit_length() - 1
        out.append((level, start >> level))
        start += 1 << level
    return out


def right_nodes(end: int, size: int) -> list[tuple[int, int]]:
    """(level, index) of the aligned complete subtrees covering leaves [end, size)."""
    out, start = [], end
    while start < size:
        level = (start & -start).bit_length() - 1 if start else size.bit_length()
        while start + (1 << level) > size:
            level -= 1
        out.append((level, start >> level))
        start += 1 << level
    return out


class Stack:
    """The compact range [0, size) as one hash per complete subtree; grows leaf or node wise."""

    def __init__(self, hashes: list[bytes], size: int) -> None:
        self.hashes, self.size = hashes, size

    def push(self, h: bytes, level: int = 0) -> None:
        """Add a complete subtree of 2**level leaves starting at the current size."""
        m = self.size >> level
        while m & 1:
            h = node(self.hashes.pop(), h)
            m >>= 1
        self.hashes.append(h)
        self.size += 1 << level

    def extend(self, leaves: list[bytes]) -> None:
        """Add many leaves at once, a level at a time: pairs are hashed in one comprehension
        per level instead of one Python loop step per leaf (same hashes as ``push``)."""
        sha256, hashes = hashlib.sha256, self.hashes
        cur, pos, leftovers = leaves, self.size, []
        self.size += len(leaves)
        while cur:
            if pos & 1:  # the first node's left sibling is the newest subtree on the stack
                cur = [hashes.pop(), *cur]
                pos -= 1
            if len(cur) & 1:  # the last node has no right sibling yet: it joins the stack
                leftovers.append(cur[-1])
            pairs = zip(cur[0::2], cur[1::2], strict=False)  # an odd last one is a leftover
            cur = [sha256(b"\x01" + a + b).digest() for a, b in pairs]
            pos >>= 1
        hashes.extend(reversed(leftovers))

    def root(self) -> bytes:
        """RFC 9162 MTH of the leaves so far."""
        if not self.hashes:
            return hashlib.sha256(b"").digest()
        root = self.hashes[-1]
        for h in reversed(self.hashes[:-1]):
            root = node(h, root)
        return root


_HEAD = (b'{"index":', b',"leaf_hash":"', b'","body":')
_KINDS = (b'"kind":"control_result"', b'"kind":"evidence"')


def fold_lines(
    lines: list[bytes], index: int, first: int, stack: Stack, proven: dict[int, Any]
) -> None:
    """Check ``entries.jsonl`` lines ``index, index + 1, ...`` (all of one index width), fold
    their leaves into ``stack`` and keep those of proven kinds in ``proven``.

    The per-line checks run in bulk (C-level joins and comparisons per batch) because this
    runs once per entry of the window; a batch that fails is re-read line by line to name
    the first bad line.
    """
    n, cut = len(lines), len(b"".join(_HEAD)) + 64 + len(str(index))
    sha256 = hashlib.sha256
    bodies = [line[cut:-1] for line in lines]
    leaves = [sha256(b"\x00" + body).digest() for body in bodies]
    hexes = binascii.hexlify(b"".join(leaves))
    expected = b"".join(
        itertools.chain.from_iterable(
            zip(
                itertools.repeat(_HEAD[0]),
                " ".join(map(str, range(index, index + n))).encode().split(b" "),
                itertools.repeat(_HEAD[1]),
                [hexes[k : k + 64] for k in range(0, 64 * n, 64)],
                itertools.repeat(_HEAD[2]),
            )
        )
    )
    heads = b"".join([line[:cut] for line in lines])
    if heads != expected or b"".join([line[-1:] for line in lines]) != b"}" * n:
        _first_bad_line(lines, index, first)
    stack.extend(leaves)
    # Entries of proven kinds are rare: find their markers in one scan of the batch, then
    # map each hit to its line (a marker cannot straddle two lines).
    blob, hits = b"".join(bodies), set()
    for marker in _KINDS:
        at = blob.find(marker)
        while at >= 0:
            hits.add(at)
            at = blob.find(marker, at + 1)
    if not hits:
        return
    ends = list(itertools.accumulate(map(len, bodies)))
    for k in sorted({bisect.bisect_right(ends, at) for at in hits}):
        # The substring can also occur inside a payload; the parsed kind decides.
        try:
            record = json.loads(bodies[k])
        except ValueError:
            raise PackageError(ENTRIES, "body is not JSON", line=index - first + k + 1) from None
        if record.get("kind") in PROVEN_KINDS:
            proven[index + k] = (leaves[k], record)


def _first_bad_line(lines: list[bytes], index: int, first: int) -> None:
    for k, line in enumerate(lines):
        cut = len(b"".join(_HEAD)) + 64 + len(str(index + k))
        body = line[cut:-1]
        if line != entry_line(index + k, hashlib.sha256(b"\x00" + body).digest(), body)[:-1]:
            reason = "not this index's entry line, or its leaf hash is not its body's"
            raise PackageError(ENTRIES, reason, line=index + k - first + 1, index=index + k)
    raise AssertionError("a batch failed but none of its lines does")  # pragma: no cover


def root_from_inclusion(index: int, size: int, leaf: bytes, path: list[bytes]) -> bytes:
    """The root an RFC 9162 §2.1.3.2 inclusion proof leads to (ValueError when malformed)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is outside a tree of size {size}")
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise ValueError("the proof is too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("the proof is too short")
    return r


def b64hash(value: Any) -> bytes:
    """A 32-byte hash from standard base64 (ValueError otherwise)."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, TypeError) as e:
        raise ValueError("a hash is not base64") from e
    if len(raw) != 32:
        raise ValueError("a hash is not 32 bytes")
    return raw


# --- reading a package from a zip or a folder --------------------------------------------------


class Source:
    """The files of a package, from a zip file or an extracted folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise PackageError(str(path), "no such package file or folder")
        self.zip = zipfile.ZipFile(path) if path.is_file() else None
        if self.zip is not None:
            listed = [i.filename for i in self.zip.infolist() if not i.is_dir()]
        else:
            listed = [
                p.relative_to(path).as_posix()
                for p in path.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts
            ]
        if len(set(listed)) != len(listed):
            raise PackageError("(package)", "a file name occurs twice")
        self.names = set(listed)

    def open(self, name: str) -> IO[bytes]:
        """A binary stream of one file."""
        if self.zip is not None:
            return self.zip.open(name)
        return (self.path / name).open("rb")

    def read(self, name: str) -> bytes:
        """One file's bytes."""
        with self.open(name) as fh:
            return fh.read()

    def close(self) -> None:
        """Release the zip file."""
        if self.zip is not None:
            self.zip.close()
