"""``SecretsScanner``: provider keys, JWTs, private keys, connection strings and
high-entropy assignments, reported as type ``SECRET`` with a subtype."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity
from aiattest.guard.secrets import assignments, providers
from aiattest.guard.secrets.types import Hit

SUBTYPES: tuple[str, ...] = (
    "openai", "anthropic", "aws_access_key", "aws_secret_key", "gcp_service_account",
    "azure", "github", "gitlab", "slack", "stripe", "twilio", "sendgrid", "huggingface",
    "jwt", "private_key", "connection_string", "high_entropy",
)  # fmt: skip
"""Every subtype the scanner can report."""

_HIGH = frozenset({"jwt", "high_entropy"})


class SecretsScanner(Scanner):
    """Finds credentials in text; every finding has type ``SECRET`` and a subtype.

    Options (policy YAML): ``subtypes`` — the subtypes to report (default all of
    :data:`SUBTYPES`); ``threshold`` — minimum score (default 0.5); ``min_entropy`` —
    Shannon entropy in bits per character a value assigned to a secret-like name must
    reach (default 3.0).
    """

    name: ClassVar[str] = "secrets"

    def __init__(
        self,
        subtypes: Iterable[str] | None = None,
        threshold: float = 0.5,
        min_entropy: float = 3.0,
    ) -> None:
        chosen = tuple(subtypes) if subtypes is not None else SUBTYPES
        unknown = sorted(set(chosen) - set(SUBTYPES))
        if unknown:
            raise ScannerError(f"scanner 'secrets': unknown subtypes {unknown}")
        if not 0.0 <= threshold <= 1.0:
            raise ScannerError(f"scanner 'secrets': threshold {threshold!r} is not in [0, 1]")
        if not 0.0 < min_entropy <= 8.0:
            raise ScannerError(f"scanner 'secrets': min_entropy {min_entropy!r} not in (0, 8]")
        self.subtypes = frozenset(chosen)
        self.threshold = threshold
        self.min_entropy = min_entropy

    def hits(self, text: str) -> list[Hit]:
        """Every hit after overlap resolution, before the threshold (for benchmarks)."""
        found = providers.find_provider_keys(text)
        found += providers.find_private_keys(text)
        found += providers.find_gcp_service_accounts(text)
        found += providers.find_connection_strings(text)
        found += providers.find_aws_secret_keys(text)
        found += assignments.find_assigned_secrets(text, self.min_entropy)
        return _resolve(found)

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """SECRET findings with exact offsets; the specific subtype wins on overlap."""
        out = []
        for h in self.hits(text):
            if h.subtype not in self.subtypes or h.score < self.threshold:
                continue
            severity = Severity.HIGH if h.subtype in _HIGH else Severity.CRITICAL
            out.append(
                Finding(self.name, "SECRET", h.start, h.end, h.score, severity, subtype=h.subtype)
            )
        return out


def _resolve(hits: list[Hit]) -> list[Hit]:
    """Drop hits that overlap a better one: provider formats beat the generic entropy rule."""
    if len(hits) < 2:
        return hits

    ordered = sorted(hits, key=lambda h: (h.start, -h.end))
    kept: list[Hit] = []
    cluster: list[Hit] = []
    reach = -1
    for h in ordered:
        if cluster and h.start >= reach:
            kept.extend(_pick(cluster))
            cluster = []
        cluster.append(h)
        reach = max(reach, h.end)
    kept.extend(_pick(cluster))
    return kept


def _rank(h: Hit) -> tuple[bool, float, int]:
    return (h.subtype != "high_entropy", h.score, h.end - h.start)


def _pick(cluster: list[Hit]) -> list[Hit]:
    chosen: list[Hit] = []
    for h in sorted(cluster, key=_rank, reverse=True):
        if all(h.end <= k.start or h.start >= k.end for k in chosen):
            chosen.append(h)
    chosen.sort(key=lambda h: h.start)
    return chosen
