"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.

Objects sort their keys by UTF-16 code units, strings use the minimal JSON escapes with
lowercase ``\\u00xx``, numbers follow the ECMAScript ``Number.prototype.toString``
rules. Integers must stay within the I-JSON safe range so that every reader gets the
same number back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalError(ValueError):
    """The value cannot be represented in canonical JSON (NaN, huge int, lone surrogate...)."""


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (dict, list, str, int, float, bool, None)."""
    parts: list[str] = []
    _write(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError as e:
        raise CanonicalError("strings must not contain lone surrogates") from e


def _utf16_key(key: str) -> bytes:
    return key.encode("utf-16-be", "surrogatepass")


def _write(value: Any, out: list[str]) -> None:  # noqa: PLR0912 - one branch per JSON type
    # Order matters: bool is a subclass of int.
    if isinstance(value, str):
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            raise CanonicalError(f"integer {value} is outside the I-JSON safe range")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(format_number(value))
    elif isinstance(value, Mapping):
        keys = list(value)
        if not all(type(k) is str for k in keys):
            raise CanonicalError("object keys must be strings")
        # Code-point order equals UTF-16 order unless a key leaves the BMP; ASCII is common.
        keys.sort(key=None if all(k.isascii() for k in keys) else _utf16_key)
        out.append("{")
        for i, key in enumerate(keys):
            if i:
                out.append(",")
            out.append(encode_basestring(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise CanonicalError(f"{type(value).__name__} is not a JSON value")


def format_number(value: float) -> str:
    """ECMAScript Number-to-String for a finite double (RFC 8785 §3.2.2.3)."""
    if not math.isfinite(value):
        raise CanonicalError("NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"  # also for -0.0
    sign = "-" if value < 0 else ""
    # repr gives the shortest round-tripping digits; re-lay them out the ECMAScript way.
    mantissa, _, exp_text = repr(abs(value)).partition("e")
    int_part, _, frac_part = mantissa.partition(".")
    digits = (int_part + frac_part).lstrip("0")
    # n: the position of the decimal point relative to the first significant digit.
    n = len(int_part.lstrip("0")) + int(exp_text or 0)
    if not int_part.lstrip("0"):
        n = int(exp_text or 0) - (len(frac_part) - len(frac_part.lstrip("0")))
    digits = digits.rstrip("0") or "0"
    k = len(digits)
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        exponent = n - 1
        sign_e = "+" if exponent >= 0 else "-"
        head = digits[0] + ("." + digits[1:] if k > 1 else "")
        text = f"{head}e{sign_e}{abs(exponent)}"
    return sign + text
