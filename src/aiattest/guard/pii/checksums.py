"""Pure validators for PII candidates: Luhn, card issuer ranges, IBAN mod-97, SSN/ITIN
ranges, Bitcoin base58check and bech32/bech32m, Ethereum EIP-55 (Keccak-256).

Every function takes the candidate string and returns ``True`` only for a value that is
well formed; none of them raises on any input.
"""

from __future__ import annotations

import hashlib

_DIGITS = frozenset("0123456789")


def digits_only(text: str) -> str:
    """The ASCII digits of ``text``, in order (separators dropped)."""
    return "".join(c for c in text if c in _DIGITS)


def luhn_ok(number: str) -> bool:
    """True when the all-digit ``number`` passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# (prefix range low, high, allowed lengths): issuer identification ranges of the major
# networks. A Luhn-valid number outside every range is far more likely an order number.
_CARD_RANGES: tuple[tuple[int, int, int, frozenset[int]], ...] = (
    (4, 4, 1, frozenset({13, 16, 19})),  # Visa
    (51, 55, 2, frozenset({16})),  # Mastercard
    (2221, 2720, 4, frozenset({16})),  # Mastercard 2-series
    (34, 34, 2, frozenset({15})),  # American Express
    (37, 37, 2, frozenset({15})),
    (6011, 6011, 4, frozenset({16, 19})),  # Discover
    (644, 649, 3, frozenset({16, 19})),
    (65, 65, 2, frozenset({16, 19})),
    (3500, 3599, 4, frozenset({16, 17, 18, 19})),  # JCB (3528-3589 issued; 35xx seen in tests)
    (300, 305, 3, frozenset({14, 16, 19})),  # Diners Club
    (36, 36, 2, frozenset({14, 16, 19})),
    (38, 39, 2, frozenset({14, 16, 19})),
    (62, 62, 2, frozenset({16, 17, 18, 19})),  # UnionPay
    (50, 50, 2, frozenset({12, 13, 14, 15, 16, 17, 18, 19})),  # Maestro
    (56, 58, 2, frozenset({12, 13, 14, 15, 16, 17, 18, 19})),
    (6304, 6304, 4, frozenset({16, 18, 19})),
    (6759, 6759, 4, frozenset({16, 18, 19})),
    (6761, 6763, 4, frozenset({16, 18, 19})),
)


def card_issuer_ok(number: str) -> bool:
    """True when the all-digit ``number`` lies in a known issuer range with a valid length."""
    n = len(number)
    for low, high, width, lengths in _CARD_RANGES:
        if n in lengths and low <= int(number[:width]) <= high:
            return True
    return False


def credit_card_ok(number: str) -> bool:
    """Luhn-valid, in an issuer range, and not a run of one repeated digit."""
    return (
        12 <= len(number) <= 19
        and len(set(number)) > 1
        and card_issuer_ok(number)
        and luhn_ok(number)
    )


def ssn_ok(number: str) -> bool:
    """A US SSN in the ranges the SSA issues: area not 000/666/9xx, group not 00,
    serial not 0000; also refuses the famous advertising number and one-digit runs."""
    if len(number) != 9 or not number.isdigit():
        return False
    area, group, serial = number[:3], number[3:5], number[5:]
    if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
        return False
    return number not in ("078051120", "219099999") and len(set(number)) > 1


def itin_ok(number: str) -> bool:
    """A US ITIN: starts with 9, middle group 50-65, 70-88, 90-92 or 94-99."""
    if len(number) != 9 or not number.isdigit() or number[0] != "9":
        return False
    group = int(number[3:5])
    return 50 <= group <= 65 or 70 <= group <= 88 or 90 <= group <= 92 or 94 <= group <= 99


# Total IBAN length per country (ISO 13616 registry, the countries most seen in practice).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def iban_ok(compact: str) -> bool:
    """True for an IBAN (no spaces, upper case) with the right country length and mod 97 == 1."""
    expected = IBAN_LENGTHS.get(compact[:2])
    if expected is None or len(compact) != expected or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    total = 0
    for ch in rearranged:
        if "0" <= ch <= "9":
            total = (total * 10 + ord(ch) - 48) % 97
        elif "A" <= ch <= "Z":
            total = (total * 100 + ord(ch) - 55) % 97
        else:
            return False
    return total == 1


_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def base58check_payload(text: str) -> bytes | None:
    """Decode a base58check string; the payload without checksum, or None if invalid."""
    if not 25 <= len(text) <= 64:
        return None
    num = 0
    for ch in text:
        idx = _B58_INDEX.get(ch)
        if idx is None:
            return None
        num = num * 58 + idx
    pad = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big")
    raw = b"\x00" * pad + body
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    if hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4] != check:
        return None
    return payload


def btc_base58_ok(text: str) -> bool:
    """A legacy (P2PKH, version 0) or script (P2SH, version 5) Bitcoin address."""
    payload = base58check_payload(text)
    return payload is not None and len(payload) == 21 and payload[0] in (0, 5)


_BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_INDEX = {c: i for i, c in enumerate(_BECH32)}
_GEN = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: list[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            if (top >> i) & 1:
                chk ^= _GEN[i]
    return chk


def btc_bech32_ok(text: str) -> bool:
    """A segwit address (bc1…): bech32 for version 0, bech32m for later versions."""
    if text.lower() != text and text.upper() != text:
        return False
    low = text.lower()
    if not low.startswith("bc1") or not 14 <= len(low) <= 74:
        return False
    data: list[int] = []
    for ch in low[3:]:
        idx = _BECH32_INDEX.get(ch)
        if idx is None:
            return False
        data.append(idx)
    if len(data) < 7:
        return False
    const = _polymod([3, 3, 0, 2, 3, *data])
    version = data[0]
    return (version == 0 and const == 1) or (0 < version <= 16 and const == 0x2BC830A3)


# Keccak-f[1600] round constants and rotation offsets; Ethereum uses the original Keccak
# padding (0x01), not SHA-3's (0x06), so hashlib.sha3_256 gives a different digest.
_RC = (
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
)  # fmt: skip
_ROT = (
    0,
    1,
    62,
    28,
    27,
    36,
    44,
    6,
    55,
    20,
    3,
    10,
    43,
    25,
    39,
    41,
    45,
    15,
    21,
    8,
    18,
    2,
    61,
    56,
    14,
)
_M64 = (1 << 64) - 1


# (source lane, destination lane, rotation) of the combined rho and pi steps.
_RHO_PI = tuple(
    (x + 5 * y, y + 5 * ((2 * x + 3 * y) % 5), _ROT[x + 5 * y]) for x in range(5) for y in range(5)
)


def _keccak_f(a: list[int]) -> None:
    b = [0] * 25
    for rc in _RC:
        c = [a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] for x in range(5)]
        d = [
            c[(x - 1) % 5] ^ (((c[(x + 1) % 5] << 1) | (c[(x + 1) % 5] >> 63)) & _M64)
            for x in range(5)
        ]
        for i in range(25):
            a[i] ^= d[i % 5]
        for src, dst, r in _RHO_PI:
            v = a[src]
            b[dst] = ((v << r) | (v >> (64 - r))) & _M64 if r else v
        for y in range(0, 25, 5):
            b0, b1, b2, b3, b4 = b[y : y + 5]
            a[y] = b0 ^ (~b1 & b2)
            a[y + 1] = b1 ^ (~b2 & b3)
            a[y + 2] = b2 ^ (~b3 & b4)
            a[y + 3] = b3 ^ (~b4 & b0)
            a[y + 4] = b4 ^ (~b0 & b1)
        a[0] ^= rc


def keccak256(data: bytes) -> bytes:
    """Keccak-256 as Ethereum uses it (rate 136 bytes, padding 0x01…0x80)."""
    rate = 136
    msg = bytearray(data)
    msg.append(0x01)
    msg.extend(b"\x00" * (-len(msg) % rate))
    msg[-1] |= 0x80
    state = [0] * 25
    for off in range(0, len(msg), rate):
        block = msg[off : off + rate]
        for i in range(rate // 8):
            state[i] ^= int.from_bytes(block[8 * i : 8 * i + 8], "little")
        _keccak_f(state)
    return b"".join(state[i].to_bytes(8, "little") for i in range(4))


def eth_address_ok(text: str) -> bool:
    """``0x`` + 40 hex digits; mixed case must match the EIP-55 checksum."""
    if len(text) != 42 or text[:2] not in ("0x", "0X"):
        return False
    body = text[2:]
    if any(c not in "0123456789abcdefABCDEF" for c in body):
        return False
    if body.lower() == body or body.upper() == body:
        return len(set(body.lower())) > 2  # refuse 0x000…0 style placeholders
    digest = keccak256(body.lower().encode()).hex()
    for ch, h in zip(body, digest[:40], strict=True):
        if ch.isalpha() and (ch.isupper() != (int(h, 16) >= 8)):
            return False
    return True
