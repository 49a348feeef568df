"""Recognisers for PII with a rigid shape that a checksum or parser can confirm: email,
URLs with credentials, payment cards, SSN/ITIN, IBAN, IP and MAC addresses, crypto wallets.

Each pattern starts with a look-behind that refuses a start inside a longer token and uses
only bounded repetitions, so a scan is linear in the length of the text.
"""

from __future__ import annotations

import ipaddress
import re

from aiattest.guard.pii import checksums
from aiattest.guard.pii.types import Candidate
from aiattest.guard.pii.windows import NEAR, Runs, anchored, finditer, windows_around

_EMAIL = re.compile(
    r"(?<![\w.%+-])[^\W_][\w.%+-]{0,63}@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![\w-])"
)
# File names such as "logo@2x.png" have the shape of an address but a file extension as TLD.
_FILE_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "bmp", "ico", "css", "js"})

_URL_CREDS = re.compile(
    r"(?<![\w+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}://[^\s:/@\"'<>]{0,128}:[^\s/@\"'<>]{1,128}@"
    r"[A-Za-z0-9.\-\[\]:]{1,260}[^\s\"'<>)\]]{0,2000}"
)
_CARD = re.compile(r"\d(?<![\d.,-]\d)(?:[ -]?\d){11,18}(?![\d-]|[.,]\d)")
_SSN = re.compile(r"(\d(?<![\d-]\d)\d\d)([- ]?)(\d{2})\2(\d{4})(?![\d-]|[.,]\d)")
_SSN_CUE = re.compile(r"ssn|social security|social sec|tax ?id|taxpayer|tin\b|itin", re.I)
_IBAN = re.compile(
    r"[A-Z](?<![A-Za-z0-9][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?!\w)"
)
_IPV4 = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?!\.?\d|\w)")
_VERSION_CUE = re.compile(r"\b(?:version|ver\.?|v|release|build|firmware)\s*$", re.I)
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?(?![\w:])"
)
_MAC = re.compile(
    r"[0-9A-Fa-f](?<![\w:.-][0-9A-Fa-f])(?:[0-9A-Fa-f]([:-])(?:[0-9A-Fa-f]{2}\1){4}[0-9A-Fa-f]{2}"
    r"|[0-9A-Fa-f]{3}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:-]|\.\w)"
)
_BTC58 = re.compile(r"[13](?<![A-Za-z0-9][13])[1-9A-HJ-NP-Za-km-z]{25,34}(?![A-Za-z0-9])")
_BECH32 = re.compile(r"(?<![A-Za-z0-9])(?:bc1|BC1)[02-9ac-hj-np-zAC-HJ-NP-Z]{11,71}(?![A-Za-z0-9])")
_ETH = re.compile(r"(?<![A-Za-z0-9])0x[0-9a-fA-F]{40}(?![0-9a-zA-Z])")


def _local_start(text: str, at: int) -> int:
    """Start of the local part ending at ``at`` (at most 64 characters back)."""
    start = at
    while start > 0 and at - start < 64:
        ch = text[start - 1]
        if not (ch.isalnum() or ch in "._%+-"):
            break
        start -= 1
    while start < at and not text[start].isalnum():
        start += 1
    return start


def find_emails(text: str) -> list[Candidate]:
    """Email addresses with a plausible domain and a real TLD."""
    out: list[Candidate] = []
    covered = 0
    at = text.find("@")
    # Each "@" is expanded locally (bounded work), so the pattern never scans the text.
    while at != -1:
        prev = text[at - 1] if at else " "
        if not (prev.isalnum() or prev in "._%+-"):  # nothing before this "@"
            at = text.find("@", max(at + 1, covered))
            continue
        start = _local_start(text, at)
        m = _EMAIL.match(text, start) if start < at and start >= covered else None
        if m is not None:
            covered = m.end()
            value = m.group()
            tld = value.rsplit(".", 1)[1].lower()
            if tld not in _FILE_TLDS and ".." not in value:
                out.append(Candidate(m.start(), m.end(), "EMAIL_ADDRESS", 0.9))
        at = text.find("@", max(at + 1, covered))
    return out


def find_url_credentials(text: str) -> list[Candidate]:
    """URLs carrying ``user:password@`` (any scheme); the span is the whole URL."""
    if "://" not in text:
        return []
    out = []
    for m in _URL_CREDS.finditer(text):
        end = m.end()
        while end > m.start() and text[end - 1] in ".,;:!?":  # sentence punctuation
            end -= 1
        out.append(Candidate(m.start(), end, "URL_CREDENTIALS", 0.95))
    return out


def _card_span(raw: str) -> tuple[int, int] | None:
    """Offset and length of the longest run of whole groups in ``raw`` that is a valid card.

    The pattern is greedy, so "0 4111 1111 1111 1111" arrives with a stray group; runs of
    groups are tried, the one with most digits wins (a match has at most 19 groups).
    """
    seps = {c for c in raw if not c.isdigit()}
    if len(seps) > 1:
        return None
    if not seps:
        return (0, len(raw)) if checksums.credit_card_ok(raw) else None
    groups = raw.split(seps.pop())
    offsets = [0]
    for g in groups[:-1]:
        offsets.append(offsets[-1] + len(g) + 1)
    best: tuple[int, int] | None = None
    best_digits = 0
    for i in range(len(groups)):
        digits = 0
        for j in range(i, len(groups)):
            if j > i and len(groups[j - 1]) < 3:
                break  # only the last group of a card may be shorter than three digits
            digits += len(groups[j])
            if digits > 19:
                break
            candidate = "".join(groups[i : j + 1]) if digits >= 12 else ""
            if digits > best_digits and candidate and checksums.credit_card_ok(candidate):
                best, best_digits = (offsets[i], digits + j - i), digits
    return best


