#!/usr/bin/env python3
"""Verify an exported aiattest ledger with the Python standard library alone.

Usage: ``python3 verify.py DIR`` where DIR holds ``entries.jsonl`` (one RFC 8785 leaf per
line), ``checkpoints/*.note`` (C2SP signed notes) and ``ledger.vkey`` (the signed-note
verifier key). Exit 0 when every checkpoint is validly signed, names this log, matches
the root rebuilt from the entries (RFC 9162 Merkle tree) and is consistent with the one
before it, and no entry lies beyond the newest checkpoint; exit 1 otherwise. Uses the
``cryptography`` package for Ed25519 if it can be imported, else the small RFC 8032
verifier below (slow, but speed does not matter here).

This file is copied verbatim into every export; it must not import anything else.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import sys
from pathlib import Path

# --- Ed25519 signature verification, from RFC 8032 §5.1 -----------------------------------

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = tuple[int, int, int, int]  # extended coordinates (X, Y, Z, T), x = X/Z, y = Y/Z


def _add(a: Point, b: Point) -> Point:
    # Unified addition for twisted Edwards curves with a = -1 (RFC 8032 §5.1.4).
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    aa = (y1 - x1) * (y2 - x2) % _P
    bb = (y1 + x1) * (y2 + x2) % _P
    cc = 2 * t1 * t2 * _D % _P
    dd = 2 * z1 * z2 % _P
    e, f, g, h = bb - aa, dd - cc, dd + cc, bb + aa
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(k: int, point: Point) -> Point:
    result: Point = (0, 1, 1, 0)
    while k:
        if k & 1:
            result = _add(result, point)
        point = _add(point, point)
        k >>= 1
    return result


def _decode_point(data: bytes) -> Point | None:
    if len(data) != 32:
        return None
    y = int.from_bytes(data, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= _P:
        return None
    u, v = (y * y - 1) % _P, (_D * y * y + 1) % _P
    x = u * pow(v, 3, _P) * pow(u * pow(v, 7, _P), (_P - 5) // 8, _P) % _P
    if (v * x * x - u) % _P != 0:
        x = x * _SQRT_M1 % _P
        if (v * x * x - u) % _P != 0:
            return None
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = _P - x
    return (x, y, 1, x * y % _P)


def _encode_point(point: Point) -> bytes:
    x, y, z, _ = point
    zi = pow(z, _P - 2, _P)
    x, y = x * zi % _P, y * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


_B = _decode_point((4 * pow(5, _P - 2, _P) % _P).to_bytes(32, "little"))


def ed25519_verify_pure(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Check [S]B == R + [k]A, k = SHA-512(R || A || M) mod L (RFC 8032 §5.1.7)."""
    if len(signature) != 64 or _B is None:
        return False
    a = _decode_point(public_key)
    r = _decode_point(signature[:32])
    s = int.from_bytes(signature[32:], "little")
    if a is None or r is None or s >= _L:
        return False
    k = int.from_bytes(hashlib.sha512(signature[:32] + public_key + message).digest(), "little")
    return _encode_point(_mul(s, _B)) == _encode_point(_add(r, _mul(k % _L, a)))


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Ed25519 verification: ``cryptography`` when importable, else the pure version."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return ed25519_verify_pure(public_key, message, signature)
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# --- Merkle tree (RFC 9162 §2.1) ------------------------------------------------------------


class VerifyError(Exception):
    """The export does not verify."""


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _fold(stack: list[bytes]) -> bytes:
    if not stack:
        return hashlib.sha256(b"").digest()
    root = stack[-1]
    for h in reversed(stack[:-1]):
        root = _node(h, root)
    return root


