"""Text normalisation for detection, with an offset map back to the original text.

Attackers hide instructions behind look-alike letters, invisible characters, leetspeak,
spaced-out letters and encodings. :func:`normalize` folds all of these into a lowercase,
ASCII-leaning string that rules and the classifier read, and remembers for every output
character the span of the original text it came from, so findings point at the original.
:func:`find_payloads` decodes embedded base64 / hex / URL-encoded runs (bounded), and
:func:`rot13` gives the ROT13 view (length preserving, so offsets carry over unchanged).
"""

from __future__ import annotations

import base64
import binascii
import re
import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote_plus

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]

# Look-alike letters NFKC leaves alone. Written by hand from the Cyrillic, Greek, Armenian
# and IPA blocks; only letters that render like a Latin letter in common fonts are listed.
_CONFUSABLES: dict[str, str] = {
    # Cyrillic lower / upper
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ѵ": "v", "һ": "h", "ӏ": "l", "ɡ": "g",
    "А": "a", "В": "b", "Е": "e", "К": "k", "М": "m", "Н": "h", "О": "o", "Р": "p",
    "С": "c", "Т": "t", "Х": "x", "У": "y", "Ѕ": "s", "І": "i", "Ј": "j", "Ԁ": "d",
    "Ԛ": "q", "Ԝ": "w", "Ү": "y", "ү": "y", "Ӏ": "l", "Ь": "b", "ь": "b",
    # Greek lower / upper
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v",
    "ο": "o", "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "ϲ": "c",
    "Α": "a", "Β": "b", "Ε": "e", "Ζ": "z", "Η": "h", "Ι": "i", "Κ": "k", "Μ": "m",
    "Ν": "n", "Ο": "o", "Ρ": "p", "Τ": "t", "Υ": "y", "Χ": "x", "Ϲ": "c",
    # Armenian, Latin extensions and IPA
    "օ": "o", "ս": "u", "ց": "g", "հ": "h", "ո": "n", "ı": "i", "ȷ": "j", "ɑ": "a",
    "ɩ": "i", "ʀ": "r", "ʏ": "y", "ɴ": "n", "ᴀ": "a", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e",
    "ᴋ": "k", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w",
    "ᴢ": "z", "ꜱ": "s", "ʜ": "h", "ɪ": "i", "ʟ": "l", "ɢ": "g", "ʙ": "b", "ꞯ": "q",
    "ø": "o", "ð": "d", "đ": "d", "ħ": "h", "ł": "l", "ŧ": "t", "ß": "ss", "æ": "ae",
    "œ": "oe", "þ": "th",
}  # fmt: skip

_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "8": "b", "9": "g", "@": "a", "$": "s"})  # fmt: skip
# A token mixing letters with leet digits/symbols, e.g. "1gn0r3" or "pr3v10u$"; pure
# numbers and plain words are left alone so "2024" and "gpt" survive.
_LEET_TOKEN = re.compile(r"(?<![a-z0-9@$])(?=[a-z0-9@$]*[a-z])(?=[a-z0-9@$]*[013457@$])"
                         r"[a-z0-9@$]{3,40}(?![a-z0-9@$])")  # fmt: skip
# Four or more single letters joined by one separator each: "i g n o r e", "s.y.s.t.e.m".
# Each letter must stand alone, checked per letter so a failed run never backtracks far.
_SPACED = re.compile(r"(?<![a-z0-9])[a-z](?![a-z0-9])(?:[ ._*\-][a-z](?![a-z0-9])){3,}")
_SPACED_SEPARATOR = re.compile(r"[ ._*\-]")
# Runs of whitespace become one space, or one newline when the run holds a newline
# (line starts matter to the delimiter rules).
_WHITESPACE = re.compile(r"\s{2,}|[^\S \n]")
# Runs of plain spaces only: a literal prefix lets ``re`` search as fast as ``str.find``.
_SPACES = re.compile(r"  +")
# Character classes for cheap hints: letters -> "a", leet characters -> "d", separators of
# spaced-out letters -> "s", whitespace other than space and newline -> "w", the rest -> "x".
# ``str.translate`` plus ``in`` runs at C speed, unlike a regex scan of every position.
_CLASSES = str.maketrans(
    {
        **{chr(c): "x" for c in range(128)},
        **dict.fromkeys(string.ascii_lowercase, "a"),
        **dict.fromkeys("013457@$", "d"),
        **dict.fromkeys("._*-", "s"),
        " ": "s",
        **dict.fromkeys("\t\r\x0b\x0c\x1c\x1d\x1e\x1f", "w"),
    }
)
_ASCII_RUN = re.compile(r"[\x00-\x7f]+")

_ROT13 = str.maketrans(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "nopqrstuvwxyzabcdefghijklmNOPQRSTUVWXYZabcdefghijklm",
)

MAX_PAYLOADS = 8
"""At most this many embedded payloads are decoded per text."""
MAX_PAYLOAD_CHARS = 8192
"""Encoded runs longer than this are not decoded (bounded work per text)."""
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_\-]{16,}={0,2}")
_HEX_RUN = re.compile(r"(?:\\x[0-9A-Fa-f]{2}){6,}|[0-9A-Fa-f]{16,}")
_URL_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2}[^\s%]{0,8}){4,}")


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """A normalised text and, per character, the original span it came from."""

    text: str
    """The normalised text (lowercase, folded)."""
    starts: IntArray
    """``starts[i]``: offset in the original of the first character behind ``text[i]``."""
    ends: IntArray
    """``ends[i]``: offset one past the last original character behind ``text[i]``."""

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalised span ``[start, end)`` back to a span of the original text."""
        if not self.text:
            return 0, 0
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return int(self.starts[start]), int(self.ends[end - 1])


@dataclass(frozen=True, slots=True)
class Payload:
    """An encoded run found in a text and what it decodes to."""

    start: int
    """Offset of the encoded run in the text it was found in."""
    end: int
    """Offset one past the encoded run."""
    kind: str
    """``base64``, ``hex`` or ``url``."""
    decoded: str
    """The decoded text."""


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """Fold one non-ASCII character: drop invisibles, NFKC, look-alikes, case, accents."""
    code = ord(ch)
    if 0xE0020 <= code <= 0xE007E:
        # Unicode tag characters render invisibly but spell ASCII ("ASCII smuggling").
        return chr(code - 0xE0000).lower()
    if unicodedata.category(ch) in ("Cf", "Cc", "Mn", "Me", "Cs", "Co", "Cn"):
        # Format controls (zero-width, bidi), lone marks, surrogates and unassigned code
        # points carry no readable letters.
        return " " if ch in "\u2028\u2029\x85" else ""
    out = []
    for c in unicodedata.normalize("NFKC", ch):
        folded = _CONFUSABLES.get(c, c).lower()
        for d in unicodedata.normalize("NFKD", folded):
            if not unicodedata.combining(d):
                out.append(_CONFUSABLES.get(d, d))
    return "".join(out)


def _fold(text: str) -> tuple[str, IntArray, IntArray]:
    """Character folding; ASCII runs take a fast path (lowercase keeps their length)."""
    if text.isascii():
        positions = np.arange(len(text), dtype=np.int64)
        return text.lower(), positions, positions + 1
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for match in _ASCII_RUN.finditer(text):
        _fold_slow(text, position, match.start(), out=(pieces, starts, ends))
        run = match.group()
        pieces.append(run.lower())
        starts.extend(range(match.start(), match.end()))
        ends.extend(range(match.start() + 1, match.end() + 1))
        position = match.end()
    _fold_slow(text, position, len(text), out=(pieces, starts, ends))
    return "".join(pieces), np.array(starts, dtype=np.int64), np.array(ends, dtype=np.int64)


def _fold_slow(text: str, lo: int, hi: int, *, out: tuple[list[str], list[int], list[int]]) -> None:
    pieces, starts, ends = out
    for i in range(lo, hi):
        folded = fold_char(text[i])
        if folded:
            pieces.append(folded)
            starts.extend([i] * len(folded))
            ends.extend([i + 1] * len(folded))


def _rewrite(
    text: str,
    starts: IntArray,
    ends: IntArray,
    pattern: re.Pattern[str],
    *,
    replace: dict[int, str] | None = None,
    squeeze: re.Pattern[str] | None = None,
) -> tuple[str, IntArray, IntArray]:
    """Apply ``pattern`` matches: translate them (same length), squeeze out a sub-pattern,
    or collapse whitespace runs to one character mapped to the whole run."""
    pieces: list[str] = []
    keep_s: list[IntArray] = []
    keep_e: list[IntArray] = []
    position = 0
    for match in pattern.finditer(text):
        a, b = match.span()
        pieces.append(text[position:a])
        keep_s.append(starts[position:a])
        keep_e.append(ends[position:a])
        chunk = match.group()
        if replace is not None:
            pieces.append(chunk.translate(replace))
            keep_s.append(starts[a:b])
            keep_e.append(ends[a:b])
        elif squeeze is not None:
            mask = np.array([squeeze.fullmatch(c) is None for c in chunk], dtype=bool)
            pieces.append(squeeze.sub("", chunk))
            keep_s.append(starts[a:b][mask])
            keep_e.append(ends[a:b][mask])
        else:
            pieces.append("\n" if "\n" in chunk else " ")
            keep_s.append(starts[a : a + 1])
            keep_e.append(ends[b - 1 : b])
        position = b
    if not pieces:
        return text, starts, ends
    pieces.append(text[position:])
    keep_s.append(starts[position:])
    keep_e.append(ends[position:])
    return "".join(pieces), np.concatenate(keep_s), np.concatenate(keep_e)


def normalize(text: str) -> NormalizedText:
    """Fold ``text`` for detection, keeping the map back to original offsets."""
    folded, starts, ends = _fold(text)
    # Cheap hints gate the regex rewrites, which most texts do not need.
    classes = folded.translate(_CLASSES)
    if "ad" in classes or "da" in classes:
        folded, starts, ends = _rewrite(folded, starts, ends, _LEET_TOKEN, replace=_LEET)
    if "sasas" in classes:
        folded, starts, ends = _rewrite(folded, starts, ends, _SPACED, squeeze=_SPACED_SEPARATOR)
    needs_full = "w" in classes or not folded.isascii()
    if needs_full or "\n\n" in folded or " \n" in folded or "\n " in folded:
        folded, starts, ends = _rewrite(folded, starts, ends, _WHITESPACE)
    elif "  " in folded:
        folded, starts, ends = _rewrite(folded, starts, ends, _SPACES)
    return NormalizedText(folded, starts, ends)


def rot13(text: str) -> str:
    """The ROT13 view of ``text`` (same length, so offsets carry over)."""
    return text.translate(_ROT13)


def _plausible(decoded: str) -> bool:
    """Decoded bytes look like text: mostly printable, with letters and spaces."""
    if len(decoded) < 8:
        return False
    printable = sum(1 for c in decoded if c.isprintable() or c in "\n\t")
    letters = sum(1 for c in decoded if c.isalpha())
    return printable >= 0.95 * len(decoded) and letters >= 0.5 * len(decoded) and " " in decoded


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _decode_base64(run: str) -> str | None:
    run = run.rstrip("=")
    if len(run) % 4 == 1:
        return None
    padded = run + "=" * (-len(run) % 4)
    try:
        if "-" in run or "_" in run:
            data = base64.urlsafe_b64decode(padded)
        else:
            data = base64.b64decode(padded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return _utf8(data)


def _decode_hex(run: str) -> str | None:
    digits = run.replace("\\x", "")
    if len(digits) % 2:
        digits = digits[:-1]
    try:
        return _utf8(bytes.fromhex(digits))
    except ValueError:
        return None


def find_payloads(text: str) -> list[Payload]:
    """Decode plausible embedded base64, hex and URL-encoded runs (at most
    :data:`MAX_PAYLOADS`, each at most :data:`MAX_PAYLOAD_CHARS` long)."""
    found: list[Payload] = []
    # Every encoded run is one long whitespace-free token; most texts have none.
    if "%" not in text and max(map(len, text.split()), default=0) < 16:
        return found
    taken: list[tuple[int, int]] = []
    decoders = (
        ("hex", _HEX_RUN, _decode_hex),
        ("base64", _BASE64_RUN, _decode_base64),
        ("url", _URL_RUN, unquote_plus),
    )
    for kind, pattern, decode in decoders:
        for match in pattern.finditer(text):
            a, b = match.span()
            if b - a > MAX_PAYLOAD_CHARS or any(a < e and s < b for s, e in taken):
                continue
            decoded = decode(match.group())
            if decoded is not None and decoded != match.group() and _plausible(decoded):
                found.append(Payload(a, b, kind, decoded))
                taken.append((a, b))
                if len(found) >= MAX_PAYLOADS:
                    return found
    return found


__all__ = ["NormalizedText", "Payload", "find_payloads", "fold_char", "normalize", "rot13"]
