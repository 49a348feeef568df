"""The pure-Python Ed25519 verifier shipped in exports, against RFC 8032 and `cryptography`.

Vectors: RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte 0x72).
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from aiattest.ledger.note import raw_public_key
from aiattest.ledger.standalone_verify import ed25519_verify_pure

RFC8032 = [
    (
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e3970"
        "1cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613"
        "d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
]


@pytest.mark.parametrize(("public", "message", "signature"), RFC8032)
def test_rfc8032_vectors(public: str, message: str, signature: str) -> None:
    pk, msg, sig = bytes.fromhex(public), bytes.fromhex(message), bytes.fromhex(signature)
    assert ed25519_verify_pure(pk, msg, sig)
    assert not ed25519_verify_pure(pk, msg + b"!", sig)
    assert not ed25519_verify_pure(pk, msg, sig[:-1] + bytes([sig[-1] ^ 1]))


def test_agrees_with_cryptography_on_fresh_keys() -> None:
    for i in range(5):
        key = Ed25519PrivateKey.generate()
        public = raw_public_key(key.public_key())
        message = f"checkpoint {i}\n".encode()
        signature = key.sign(message)
        assert ed25519_verify_pure(public, message, signature)
        other = raw_public_key(Ed25519PrivateKey.generate().public_key())
        assert not ed25519_verify_pure(other, message, signature)


def test_rejects_malformed_input() -> None:
    public, _, signature = RFC8032[0]
    pk, sig = bytes.fromhex(public), bytes.fromhex(signature)
    assert not ed25519_verify_pure(pk, b"", sig[:63])
    assert not ed25519_verify_pure(pk[:31], b"", sig)
    big_s = sig[:32] + (2**253).to_bytes(32, "little")  # S >= L must be refused
    assert not ed25519_verify_pure(pk, b"", big_s)
