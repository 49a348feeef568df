"""Values that cross the ledger seam: proofs, checkpoints, stored entries, verify reports."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


@dataclass(frozen=True)
class InclusionProof:
    """RFC 9162 inclusion proof of one leaf in a tree of a given size."""

    index: int
    """The leaf index."""
    tree_size: int
    """The size of the tree the proof is for."""
    leaf_hash: bytes
    """SHA-256(0x00 || entry)."""
    root: bytes
    """The root of the tree of ``tree_size`` leaves."""
    path: tuple[bytes, ...]
    """The audit path, deepest sibling first."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (hashes in standard base64, as checkpoints carry them)."""
        return {
            "leaf_index": self.index,
            "tree_size": self.tree_size,
            "leaf_hash": _b64(self.leaf_hash),
            "root_hash": _b64(self.root),
            "inclusion_path": [_b64(h) for h in self.path],
        }


@dataclass(frozen=True)
class ConsistencyProof:
    """RFC 9162 consistency proof between two tree sizes."""

    first_size: int
    """The older (smaller) tree size."""
    second_size: int
    """The newer tree size."""
    first_root: bytes
    """Root of the older tree."""
    second_root: bytes
    """Root of the newer tree."""
    path: tuple[bytes, ...]
    """The consistency path."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "first_size": self.first_size,
            "second_size": self.second_size,
            "first_root_hash": _b64(self.first_root),
            "second_root_hash": _b64(self.second_root),
            "consistency_path": [_b64(h) for h in self.path],
        }


@dataclass(frozen=True)
class Checkpoint:
    """A signed checkpoint as stored."""

    tree_size: int
    """Number of leaves covered."""
    root: bytes
    """Root hash at that size."""
    note: str
    """The C2SP signed note (checkpoint body and signature line)."""
    created_ms: int
    """When it was signed (UTC ms)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "tree_size": self.tree_size,
            "root_hash": _b64(self.root),
            "created_ms": self.created_ms,
            "note": self.note,
        }


@dataclass(frozen=True)
class StoredEntry:
    """An entry as stored: index, leaf hash and canonical bytes."""

    index: int
    """Log index."""
    leaf_hash: bytes
    """SHA-256(0x00 || body)."""
    body: bytes
    """RFC 8785 canonical JSON."""

    def record(self) -> dict[str, Any]:
        """The body parsed as JSON."""
        value = json.loads(self.body)
        assert isinstance(value, dict)
        return value

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict: index, leaf hash (hex) and the record."""
        return {"index": self.index, "leaf_hash": self.leaf_hash.hex(), "entry": self.record()}


@dataclass(frozen=True)
class VerifyReport:
    """What a full verification checked."""

    tree_size: int
    """Leaves rebuilt and checked."""
    root: bytes
    """The rebuilt root, equal to the stored head."""
    nodes_checked: int
    """Stored inner nodes compared with the rebuilt ones."""
    checkpoints_checked: int
    """Checkpoints whose signature, root and consistency were checked."""
    unsigned_tail: int
    """Entries after the newest checkpoint (not yet covered by a signature)."""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "ok": True,
            "tree_size": self.tree_size,
            "root_hash": _b64(self.root),
            "nodes_checked": self.nodes_checked,
            "checkpoints_checked": self.checkpoints_checked,
            "unsigned_tail": self.unsigned_tail,
        }
