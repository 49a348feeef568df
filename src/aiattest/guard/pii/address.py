"""Street addresses in US/UK ("221B Baker Street, London NW1 6XE"), German
("Hauptstraße 12, 10115 Berlin") and French ("12, rue de la Paix, 75002 Paris") formats.

A street is only taken when its type word (Street, Road, Avenue, …; -straße, -weg; rue,
avenue) is known; the city and postal code that follow widen the span and the score.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from aiattest.guard.pii.types import Candidate
from aiattest.guard.pii.windows import Runs, anchored

# House number, then up to five words; the street type word is found among them in Python.
_EN_HEAD = re.compile(
    r"\d(?<![\w-]\d)\d{0,5}[A-Za-z]?,?[ ]"
    r"(?:[A-Za-z][A-Za-z0-9'’.-]{0,24}[ ]){0,4}[A-Za-z][A-Za-z'’.]{0,24}"
)
_UNIT = (
    r"(?:,?[ ](?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Fl\.?|#)[ ]?#?[A-Za-z0-9-]{1,6})?"
)
_CITY = r"[A-Z][A-Za-z'’.-]{1,24}(?:[ ][A-Z][A-Za-z'’.-]{1,24}){0,3}"
_US_ZIP = r"[A-Z]{2}[ ]\d{5}(?:-\d{4})?"
_UK_POST = r"[A-Z]{1,2}\d[A-Z\d]?[ ]?\d[A-Z]{2}"
_EN_TAIL = re.compile(rf"{_UNIT}(?P<city>,[ ]{_CITY},?[ ](?:{_US_ZIP}|{_UK_POST}))?(?![\w])")
# German addresses are found from the house number back: a space and a number, then the
# word before it must end in a street type (Hauptstraße 12, Am Ring 5, Berliner Str. 7).
_DE_NUMBER = re.compile(
    r"[ ]\d{1,4}(?:[a-z]|[-/]\d{1,4})?(?P<city>,?[ ]\d{5}[ ][A-ZÄÖÜ][\wäöüß-]{1,30})?(?![\w])"
)
_DE_SUFFIXES = ("straße", "strasse", "str.", "weg", "gasse", "platz", "allee", "ring", "damm",
                "ufer", "chaussee")  # fmt: skip
_DE_SEPARATE = frozenset({"Straße", "Strasse", "Str.", "Weg", "Platz", "Allee", "Gasse", "Ring"})
_FR = re.compile(
    r"\d(?<![\w-]\d)\d{0,3}(?:[ ]?(?:bis|ter))?,?[ ](?i:rue|avenue|av\.|boulevard|bd|place|"
    r"chemin|allée|impasse|quai|cours|route)[ ](?:(?:de|du|des|la|le|les|aux?)[ ]|[dl]['’]){0,3}"
    r"[A-ZÀ-Ý][\w'’-]{1,24}(?:[ ](?:(?:de|du|des|la|le)[ ])?[A-ZÀ-Ý][\w'’-]{1,24}){0,2}"
    r"(?P<city>,[ ]\d{5}[ ][A-ZÀ-Ý][\w-]{1,30})?(?![\w])"
)


def _word_start(text: str, end: int) -> int:
    """Start of the run of non-blank characters ending at ``end`` (at most 45 back)."""
    i = end
    while i > 0 and end - i < 45 and not text[i - 1].isspace():
        i -= 1
    return i


def _german(text: str, runs: Runs) -> list[Candidate]:
    out = []
    for m in anchored(_DE_NUMBER, text, runs, (-1,)):
        end_word = m.start()
        if end_word == 0 or not (text[end_word - 1].isalpha() or text[end_word - 1] == "."):
            continue  # a street name ends in a letter or "Str."
        start = _word_start(text, end_word)
        word = text[start:end_word]
        if word in _DE_SEPARATE and start > 1:
            start = _word_start(text, start - 1)
        elif not (len(word) > 4 and word.lower().endswith(_DE_SUFFIXES)):
            continue
        if start == end_word or not text[start].isupper() or (start and text[start - 1] == "-"):
            continue
        score = 0.9 if m.group("city") else 0.75
        out.append(Candidate(start, m.end(), "STREET_ADDRESS", score))
    return out


_COMMON_TYPES = frozenset(
    {"street", "st", "avenue", "ave", "av", "road", "rd", "boulevard", "blvd", "lane", "ln",
     "drive", "dr", "court", "ct", "place", "pl", "way", "terrace", "ter", "crescent", "cres",
     "close", "square", "sq", "highway", "hwy", "parkway", "pkwy", "circle", "cir", "trail",
     "trl", "row", "walk", "mews", "gardens", "gdns", "grove", "hill", "park", "plaza"}
)  # fmt: skip
_ADDRESS_CUES = ("at", "to", "address", "address:", "addr:", "live", "lives", "located",
                 "ship", "deliver", "send", "visit", "from", "moved", "in", "on")  # fmt: skip


def _ends_with_word(before: str, words: tuple[str, ...]) -> bool:
    """True when the last word of ``before`` (lower case) is one of ``words``."""
    tail = before.rstrip().rsplit(None, 1)
    return bool(tail) and tail[-1].lower() in words


@cache
def _suffixes() -> frozenset[str]:
    path = resources.files("aiattest.guard.pii").joinpath("data", "street_suffixes.txt")
    return frozenset(path.read_text(encoding="utf-8").split())


def _english(text: str, runs: Runs) -> list[Candidate]:
    suffixes = _suffixes()
    out = []
    for m in anchored(_EN_HEAD, text, runs):
        words = list(re.finditer(r"[^ ]+", m.group()))[1:]
        if not words or not words[0].group()[0].isupper():
            continue
        end = None
        street_type = ""
        for w in words:
            if w.group().rstrip(".,").lower() in suffixes and w is not words[0]:
                end = m.start() + w.start() + len(w.group().rstrip(","))
                street_type = w.group().rstrip(",")
                break
            if not w.group()[0].isupper() and not w.group()[0].isdigit():
                break
        if end is None:
            continue
        tail = _EN_TAIL.match(text, end)
        # A rare street type ("12 Main Points") needs an address cue or a city and code.
        common = street_type.rstrip(".").lower() in _COMMON_TYPES
        cued = _ends_with_word(text[max(0, m.start() - 24) : m.start()], _ADDRESS_CUES)
        score = 0.75 if common or cued else 0.45
        if tail is not None and tail.end() > end:
            end = tail.end()
            if tail.group("city"):
                score = 0.9
        out.append(Candidate(m.start(), end, "STREET_ADDRESS", score))
    return out


def find_addresses(text: str, runs: Runs) -> list[Candidate]:
    """STREET_ADDRESS candidates in the English, German and French formats."""
    out = _english(text, runs)
    out += _german(text, runs)
    for m in anchored(_FR, text, runs):
        score = 0.9 if m.group("city") else 0.7
        out.append(Candidate(m.start(), m.end(), "STREET_ADDRESS", score))
    return out
