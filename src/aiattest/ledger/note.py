"""C2SP tlog-checkpoint bodies inside C2SP signed notes, signed with Ed25519.

A checkpoint body is three lines: the origin, the tree size in decimal, the base64 root
hash. The signed note appends a blank line and ``— <key name> base64(key id || sig)``.
The key id is ``SHA-256(name || 0x0A || 0x01 || public key)[:4]`` (signed-note, Ed25519).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from aiattest.errors import VerificationError

ED25519_TYPE = 0x01
SIGNATURE_PREFIX = "— "
_DECIMAL = re.compile(r"0|[1-9][0-9]{0,19}")


@dataclass(frozen=True)
class CheckpointBody:
    """The signed statement: this log, at this size, has this root."""

    origin: str
    """A schema-less URL naming the log (the first line)."""
    size: int
    """The number of leaves."""
    root: bytes
    """MTH of the first ``size`` leaves."""

    def text(self) -> str:
        """The note text (C2SP tlog-checkpoint), newline-terminated."""
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"


def parse_checkpoint(text: str) -> CheckpointBody:
    """Read a checkpoint note text; raise VerificationError when it is malformed."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0] or not _DECIMAL.fullmatch(lines[1]):
        raise VerificationError("checkpoint text is not origin, size and root lines")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except binascii.Error as e:
        raise VerificationError("checkpoint root hash is not base64") from e
    if len(root) != 32:
        raise VerificationError("checkpoint root hash is not 32 bytes")
    return CheckpointBody(origin=lines[0], size=int(lines[1]), root=root)


def key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte signed-note key id of an Ed25519 key."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ED25519_TYPE]) + public_key).digest()[:4]


def raw_public_key(key: Ed25519PublicKey) -> bytes:
    """The 32-byte RFC 8032 encoding of a public key."""
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def verifier_key(name: str, public_key: bytes) -> str:
    """The signed-note verifier key string ``name+hexid+base64(0x01 || key)``."""
    material = base64.b64encode(bytes([ED25519_TYPE]) + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{material}"


@dataclass(frozen=True)
class NoteVerifier:
    """A trusted Ed25519 key for opening signed notes."""

    name: str
    """The key name (by convention the log origin)."""
    public_key: bytes
    """32 raw bytes."""

    @classmethod
    def parse(cls, vkey: str) -> NoteVerifier:
        """Read a verifier key string; raise VerificationError when it is malformed."""
        name, _, rest = vkey.strip().partition("+")
        hex_id, _, material = rest.partition("+")
        try:
            raw = base64.b64decode(material, validate=True)
        except binascii.Error as e:
            raise VerificationError("verifier key material is not base64") from e
        if not name or len(raw) != 33 or raw[0] != ED25519_TYPE:
            raise VerificationError("verifier key is not an Ed25519 signed-note key")
        verifier = cls(name, raw[1:])
        if key_id(name, raw[1:]).hex() != hex_id:
            raise VerificationError("verifier key id does not match its name and key")
        return verifier

    def vkey(self) -> str:
        """This key as a verifier key string."""
        return verifier_key(self.name, self.public_key)

    def open(self, note: str) -> str:
        """Return the note text if a signature by this key verifies; else raise."""
        text, signatures = split_note(note)
        want_id = key_id(self.name, self.public_key)
        public = Ed25519PublicKey.from_public_bytes(self.public_key)
        for name, blob in signatures:
            if name != self.name or blob[:4] != want_id:
                continue  # signatures of other keys are ignored, as the spec requires
            try:
                public.verify(blob[4:], text.encode())
            except InvalidSignature as e:
                raise VerificationError(f"note signature by {name} does not verify") from e
            return text
        raise VerificationError(f"note carries no signature by {self.name}")


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Split a signed note into its text and its (key name, decoded signature) lines."""
    if any(ord(c) < 0x20 and c != "\n" for c in note) or not note.endswith("\n"):
        raise VerificationError("signed note has control characters or no final newline")
    cut = note.rfind("\n\n")
    if cut < 0:
        raise VerificationError("signed note has no blank line before its signatures")
    text, sig_block = note[: cut + 1], note[cut + 2 :]
    signatures: list[tuple[str, bytes]] = []
    for line in sig_block.split("\n")[:-1]:
        if not line.startswith(SIGNATURE_PREFIX):
            raise VerificationError("signed note has a malformed signature line")
        name, _, b64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
        try:
            blob = base64.b64decode(b64, validate=True)
        except binascii.Error as e:
            raise VerificationError("note signature is not base64") from e
        if not name or len(blob) < 5:
            raise VerificationError("signed note has a malformed signature line")
        signatures.append((name, blob))
    if not signatures:
        raise VerificationError("signed note has no signatures")
    return text, signatures


class NoteSigner:
    """Signs note texts with an Ed25519 key under a key name."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        if not name or any(c.isspace() or c == "+" for c in name):
            raise ValueError("key names must be non-empty, without spaces or '+'")
        self.name = name
        self._key = private_key
        self.public_key = raw_public_key(private_key.public_key())
        self.key_id = key_id(name, self.public_key)

    def verifier(self) -> NoteVerifier:
        """The matching verifier."""
        return NoteVerifier(self.name, self.public_key)

    def sign(self, text: str) -> str:
        """The signed note for ``text`` (which must end in a newline)."""
        if not text.endswith("\n"):
            raise ValueError("note text must end with a newline")
        signature = self._key.sign(text.encode())
        blob = base64.b64encode(self.key_id + signature).decode()
        return f"{text}\n{SIGNATURE_PREFIX}{self.name} {blob}\n"
