"""RFC 8785 JSON Canonicalization Scheme (JCS): one byte string per JSON value.

Objects sort their keys by UTF-16 code units, strings use the minimal JSON escapes with
lowercase ``\\u00xx``, numbers follow the ECMAScript ``Number.prototype.toString``
rules. Integers must stay within the I-JSON safe range so that every reader gets the
same number back.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from json.encoder import encode_basestring
from typing import Any

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalError(ValueError):
    """The value cannot be represented in canonical JSON (NaN, huge int, lone surrogate...)."""


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of ``value`` (dict, list, str, int, float, bool, None)."""
    if _plain(value):
        # Without floats and with ASCII keys, the C encoder's output is already canonical:
        # code-point key order equals UTF-16 order, and its escapes are RFC 8785's.
        text = _fast(value)
    else:
        parts: list[str] = []
        _write(value, parts)
        text = "".join(parts)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise CanonicalError("strings must not contain lone surrogates") from e


def _make_fast() -> Callable[[Any], str]:
    def _refuse(value: Any) -> Any:
        raise CanonicalError(f"{type(value).__name__} is not a JSON value")

    # The C encoder, built once: JSONEncoder.encode would build a new one per call.
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has it
        return json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
        ).encode
    encoder = make(None, _refuse, encode_basestring, None, ":", ",", True, False, False)
    return lambda value: "".join(encoder(value, 0))


_fast = _make_fast()


def encode_string(value: str) -> bytes:
    """The canonical JSON of one string (the common case, without the type walk)."""
    try:
        return encode_basestring(value).encode("utf-8")
    except UnicodeEncodeError as e:
        raise CanonicalError("strings must not contain lone surrogates") from e


def _plain(value: Any) -> bool:  # noqa: PLR0911 - a flat type dispatch is the fast path
    """Whether ``value`` holds only str, bool, None, safe ints, lists, tuples, ASCII-keyed dicts."""
    t = type(value)
    if t is dict:
        for k, v in value.items():
            if type(k) is not str or not k.isascii():
                return False
            tv = type(v)
            if tv is str or tv is bool or v is None:
                continue
            if tv is int:
                if not -MAX_SAFE_INTEGER <= v <= MAX_SAFE_INTEGER:
                    return False
            elif not _plain(v):
                return False
        return True
    if t is str or t is bool or value is None:
        return True
    if t is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if t is list or t is tuple:
        return all(_plain(v) for v in value)
    return False


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
