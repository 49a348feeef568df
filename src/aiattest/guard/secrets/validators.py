"""Pure checks that separate real credentials from look-alikes: Shannon entropy, GitHub's
CRC32 token checksum, a JWT header that decodes to JSON with ``alg``, placeholder values."""

from __future__ import annotations

import base64
import binascii
import json
import math
import zlib
from collections import Counter

_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def shannon_entropy(value: str) -> float:
    """Bits per character of ``value`` (0 for an empty string)."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def base62(number: int, width: int) -> str:
    """``number`` in base 62 (digits, upper, lower), left-padded with ``0`` to ``width``."""
    out = ""
    while number:
        number, rem = divmod(number, 62)
        out = _B62[rem] + out
    return out.rjust(width, "0")


def github_checksum_ok(token: str) -> bool:
    """New-format GitHub tokens (``ghp_`` + 30 random + 6 checksum) end in the base62
    CRC32 of their random part."""
    body = token.split("_", 1)[-1]
    if len(body) != 36:
        return False
    return base62(zlib.crc32(body[:30].encode()), 6) == body[30:]


def _b64url_json(part: str) -> object:
    padded = part + "=" * (-len(part) % 4)
    return json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))


def jwt_ok(token: str) -> bool:
    """Three base64url parts whose header decodes to a JSON object naming an ``alg``."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    try:
        header = _b64url_json(parts[0])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return False
    return isinstance(header, dict) and isinstance(header.get("alg"), str)


_PLACEHOLDER_WORDS = (
    "example", "placeholder", "your", "changeme", "change_me", "xxxx", "****", "dummy",
    "redacted", "secret_here", "here", "todo", "fixme", "sample", "insert", "replace",
    "<", ">", "${", "{{", "%(", "env[", "environ", "getenv", "process.env", "null", "none",
    "undefined", "true", "false",
)  # fmt: skip


def is_placeholder(value: str) -> bool:
    """True for values that stand in for a secret rather than being one."""
    low = value.lower()
    if len(set(low)) <= 2 or low.isdigit():
        return True
    return any(word in low for word in _PLACEHOLDER_WORDS)


def char_classes(value: str) -> int:
    """How many of lower, upper, digit, other occur in ``value``."""
    return (
        any(c.islower() for c in value)
        + any(c.isupper() for c in value)
        + any(c.isdigit() for c in value)
        + any(not c.isalnum() for c in value)
    )
