"""Envelope encryption of retained content: round trip, and every way it must refuse."""

from __future__ import annotations

import base64
import os
from dataclasses import replace
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from aiattest.config.gateway import RetentionSettings
from aiattest.errors import ConfigError
from aiattest.gateway.retention import (
    KEY_BYTES,
    DecryptionError,
    associated_data,
    decode_key,
    load_keyring,
    new_key,
    seal,
    unseal,
)

KEK = os.urandom(KEY_BYTES)
AAD = associated_data("org-1", "req-1")
TEXT = b'{"messages":[{"role":"user","content":"the secret plan"}],"completion":"ok"}'


def test_round_trip_and_the_ciphertext_hides_the_text() -> None:
    sealed = seal(TEXT, KEK, "k1", AAD)
    assert b"secret plan" not in sealed.ciphertext + sealed.wrapped_key
    assert sealed.kek_id == "k1"
    assert unseal(sealed, {"k1": KEK}, AAD) == TEXT


def test_each_record_gets_its_own_data_key_and_nonce() -> None:
    a, b = seal(TEXT, KEK, "k1", AAD), seal(TEXT, KEK, "k1", AAD)
    assert a.wrapped_key != b.wrapped_key
    assert a.nonce != b.nonce
    assert a.ciphertext != b.ciphertext


def test_wrong_key_fails() -> None:
    sealed = seal(TEXT, KEK, "k1", AAD)
    with pytest.raises(DecryptionError):
        unseal(sealed, {"k1": os.urandom(KEY_BYTES)}, AAD)


def test_unknown_key_id_fails_with_a_hint() -> None:
    sealed = seal(TEXT, KEK, "k1", AAD)
    with pytest.raises(DecryptionError, match="unknown key id 'k1'") as caught:
        unseal(sealed, {"k2": KEK}, AAD)
    assert "retired_keys" in (caught.value.hint or "")


@pytest.mark.parametrize("field", ["ciphertext", "wrapped_key", "nonce"])
def test_tampered_record_fails(field: str) -> None:
    sealed = seal(TEXT, KEK, "k1", AAD)
    raw = bytearray(getattr(sealed, field))
    raw[-1] ^= 0x01
    with pytest.raises(DecryptionError):
        unseal(replace(sealed, **{field: bytes(raw)}), {"k1": KEK}, AAD)


def test_relabelled_key_id_fails() -> None:
    # The same key under another id: the wrapping's associated data names the id.
    sealed = seal(TEXT, KEK, "k1", AAD)
    with pytest.raises(DecryptionError):
        unseal(replace(sealed, kek_id="k2"), {"k1": KEK, "k2": KEK}, AAD)


@pytest.mark.parametrize(
    "aad", [associated_data("org-2", "req-1"), associated_data("org-1", "req-2")]
)
def test_wrong_tenant_or_request_fails(aad: bytes) -> None:
    sealed = seal(TEXT, KEK, "k1", AAD)
    with pytest.raises(DecryptionError):
        unseal(sealed, {"k1": KEK}, aad)


def test_keyring_from_settings_with_retired_keys() -> None:
    old, current = new_key(), new_key()
    ring = load_keyring(
        RetentionSettings(
            enabled=True,
            key=SecretStr(current),
            key_id="k2",
            retired_keys={"k1": SecretStr(old)},
        )
    )
    assert ring.current_id == "k2"
    assert ring.current == base64.b64decode(current)
    assert ring.keys["k1"] == base64.b64decode(old)
    # A record sealed under the retired key still opens after rotation.
    sealed = seal(TEXT, base64.b64decode(old), "k1", AAD)
    assert unseal(sealed, ring.keys, AAD) == TEXT


def test_keyring_from_a_key_file(tmp_path: Path) -> None:
    path = tmp_path / "retention.key"
    key = new_key()
    path.write_text(key + "\n")
    ring = load_keyring(RetentionSettings(enabled=True, key_file=path))
    assert ring.current == base64.b64decode(key)
    with pytest.raises(ConfigError, match="cannot read key file"):
        load_keyring(RetentionSettings(enabled=True, key_file=tmp_path / "missing"))


@pytest.mark.parametrize(
    ("text", "message"),
    [("not base64!", "not valid base64"), (base64.b64encode(b"short").decode(), "32 bytes")],
)
def test_bad_keys_are_config_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        decode_key(text, "gateway.retention.key")


def test_settings_default_off_and_refuse_enabled_without_a_key() -> None:
    assert RetentionSettings().enabled is False
    with pytest.raises(ValidationError, match="neither key nor key_file"):
        RetentionSettings(enabled=True)
    with pytest.raises(ValidationError, match="either key or key_file"):
        RetentionSettings(key=SecretStr(new_key()), key_file=Path("k"))
    with pytest.raises(ValidationError, match="also listed as retired"):
        RetentionSettings(key=SecretStr(new_key()), retired_keys={"k1": SecretStr(new_key())})
