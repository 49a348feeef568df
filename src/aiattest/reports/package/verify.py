"""Verify an auditor package from Python: the same checks as the shipped ``verify.py`` (it
is the same code), with failures raised as :class:`aiattest.errors.VerificationError`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiattest.errors import VerificationError
from aiattest.reports.package import standalone


@dataclass(frozen=True)
class PackageReport:
    """What a successful verification established."""

    organisation: str
    """The organisation's slug, as the manifest names it."""
    window: str
    """``FROM..TO``."""
    entries: int
    """Ledger entries checked leaf by leaf and folded into the signed root."""
    first_index: int
    """The first ledger index in the package."""
    end_index: int
    """One past the last."""
    tree_size: int
    """The size of the signed checkpoint."""
    inclusion_proofs: int
    """RFC 9162 inclusion proofs checked."""
    check_results: int
    """Check results whose items digest matched their ledger entry."""
    files: int
    """Files in the package, the manifest included."""
    key_fingerprint: str
    """``sha256:<hex>`` of the key that signed the checkpoint."""
    key_pinned: bool
    """Whether that key was checked against an expected fingerprint."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"ok": True, **self.__dict__}


def verify_package(path: Path, expected_key: str | None = None) -> PackageReport:
    """Verify the package at ``path`` (zip or extracted folder).

    ``expected_key`` pins the signing key: a ``sha256:<hex>`` fingerprint (as the build
    printed it) or a whole verifier key line. Raises VerificationError naming the file
    (and line or ledger index) at the first failure.
    """
    try:
        summary = standalone.verify_path(Path(path), expected_key)
    except standalone.PackageError as e:
        raise VerificationError(str(e), index=e.index) from e
    return PackageReport(**summary)