def find_cards(text: str, runs: Runs) -> list[Candidate]:
    """Payment card numbers: Luhn, issuer range, and one consistent separator style."""
    out = []
    for m in anchored(_CARD, text, runs):
        span = _card_span(m.group())
        if span is not None:
            start = m.start() + span[0]
            out.append(Candidate(start, start + span[1], "CREDIT_CARD", 0.95))
    return out


def find_ssn_itin(text: str, runs: Runs) -> list[Candidate]:
    """US SSNs (issued ranges) and ITINs (9xx with a valid middle group)."""
    out = []
    cue = None
    for m in anchored(_SSN, text, runs):
        number = m.group(1) + m.group(3) + m.group(4)
        sep = m.group(2)
        base = 0.85 if sep == "-" else 0.6 if sep == " " else 0.3
        if cue is None:
            cue = _SSN_CUE.search(text) is not None
        if cue and _SSN_CUE.search(text, max(0, m.start() - 40), m.start()):
            base = min(1.0, base + 0.4)
        if checksums.itin_ok(number):
            out.append(Candidate(m.start(), m.end(), "US_ITIN", base))
        elif checksums.ssn_ok(number):
            out.append(Candidate(m.start(), m.end(), "US_SSN", base))
    return out


def find_ibans(text: str, runs: Runs) -> list[Candidate]:
    """IBANs, compact or in groups of four, checked by country length and mod 97."""
    out = []
    for m in anchored(_IBAN, text, runs, (-2,)):
        raw = m.group()
        expected = checksums.IBAN_LENGTHS.get(raw[:2])
        if expected is None:
            continue
        # Cut at the country's length so a following word is not swallowed.
        count, end = 0, 0
        for i, ch in enumerate(raw):
            if ch != " ":
                count += 1
            if count == expected:
                end = i + 1
                break
        if not end or (end < len(raw) and raw[end] != " "):
            continue
        if checksums.iban_ok(raw[:end].replace(" ", "")):
            out.append(Candidate(m.start(), m.start() + end, "IBAN_CODE", 0.95))
    return out


def find_ips(text: str, runs: Runs) -> list[Candidate]:
    """IPv4 and IPv6 addresses that ``ipaddress`` accepts; version strings are skipped."""
    out = []
    if "." in text:
        for m in anchored(_IPV4, text, runs):
            try:
                ipaddress.IPv4Address(m.group())
            except ValueError:
                continue
            if _VERSION_CUE.search(text, max(0, m.start() - 12), m.start()):
                continue
            out.append(Candidate(m.start(), m.end(), "IP_ADDRESS", 0.85))
    if "::" in text or text.count(":") >= 5:
        for m in _IPV6.finditer(text):
            value = m.group()
            if len(value) < 6 or value.count(":") < 2:
                continue
            try:
                ipaddress.IPv6Address(value)
            except ValueError:
                continue
            out.append(Candidate(m.start(), m.end(), "IP_ADDRESS", 0.85))
    return out


def _maybe_mac(text: str) -> bool:
    """Cheap test: five colons or dashes, or two dots five apart ("001a.2b3c.4d5e")."""
    if text.count(":") >= 5 or text.count("-") >= 5:
        return True
    i = text.find(".")
    while i != -1:
        if text[i + 5 : i + 6] == ".":
            return True
        i = text.find(".", i + 1)
    return False


def find_macs(text: str, runs: Runs) -> list[Candidate]:
    """MAC addresses in colon, dash or Cisco dotted notation."""
    out: list[Candidate] = []
    if not _maybe_mac(text):
        return out
    for m in finditer(_MAC, text, windows_around(runs, len(text), NEAR)):
        digits = m.group().replace(":", "").replace("-", "").replace(".", "")
        if len(set(digits.lower())) > 1:  # 00:00:00:00:00:00 is a placeholder
            out.append(Candidate(m.start(), m.end(), "MAC_ADDRESS", 0.85))
    return out


def find_wallets(text: str, runs: Runs) -> list[Candidate]:
    """Bitcoin (base58check, bech32/bech32m) and Ethereum (EIP-55) addresses."""
    out = []
    for m in anchored(_BTC58, text, runs):
        if checksums.btc_base58_ok(m.group()):
            out.append(Candidate(m.start(), m.end(), "CRYPTO_WALLET", 0.95))
    if "bc1" in text or "BC1" in text:
        for m in _BECH32.finditer(text):
            if checksums.btc_bech32_ok(m.group()):
                out.append(Candidate(m.start(), m.end(), "CRYPTO_WALLET", 0.95))
    if "0x" in text:
        for m in _ETH.finditer(text):
            value = m.group()
            if checksums.eth_address_ok(value):
                mixed = value[2:].lower() != value[2:] and value[2:].upper() != value[2:]
                out.append(Candidate(m.start(), m.end(), "CRYPTO_WALLET", 0.95 if mixed else 0.8))
    return out