def verify_consistency(
    first: int, second: int, root1: bytes, root2: bytes, proof: list[bytes]
) -> None:
    """RFC 9162 §2.1.4.2 consistency proof verification."""
    if first == second:
        if proof or root1 != root2:
            raise VerifyError("equal sizes need equal roots and an empty proof")
        return
    if first == 0:
        return
    if not 0 < first < second or not proof:
        raise VerifyError("bad consistency proof request")
    path = ([root1] if first & (first - 1) == 0 else []) + list(proof)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise VerifyError("consistency proof too long")
        if fn & 1 or fn == sn:
            fr, sr = _node(c, fr), _node(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = _node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0 or fr != root1 or sr != root2:
        raise VerifyError("consistency proof does not match the roots")


_SUBTREES: dict[tuple[int, int], bytes] = {}


def _mth(leaves: list[bytes], start: int, end: int) -> bytes:
    n = end - start
    if n == 1:
        return leaves[start]
    if n & (n - 1) == 0 and (start, n) in _SUBTREES:  # complete subtrees recur across proofs
        return _SUBTREES[(start, n)]
    k = 1 << ((n - 1).bit_length() - 1)
    h = _node(_mth(leaves, start, start + k), _mth(leaves, start + k, end))
    if n & (n - 1) == 0:
        _SUBTREES[(start, n)] = h
    return h


def consistency_proof(leaves: list[bytes], first: int, second: int) -> list[bytes]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1, built from the leaf hashes."""

    def sub(m: int, start: int, n: int, whole: bool) -> list[bytes]:
        if m == n:
            return [] if whole else [_mth(leaves, start, start + n)]
        k = 1 << ((n - 1).bit_length() - 1)
        if m <= k:
            return [*sub(m, start, k, whole), _mth(leaves, start + k, start + n)]
        return [*sub(m - k, start + k, n - k, False), _mth(leaves, start, start + k)]

    return [] if first in (0, second) else sub(first, 0, second, True)


# --- signed notes and checkpoints (C2SP) ----------------------------------------------------


def parse_vkey(vkey: str) -> tuple[str, bytes, bytes]:
    """(name, key id, public key) of a signed-note Ed25519 verifier key."""
    name, hex_id, material = vkey.strip().split("+", 2)
    raw = base64.b64decode(material, validate=True)
    if len(raw) != 33 or raw[0] != 1:
        raise VerifyError("verifier key is not an Ed25519 signed-note key")
    kid = hashlib.sha256(name.encode() + b"\n\x01" + raw[1:]).digest()[:4]
    if kid.hex() != hex_id:
        raise VerifyError("verifier key id does not match")
    return name, kid, raw[1:]


def open_checkpoint(note: str, vkey: tuple[str, bytes, bytes]) -> tuple[str, int, bytes]:
    """Verify a signed checkpoint note; return (origin, size, root)."""
    name, kid, public = vkey
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise VerifyError("malformed signed note")
    text, good = note[: cut + 1], False
    for line in note[cut + 2 :].split("\n")[:-1]:
        if not line.startswith("\u2014 "):
            raise VerifyError("malformed signature line")
        signer, _, b64 = line[2:].partition(" ")
        blob = base64.b64decode(b64, validate=True)
        if signer == name and blob[:4] == kid:
            if not ed25519_verify(public, text.encode(), blob[4:]):
                raise VerifyError("checkpoint signature does not verify")
            good = True
    if not good:
        raise VerifyError("checkpoint is not signed by the trusted key")
    lines = text.split("\n")
    if len(lines) < 4 or not lines[1].isdigit():
        raise VerifyError("malformed checkpoint body")
    return lines[0], int(lines[1]), base64.b64decode(lines[2], validate=True)


# --- the export -----------------------------------------------------------------------------


def verify_export(directory: Path) -> str:
    """Verify an export directory; return a one-line summary or raise VerifyError."""
    vkey = parse_vkey((directory / "ledger.vkey").read_text(encoding="utf-8"))
    wanted: dict[int, bytes] = {}
    for path in sorted((directory / "checkpoints").glob("*.note")):
        origin, size, root = open_checkpoint(path.read_text(encoding="utf-8"), vkey)
        if origin != vkey[0]:
            raise VerifyError(f"{path.name}: checkpoint names another log ({origin})")
        if wanted.get(size, root) != root:
            raise VerifyError(f"two checkpoints at size {size} disagree")
        wanted[size] = root
    if not wanted:
        raise VerifyError("no checkpoints to verify against")
    leaves: list[bytes] = []
    stack: list[bytes] = []
    _SUBTREES.clear()
    with (directory / "entries.jsonl").open("rb") as fh:
        for index, line in enumerate(fh):
            h = hashlib.sha256(b"\x00" + line.rstrip(b"\n")).digest()
            leaves.append(h)
            m = index
            while m & 1:
                h = _node(stack.pop(), h)
                m >>= 1
            stack.append(h)
            if index + 1 in wanted and _fold(stack) != wanted[index + 1]:
                raise VerifyError(f"entries before {index + 1} do not match the checkpoint")
    sizes = sorted(wanted)
    if sizes[-1] != len(leaves):
        raise VerifyError(f"{len(leaves)} entries but the newest checkpoint covers {sizes[-1]}")
    if 0 in wanted and wanted[0] != _fold([]):
        raise VerifyError("the empty checkpoint has a wrong root")
    for first, second in itertools.pairwise(sizes):
        proof = consistency_proof(leaves, first, second)
        verify_consistency(first, second, wanted[first], wanted[second], proof)
    return f"OK: {len(leaves)} entries, {len(sizes)} checkpoints, signed by {vkey[0]}"


def main(argv: list[str]) -> int:
    """Command line entry point."""
    if len(argv) != 2:
        print("usage: python3 verify.py DIR", file=sys.stderr)
        return 2
    try:
        print(verify_export(Path(argv[1])))
    except (VerifyError, OSError, ValueError) as e:
        print(f"FAILED: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
