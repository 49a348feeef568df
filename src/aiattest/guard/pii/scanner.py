"""``PIIScanner``: runs the PII recognisers, resolves overlapping candidates and applies
the score threshold."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity
from aiattest.guard.pii import address, contextual, names, structured
from aiattest.guard.pii.types import Candidate
from aiattest.guard.pii.windows import digit_runs

PII_TYPES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "US_ITIN",
    "IBAN_CODE",
    "IP_ADDRESS",
    "MAC_ADDRESS",
    "DATE_OF_BIRTH",
    "STREET_ADDRESS",
    "PASSPORT",
    "CRYPTO_WALLET",
    "URL_CREDENTIALS",
)
"""Every entity type the scanner can report."""

SEVERITY: dict[str, Severity] = {
    "CREDIT_CARD": Severity.HIGH,
    "US_SSN": Severity.HIGH,
    "US_ITIN": Severity.HIGH,
    "IBAN_CODE": Severity.HIGH,
    "PASSPORT": Severity.HIGH,
    "URL_CREDENTIALS": Severity.HIGH,
    "IP_ADDRESS": Severity.LOW,
    "MAC_ADDRESS": Severity.LOW,
}
"""Severity per type; types not listed are MEDIUM."""


class PIIScanner(Scanner):
    """Finds personal data with validated patterns, a name gazetteer and context cues.

    Options (policy YAML): ``entities`` — the types to report (default all of
    :data:`PII_TYPES`); ``threshold`` — minimum score (default 0.5); ``thresholds`` — a
    per-type minimum that overrides it; ``phone_regions`` — ISO regions whose national
    phone formats are accepted without a ``+`` prefix (default US and GB).
    """

    name: ClassVar[str] = "pii"

    def __init__(
        self,
        entities: Iterable[str] | None = None,
        threshold: float = 0.5,
        thresholds: dict[str, float] | None = None,
        phone_regions: Iterable[str] = ("US", "GB"),
    ) -> None:
        chosen = tuple(entities) if entities is not None else PII_TYPES
        unknown = sorted(set(chosen) - set(PII_TYPES))
        if unknown:
            raise ScannerError(f"scanner 'pii': unknown entities {unknown}")
        per_type = dict(thresholds or {})
        bad = sorted(set(per_type) - set(PII_TYPES))
        if bad:
            raise ScannerError(f"scanner 'pii': thresholds for unknown entities {bad}")
        for value in [threshold, *per_type.values()]:
            if not 0.0 <= value <= 1.0:
                raise ScannerError(f"scanner 'pii': threshold {value!r} is not in [0, 1]")
        self.entities = frozenset(chosen)
        self.threshold = threshold
        self.thresholds = per_type
        self.phone_regions = tuple(r.upper() for r in phone_regions)

    def candidates(self, text: str) -> list[Candidate]:
        """Every candidate after overlap resolution, before the threshold (for benchmarks).

        Recognisers of unselected types run too: a card number must still win over the
        phone number it resembles. Unselected types are dropped afterwards, in ``scan``.
        """
        found = structured.find_url_credentials(text)
        found += structured.find_emails(text)
        runs = digit_runs(text)
        if runs is None or runs:
            found += structured.find_cards(text, runs)
            found += structured.find_ssn_itin(text, runs)
            found += structured.find_ibans(text, runs)
            found += structured.find_ips(text, runs)
            found += structured.find_macs(text, runs)
            found += structured.find_wallets(text, runs)
            found += contextual.find_phones(text, runs, self.phone_regions)
            found += contextual.find_dates_of_birth(text)
            found += contextual.find_passports(text)
            found += address.find_addresses(text, runs)
        found += names.find_persons(text)
        return resolve_overlaps(found)

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """PII findings in ``text`` with exact offsets, highest-scoring on overlaps."""
        out = []
        for c in self.candidates(text):
            if c.type not in self.entities:
                continue
            if c.score < self.thresholds.get(c.type, self.threshold):
                continue
            severity = SEVERITY.get(c.type, Severity.MEDIUM)
            out.append(Finding(self.name, c.type, c.start, c.end, round(c.score, 3), severity))
        return out


def resolve_overlaps(candidates: list[Candidate]) -> list[Candidate]:
    """Keep the best of overlapping candidates (higher score, then longer), in text order.

    Candidates are first cut into clusters of mutually reachable overlaps with one sweep,
    so the quadratic choice inside a cluster never sees more than a handful of spans.
    """
    if len(candidates) < 2:
        return candidates
    ordered = sorted(candidates, key=lambda c: (c.start, -c.end))
    kept: list[Candidate] = []
    cluster: list[Candidate] = []
    reach = -1
    for c in ordered:
        if cluster and c.start >= reach:
            kept.extend(_best(cluster))
            cluster = []
        cluster.append(c)
        reach = max(reach, c.end) if len(cluster) > 1 else c.end
    kept.extend(_best(cluster))
    return kept


def _best(cluster: list[Candidate]) -> list[Candidate]:
    if len(cluster) == 1:
        return cluster
    chosen: list[Candidate] = []
    for c in sorted(cluster, key=lambda c: (-c.score, c.start - c.end, c.start)):
        if all(c.end <= k.start or c.start >= k.end for k in chosen):
            chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen
