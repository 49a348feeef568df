"""Recognisers that need context or a parser: phone numbers (``phonenumbers``), dates of
birth (a valid date near a birth cue) and passport numbers (near a passport cue).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date
from functools import cache

import phonenumbers

from aiattest.guard.pii.types import Candidate
from aiattest.guard.pii.windows import Runs, anchored

# One character class repeated with a bounded count: at most ~24 steps of backtracking
# per start, and starts inside a digit run are refused by the look-behind.
_PHONE = re.compile(r"[+(\d](?<![\w+\-.(][+(\d])[\d ().\-]{5,22}\d(?![\w-]|\.\d)")
_NOT_PHONE_SHAPE = re.compile(
    r"\d{3}-\d{2}-\d{4}|\d{1,3}(?:\.\d{1,3}){3}|\d{1,4}[./-]\d{1,2}[./-]\d{2,4}|\d{13,19}"
)
# Words before a number that make it a phone number, or something else ("order 4155552671").
_PHONE_CUES = frozenset(
    {"phone", "tel", "telephone", "mobile", "cell", "fax", "call", "text", "sms", "whatsapp",
     "reach", "number", "contact", "dial", "ring"}
)  # fmt: skip
_PHONE_ANTI = frozenset(
    {"order", "invoice", "ticket", "account", "acct", "ref", "reference", "tracking", "serial",
     "case", "id", "isbn", "sku", "po", "confirmation", "transaction", "version", "build"}
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")


def _words_before(before: str, reach: int) -> set[str]:
    """Lower-case words of the current line of ``before`` ending within ``reach`` characters
    of its end (set lookups instead of an end-anchored regex over the window)."""
    tail = before[-(reach + 16) :].lower()
    tail = tail[tail.rfind("\n") + 1 :]
    size = len(tail)
    return {m.group() for m in _WORD.finditer(tail) if size - m.end() <= reach}


_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DATE = re.compile(
    r"(?<![\w/.-])(?:(?P<a>\d{1,4})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{2,4})"
    rf"|(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?(?P<m1>{_MONTH})\.?,?\s(?P<y1>\d{{4}})"
    rf"|(?P<m2>{_MONTH})\.?\s(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s(?P<y2>\d{{4}}))(?![\w/-])",
    re.I,
)
# Cheap substring prefilter (on the lower-cased text) before any date pattern runs.
_BIRTH_WORDS = ("born", "birth", "dob", "d.o.b", "geb", "naissance", "né", "née", " nee ",
                "nacimiento", "nascita")  # fmt: skip
_BIRTH_CUE = re.compile(
    r"born|birth|birthday|\bdob\b|d\.o\.b\.?|geboren|geb\.|naissance|\bn[ée]e? le\b|"
    r"nacimiento|nascita",
    re.I,
)
_PASSPORT_WORDS = ("passport", "pass no", "pass. no", "pasaporte", "passeport", "reisepass",
                   "passaporto")  # fmt: skip
_PASSPORT_NEAR = re.compile(
    r"(?:passport|pass\.? no|pasaporte|passeport|reisepass|passaporto)[^\n;]{0,30}$", re.I
)
_PASSPORT = re.compile(r"[A-Z0-9](?<![A-Za-z0-9-][A-Z0-9])[A-Z0-9]{5,8}(?![A-Za-z0-9-])")


def find_phones(text: str, runs: Runs, regions: tuple[str, ...]) -> list[Candidate]:
    """Phone numbers that ``phonenumbers`` says are valid (international or in ``regions``)."""
    out = []
    for m in anchored(_PHONE, text, runs, lead="+("):
        raw = m.group().rstrip(" .-(")
        digits = sum(c.isdigit() for c in raw)
        if not 7 <= digits <= 15 or raw.count("(") != raw.count(")"):
            continue
        if 2 * (len(raw) - digits) > digits + 2:
            continue  # "1 2 3 4 5 6 7": more separators than real numbers ever have
        if _NOT_PHONE_SHAPE.fullmatch(raw):
            continue  # SSN, IPv4 and date shapes: skip the (costly) phone parser
        start = m.start()
        before = text[max(0, start - 40) : start]
        if _words_before(before, 12) & _PHONE_ANTI:
            continue
        intl = raw.startswith(("+", "00"))
        if not _valid_phone_cached(raw, intl, regions):
            continue
        end = start + len(raw)
        formatted = any(c in raw for c in " ().-")
        score = 0.8 if intl else 0.7 if formatted else 0.4
        if _words_before(before, 40) & _PHONE_CUES:
            score = min(1.0, score + 0.2)
        out.append(Candidate(start, end, "PHONE_NUMBER", score))
    return out


# Chat histories are re-scanned every turn, so the same numbers come back; the parser
# costs ~50 µs a call. Keys are keyed digests, so the cache holds no phone number itself.
_PHONE_CACHE: dict[bytes, bool] = {}
_PHONE_CACHE_MAX = 4096
_CACHE_KEY = secrets.token_bytes(16)


def _valid_phone_cached(raw: str, intl: bool, regions: tuple[str, ...]) -> bool:
    key = hashlib.blake2b(f"{regions}|{raw}".encode(), key=_CACHE_KEY, digest_size=16).digest()
    hit = _PHONE_CACHE.get(key)
    if hit is None:
        hit = _valid_phone(raw, intl, regions)
        if len(_PHONE_CACHE) >= _PHONE_CACHE_MAX:
            _PHONE_CACHE.clear()
        _PHONE_CACHE[key] = hit
    return hit


@cache
def _trunk_prefix(region: str) -> tuple[int, str | None]:
    """Country code and national (trunk) prefix of ``region`` from phonenumbers' metadata."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return 0, None
    return meta.country_code or 0, meta.national_prefix


def _plausible_in(region: str, first_digit: str) -> bool:
    """Cheap pre-check before the parser: national numbers of trunk-prefix-0 countries
    start with 0, and North American numbers never do."""
    code, prefix = _trunk_prefix(region)
    if prefix == "0":
        return first_digit == "0"
    return not (code == 1 and first_digit == "0")


def _valid_phone(raw: str, intl: bool, regions: tuple[str, ...]) -> bool:
    """True when ``phonenumbers`` accepts ``raw`` (international, or in one of ``regions``)."""
    if intl:
        attempts: list[tuple[str, str | None]] = [
            ("+" + raw[2:] if raw.startswith("00") else raw, None)
        ]
    else:
        first = next((c for c in raw if c.isdigit()), "")
        attempts = [(raw, region) for region in regions if _plausible_in(region, first)]
    for text, region in attempts:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number) and not _placeholder(str(number.national_number)):
            return True
    return False


def _placeholder(national: str) -> bool:
    """Digit runs people write as dummies: 123-456-7890, 555-555-5555, 000-…"""
    return (
        len(set(national)) <= 2
        or national in "01234567890123456789"
        or (national in "98765432109876543210")
    )


def _valid(y: int, mo: int, d: int) -> bool:
    if y < 100:
        y += 1900 if y > 30 else 2000
    if not 1900 <= y <= 2030:
        return False
    try:
        date(y, mo, d)
    except ValueError:
        return False
    return True


def _date_ok(m: re.Match[str]) -> bool:
    if m.group("a"):
        a, b, c = int(m.group("a")), int(m.group("b")), int(m.group("c"))
        if len(m.group("a")) == 4:
            return _valid(a, b, c)
        if len(m.group("c")) == 3:
            return False
        return _valid(c, a, b) or _valid(c, b, a)  # US month-first or day-first
    if m.group("m1"):
        return _valid(int(m.group("y1")), _month(m, "m1"), int(m.group("d1")))
    return _valid(int(m.group("y2")), _month(m, "m2"), int(m.group("d2")))


def _month(m: re.Match[str], group: str) -> int:
    name = m.group(group).lower()
    return _MONTHS.get(name[:4], _MONTHS[name[:3]])


def find_dates_of_birth(text: str) -> list[Candidate]:
    """Valid calendar dates that follow a birth cue ("born", "DOB", "date of birth")."""
    low = text.lower()
    if not any(cue in low for cue in _BIRTH_WORDS):
        return []
    out: list[Candidate] = []
    seen: set[int] = set()
    # Dates are only looked for in a short window after each cue, so prose full of
    # ordinary dates costs nothing and the date pattern never sees the whole text.
    for cue in _BIRTH_CUE.finditer(text):
        window_end = min(len(text), cue.end() + 45)
        for m in _DATE.finditer(text, cue.end(), min(len(text), window_end + 30)):
            if m.start() > window_end:
                break
            if m.start() in seen:
                continue
            gap = text[cue.end() : m.start()]
            if "\n" in gap or ". " in gap or not _date_ok(m):
                continue
            seen.add(m.start())
            out.append(Candidate(m.start(), m.end(), "DATE_OF_BIRTH", 0.85))
    return out


def find_passports(text: str) -> list[Candidate]:
    """Passport numbers (6-9 upper-case letters and digits, mostly digits) after a cue."""
    low = text.lower()
    if not any(cue in low for cue in _PASSPORT_WORDS):
        return []
    out = []
    for m in _PASSPORT.finditer(text):
        value = m.group()
        digits = sum(c.isdigit() for c in value)
        if digits < 5 or len(value) - digits > 4:
            continue
        if _PASSPORT_NEAR.search(text, max(0, m.start() - 45), m.start()):
            out.append(Candidate(m.start(), m.end(), "PASSPORT", 0.85))
    return out
