"""Known vectors for the PII validators (Luhn, issuer ranges, IBAN, SSN/ITIN, wallets)."""

from __future__ import annotations

import pytest

from aiattest.guard.pii import checksums


def test_keccak256_empty_vector() -> None:
    expected = "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    assert checksums.keccak256(b"").hex() == expected


def test_keccak256_differs_from_sha3() -> None:
    import hashlib

    assert checksums.keccak256(b"abc") != hashlib.sha3_256(b"abc").digest()


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("4111111111111111", True),
        ("5555555555554444", True),
        ("378282246310005", True),
        ("6011111111111117", True),
        ("4111111111111112", False),  # Luhn
        ("1234567812345670", False),  # Luhn-valid, no issuer starts with 1
        ("4444444444444448", True),
        ("0000000000000000", False),
    ],
)
def test_credit_card(number: str, ok: bool) -> None:
    assert checksums.credit_card_ok(number) is ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [
        ("123456789", True),
        ("000123456", False),
        ("666123456", False),
        ("912345678", False),
        ("123006789", False),
        ("123450000", False),
        ("078051120", False),  # the famous wallet-card number
        ("12345678", False),
        ("12345678a", False),
    ],
)
def test_ssn(number: str, ok: bool) -> None:
    assert checksums.ssn_ok(number) is ok


@pytest.mark.parametrize(
    ("number", "ok"),
    [("912701234", True), ("900501234", True), ("912891234", False), ("812701234", False)],
)
def test_itin(number: str, ok: bool) -> None:
    assert checksums.itin_ok(number) is ok


@pytest.mark.parametrize(
    ("iban", "ok"),
    [
        ("GB82WEST12345698765432", True),
        ("DE89370400440532013000", True),
        ("FR1420041010050500013M02606", True),
        ("NL91ABNA0417164300", True),
        ("DE89370400440532013001", False),
        ("DE8937040044053201300", False),  # length for DE is 22
        ("XX89370400440532013000", False),
        ("GB82west12345698765432", False),
    ],
)
def test_iban(iban: str, ok: bool) -> None:
    assert checksums.iban_ok(iban) is ok


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", True),
        ("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", True),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", False),
        ("1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN0", False),  # 0 is not base58
    ],
)
def test_base58(address: str, ok: bool) -> None:
    assert checksums.btc_base58_ok(address) is ok


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", True),
        ("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", True),
        ("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", True),
        ("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", False),
        ("bc1Qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", False),  # mixed case
    ],
)
def test_bech32(address: str, ok: bool) -> None:
    assert checksums.btc_bech32_ok(address) is ok


@pytest.mark.parametrize(
    ("address", "ok"),
    [
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", True),
        ("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", True),
        ("0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed", True),  # no checksum claimed
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", False),
        ("0x0000000000000000000000000000000000000000", False),
        ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA", False),
    ],
)
def test_eth(address: str, ok: bool) -> None:
    assert checksums.eth_address_ok(address) is ok
