"""The RFC 9162 §2.1 Merkle tree: hashes, roots, inclusion and consistency proofs (pure, no I/O).

Proof *generation* is split in two so that storage can answer it with O(log n) reads: a
``*_plan`` function lists, per proof element, the complete subtrees (``NodeId``) whose
hashes make it up; :func:`materialise` folds fetched hashes into the proof. A range that
is not a complete subtree (the right edge of the tree) is the right fold of the complete
subtrees of its binary decomposition, which is exactly what the RFC's MTH of that range is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()
"""MTH({}) = SHA-256 of the empty string."""

NodeId = tuple[int, int]
"""A complete subtree: (level, index); it covers leaves [index * 2**level, (index+1) * 2**level)."""


class ProofError(ValueError):
    """A proof request or a proof is malformed (bad sizes or indices, wrong lengths)."""


def leaf_hash(data: bytes) -> bytes:
    """SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[NodeId]:
    """The complete subtrees that make up leaves [start, end), largest (leftmost) first.

    Valid for the ranges the RFC recursion produces, whose start is aligned to a power of
    two at least as large as the range.
    """
    nodes: list[NodeId] = []
    while start < end:
        level = (end - start).bit_length() - 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The MTH of a range from the hashes of its complete subtrees (left to right)."""
    result = hashes[-1]
    for h in reversed(hashes[:-1]):
        result = node_hash(h, result)
    return result


def inclusion_plan(index: int, size: int) -> list[list[NodeId]]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3.1, as subtrees per element (deepest first)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    plan: list[list[NodeId]] = []
    start, n, m = 0, size, index
    # Walk from the root down, then reverse: the RFC lists the deepest sibling first.
    while n > 1:
        k = _split(n)
        if m < k:
            plan.append(range_nodes(start + k, start + n))
            n = k
        else:
            plan.append(range_nodes(start, start + k))
            start, n, m = start + k, n - k, m - k
    plan.reverse()
    return plan


def consistency_plan(first: int, second: int) -> list[list[NodeId]]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4.1, as subtrees per element."""
    if not 0 <= first <= second:
        raise ProofError(f"cannot prove consistency from size {first} to size {second}")
    if first in (0, second):
        return []
    plan: list[list[NodeId]] = []
    start, n, m, whole = 0, second, first, True
    while m != n:
        k = _split(n)
        if m <= k:
            plan.append(range_nodes(start + k, start + n))
            n = k
        else:
            plan.append(range_nodes(start, start + k))
            start, n, m, whole = start + k, n - k, m - k, False
    if not whole:
        plan.append(range_nodes(start, start + m))
    plan.reverse()
    return plan


def materialise(plan: Sequence[Sequence[NodeId]], hashes: Mapping[NodeId, bytes]) -> list[bytes]:
    """Turn a plan into the proof's hashes, given the hash of every node it names."""
    return [fold([hashes[node] for node in element]) for element in plan]


def plan_nodes(plan: Iterable[Sequence[NodeId]]) -> set[NodeId]:
    """Every distinct node a plan needs."""
    return {node for element in plan for node in element}


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 §2.1.3.2: raise ProofError unless ``proof`` puts ``leaf`` at ``index``."""
    if root_from_inclusion(index, size, leaf, proof) != root:
        raise ProofError("inclusion proof does not lead to the expected root")


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """The root an inclusion proof leads to (RFC 9162 §2.1.3.2 steps 1-5)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is outside a tree of size {size}")
    _check_lengths([leaf, *proof])
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is too short")
    return r


def verify_consistency(  # noqa: PLR0912 - the RFC's steps, one by one
    first: int, second: int, first_root: bytes, second_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 §2.1.4.2: raise ProofError unless ``proof`` shows tree ``first`` is a prefix."""
    if not 0 <= first <= second:
        raise ProofError(f"cannot prove consistency from size {first} to size {second}")
    _check_lengths([first_root, second_root, *proof])
    if first == second:
        if proof or first_root != second_root:
            raise ProofError("equal sizes need equal roots and an empty proof")
        return
    if first == 0:
        if proof:
            raise ProofError("consistency from the empty tree needs an empty proof")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_root)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0 or fr != first_root or sr != second_root:
        raise ProofError("consistency proof does not match the two roots")


def _check_lengths(hashes: Iterable[bytes]) -> None:
    if any(len(h) != HASH_SIZE for h in hashes):
        raise ProofError(f"every hash must be {HASH_SIZE} bytes")


def position(level: int, index: int) -> int:
    """Where node (level, index) sits in post-order: the order appends complete nodes.

    Appending leaf m completes leaf m and then its ancestors level by level; before it,
    ``2m - popcount(m)`` nodes exist. Storing nodes under this key makes a scan in key
    order follow the leaves, and a node's key never changes as the log grows.
    """
    m = ((index + 1) << level) - 1
    return 2 * m - m.bit_count() + level


def nodes_before(size: int) -> int:
    """How many nodes (leaves included) a tree of ``size`` leaves has stored."""
    return 2 * size - size.bit_count()


def leaf_of_position(pos: int) -> int:
    """The leaf whose append completed the node stored at ``pos``."""
    lo, hi = 0, pos + 1
    while lo < hi:  # the largest m with nodes_before(m) <= pos
        mid = (lo + hi + 1) // 2
        if nodes_before(mid) <= pos:
            lo = mid
        else:
            hi = mid - 1
    return lo


def frontier_ids(size: int) -> list[NodeId]:
    """The complete subtrees that make up a tree of ``size`` leaves, largest first."""
    return range_nodes(0, size)


class Frontier:
    """The compact range [0, size): one hash per complete subtree; appends emit new nodes."""

    __slots__ = ("hashes", "size")

    def __init__(self, size: int = 0, hashes: Sequence[bytes] = ()) -> None:
        if len(hashes) != size.bit_count():
            raise ProofError(f"a frontier of size {size} has {size.bit_count()} hashes")
        self.size = size
        self.hashes = list(hashes)

    def append(self, leaf: bytes, emit: Callable[[int, int, bytes], None] | None = None) -> None:
        """Add a leaf hash; ``emit(level, index, hash)`` is told every completed inner node."""
        index, level, h = self.size, 0, leaf
        while index & 1:
            h = node_hash(self.hashes.pop(), h)
            index >>= 1
            level += 1
            if emit is not None:
                emit(level, index, h)
        self.hashes.append(h)
        self.size += 1

    def root(self) -> bytes:
        """MTH of the leaves so far."""
        return fold(self.hashes) if self.hashes else EMPTY_ROOT

    def copy(self) -> Frontier:
        """An independent copy."""
        return Frontier(self.size, self.hashes)


def root_of(leaves: Iterable[bytes]) -> bytes:
    """MTH of a list of leaf hashes."""
    frontier = Frontier()
    for leaf in leaves:
        frontier.append(leaf)
    return frontier.root()
