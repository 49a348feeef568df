"""Value generators for the benchmark corpora: phone numbers valid per ``phonenumbers``,
Bitcoin/Ethereum addresses with real checksums, ITINs, near-miss look-alikes."""

from __future__ import annotations

import hashlib
import random

import phonenumbers

from aiattest.guard.pii.checksums import keccak256

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN", "AU", "BR", "ES", "IT", "NL", "JP", "CA")


def base58check(payload: bytes) -> str:
    """Base58check encoding (double-SHA256 checksum), as Bitcoin addresses use."""
    raw = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    num = int.from_bytes(raw, "big")
    out = ""
    while num:
        num, rem = divmod(num, 58)
        out = _B58[rem] + out
    return "1" * (len(raw) - len(raw.lstrip(b"\x00"))) + out


def _polymod(values: list[int]) -> int:
    gen = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= gen[i]
    return chk


def bech32_address(program: bytes) -> str:
    """A version-0 segwit address (``bc1q…``) for a 20- or 32-byte witness program."""
    acc, bits, data = 0, 0, [0]
    for b in program:
        acc = (acc << 8) | b
        bits += 8
        while bits >= 5:
            bits -= 5
            data.append((acc >> bits) & 31)
    if bits:
        data.append((acc << (5 - bits)) & 31)
    poly = _polymod([3, 3, 0, 2, 3, *data, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(poly >> 5 * (5 - i)) & 31 for i in range(6)]
    return "bc1" + "".join(_BECH32[d] for d in data + checksum)


def eth_address(raw: bytes, checksummed: bool) -> str:
    """``0x`` address of 20 bytes, EIP-55 mixed case when ``checksummed``."""
    body = raw.hex()
    if not checksummed:
        return "0x" + body
    digest = keccak256(body.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(h, 16) >= 8 else c
                          for c, h in zip(body, digest, strict=False))  # fmt: skip


def wallet(rng: random.Random) -> str:
    """A random valid Bitcoin (P2PKH, P2SH, bech32) or Ethereum address."""
    kind = rng.randrange(5)
    raw = rng.randbytes(20)
    if kind == 0:
        return base58check(b"\x00" + raw)
    if kind == 1:
        return base58check(b"\x05" + raw)
    if kind == 2:
        return bech32_address(raw)
    return eth_address(raw, checksummed=kind == 3)


def broken_wallet(rng: random.Random) -> str:
    """A base58 address with its last character changed: the checksum no longer holds."""
    good = base58check(b"\x00" + rng.randbytes(20))
    last = rng.choice([c for c in _B58 if c != good[-1]])
    return good[:-1] + last


def phone(rng: random.Random) -> str:
    """A phone number valid per ``phonenumbers``, in a format natural for its region."""
    for _ in range(50):
        region = "US" if rng.random() < 0.35 else rng.choice(PHONE_REGIONS)
        kind = rng.choice(
            (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
        )
        example = phonenumbers.example_number_for_type(region, kind)
        if example is None:
            continue
        national = str(example.national_number)
        keep = max(3, len(national) - 4)
        digits = national[:keep] + "".join(str(rng.randrange(10)) for _ in national[keep:])
        number = phonenumbers.parse("+" + str(example.country_code) + digits, None)
        if not phonenumbers.is_valid_number(number):
            continue
        if region in ("US", "CA"):
            style = rng.randrange(4)
            d = str(number.national_number)
            return (
                f"({d[:3]}) {d[3:6]}-{d[6:]}",
                f"{d[:3]}-{d[3:6]}-{d[6:]}",
                f"+1 {d[:3]} {d[3:6]} {d[6:]}",
                f"{d[:3]}.{d[3:6]}.{d[6:]}",
            )[style]
        if region == "GB" and rng.random() < 0.5:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        fmt = rng.choice(
            (phonenumbers.PhoneNumberFormat.INTERNATIONAL, phonenumbers.PhoneNumberFormat.E164)
        )
        return phonenumbers.format_number(number, fmt)
    return "+44 20 7946 0958"


def itin(rng: random.Random) -> str:
    """A US ITIN in the issued ranges, dashed."""
    group = rng.choice([*range(70, 89), *range(90, 93), *range(94, 100)])
    return f"9{rng.randrange(10)}{rng.randrange(10)}-{group}-{rng.randrange(10000):04d}"


def luhn_invalid(rng: random.Random) -> str:
    """A 16-digit number in the Visa range whose Luhn check fails."""
    while True:
        digits = "4" + "".join(str(rng.randrange(10)) for _ in range(15))
        total = 0
        for i, ch in enumerate(reversed(digits)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10:
            return digits
