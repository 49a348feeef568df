"""C2SP signed notes and checkpoints, against the Go sumdb/note published example.

Vector: golang.org/x/mod/sumdb/note (package documentation and note_test.go): the key
``PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz``, its
verifier key ``PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`` and the
signed note it produces. Ed25519 is deterministic, so our signer must reproduce it exactly.
"""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiattest.errors import VerificationError
from aiattest.ledger.note import CheckpointBody, NoteSigner, NoteVerifier, parse_checkpoint

SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
NOTE = (
    TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqd"
    "ngotpRZb6KE6RyyBwJnAM=\n"
)


def _go_signer() -> NoteSigner:
    seed = base64.b64decode(SKEY.split("+", 4)[4])[1:]
    return NoteSigner("PeterNeumann", Ed25519PrivateKey.from_private_bytes(seed))


def test_signer_reproduces_the_published_note_and_key() -> None:
    signer = _go_signer()
    assert signer.key_id.hex() == "c74f20a3"
    assert signer.verifier().vkey() == VKEY
    assert signer.sign(TEXT) == NOTE


def test_verifier_opens_the_published_note_and_rejects_changes() -> None:
    verifier = NoteVerifier.parse(VKEY)
    assert verifier.open(NOTE) == TEXT
    with pytest.raises(VerificationError, match="does not verify"):
        verifier.open(NOTE.replace("cryptography", "cryptographY"))
    other = NoteVerifier("PeterNeumann", bytes(32))
    with pytest.raises(VerificationError, match="no signature"):
        other.open(NOTE)  # same name, different key id: ignored, so nothing verifies


@pytest.mark.parametrize(
    "vkey",
    [
        VKEY.replace("c74f20a3", "c74f20a4"),
        VKEY.replace("PeterNeumann", "Peter"),
        "nope",
        VKEY[:-4],
    ],
)
def test_malformed_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(VerificationError):
        NoteVerifier.parse(vkey)


def test_checkpoint_body_round_trips() -> None:
    body = CheckpointBody("example.com/log", 42, bytes(range(32)))
    text = body.text()
    assert text == "example.com/log\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"
    assert parse_checkpoint(text) == body
    for bad in ["example.com/log\n042\nAAAA\n", "x\n1\n!!!\n", "x\n1\n" + "QQ==" + "\n", "x\n1"]:
        with pytest.raises(VerificationError):
            parse_checkpoint(bad)


def test_signed_checkpoint_verifies_with_its_own_key_only() -> None:
    signer = NoteSigner("aiattest.test/log", Ed25519PrivateKey.generate())
    note = signer.sign(CheckpointBody("aiattest.test/log", 7, bytes(32)).text())
    assert parse_checkpoint(signer.verifier().open(note)).size == 7
    stranger = NoteSigner("aiattest.test/log", Ed25519PrivateKey.generate()).verifier()
    with pytest.raises(VerificationError):
        stranger.open(note)
