"""The evidence ledger: an RFC 9162 Merkle log with signed C2SP checkpoints and proofs.

``Ledger`` is the seam; ``merkle``, ``canonical``, ``entries`` and ``note`` are the pure
core (no I/O); ``storage`` holds the SQL; ``verify`` and ``export`` check and ship it.
"""

from aiattest.ledger.entries import Entry, EntryKind, LogIndex, SealedEntry, seal
from aiattest.ledger.interface import (
    Checkpoint,
    ConsistencyProof,
    InclusionProof,
    StoredEntry,
    VerifyReport,
)
from aiattest.ledger.log import Ledger

__all__ = [
    "Checkpoint",
    "ConsistencyProof",
    "Entry",
    "EntryKind",
    "InclusionProof",
    "Ledger",
    "LogIndex",
    "SealedEntry",
    "StoredEntry",
    "VerifyReport",
    "seal",
]
