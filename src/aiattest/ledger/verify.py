"""Full verification of a stored ledger: rebuild the tree from the entries and compare.

One pass in index order, in chunks, inside one snapshot: each entry must sit at the next
index and hash to its stored leaf hash; every inner node the rebuild completes must be the
next stored node (post-order keys make both scans advance together); the rebuilt root
must equal the head; every checkpoint must carry a valid signature by the trusted key,
name this log, match the rebuilt root at its size and be consistent with its predecessor.
The first failure raises VerificationError naming the first bad log index.
"""

from __future__ import annotations

import hashlib

from aiattest.errors import ConfigError, VerificationError
from aiattest.ledger import merkle
from aiattest.ledger.interface import VerifyReport
from aiattest.ledger.note import NoteVerifier, parse_checkpoint
from aiattest.ledger.storage import LedgerStore

CHUNK = 20_000


def verify_store(
    store: LedgerStore, verifier: NoteVerifier | None, origin: str, *, chunk: int = CHUNK
) -> VerifyReport:
    """Verify everything in ``store``; checkpoints need ``verifier`` if any exist."""
    with store.connection(snapshot=True) as cur:
        size, head_root = store.head(cur)
        checkpoints = store.checkpoints(cur)
        if checkpoints and verifier is None:
            raise ConfigError(
                "the log has signed checkpoints but no public key was given to check them",
                hint="pass --key with the log's verifier key, or configure the signing key",
            )
        _check_notes(checkpoints, verifier, origin)
        rebuild = _Rebuild({s: r for s, r, _, _ in checkpoints})
        for start in range(0, size, chunk):
            end = min(start + chunk, size)
            rows = store.entries(cur, start, end, raw=True)
            nodes = store.nodes(cur, merkle.nodes_before(start), merkle.nodes_before(end), raw=True)
            rebuild.check(start, end, rows, nodes)
        root = merkle.fold(rebuild.stack) if rebuild.stack else merkle.EMPTY_ROOT
        extra = store.first_at_or_after(cur, "ledger_entries", "idx", size)
        if extra is not None:
            raise VerificationError(f"entry {extra} lies beyond the tree size {size}", index=size)
        extra = store.first_at_or_after(cur, "ledger_nodes", "pos", merkle.nodes_before(size))
        if extra is not None:
            raise VerificationError(f"stored node {extra} lies beyond the tree", index=size)
        if root != head_root:
            raise VerificationError("the rebuilt root differs from the stored head", index=size)
        _check_consistency(store, cur, checkpoints, size, head_root)
    last = checkpoints[-1][0] if checkpoints else 0
    return VerifyReport(size, root, rebuild.nodes_checked, len(checkpoints), size - last)


class _Rebuild:
    """The tree rebuilt so far (its compact range) and the checks of each chunk."""

    def __init__(self, roots_wanted: dict[int, bytes]) -> None:
        self.roots_wanted = roots_wanted
        self.stack: list[bytes] = []
        self.nodes_checked = 0

    def check(
        self,
        start: int,
        end: int,
        rows: list[tuple[int, bytes, bytes]],
        nodes: list[tuple[int, bytes]],
    ) -> None:
        """Check entries [start, end) and the inner nodes their appends completed."""
        sha256, node_hash = hashlib.sha256, merkle.node_hash
        stack, roots_wanted = self.stack, self.roots_wanted
        at, n_nodes = 0, len(nodes)
        expected = start
        for idx, stored_leaf, body in rows:
            if idx != expected:
                raise VerificationError(f"entry {expected} is missing", index=expected)
            try:
                h = sha256(b"\x00" + body).digest()
            except TypeError as e:  # a retyped column (text where bytes belong)
                raise VerificationError(f"entry {idx} is not stored as bytes", index=idx) from e
            if h != stored_leaf:
                raise VerificationError(
                    f"entry {idx} does not hash to its stored leaf hash", index=idx
                )
            if idx & 1:
                # Merge completed subtrees; in post-order they follow the leaf's own slot.
                m, level, pos = idx, 0, 2 * idx - idx.bit_count()
                while m & 1:
                    h = node_hash(stack.pop(), h)
                    m >>= 1
                    level += 1
                    if at >= n_nodes or nodes[at][0] != pos + level:
                        _node_gap(nodes, at, level, m)
                    if nodes[at][1] != h:
                        raise VerificationError(
                            f"stored node at level {level}, index {m} is wrong "
                            f"(covers entries {m << level}..{((m + 1) << level) - 1})",
                            index=m << level,
                        )
                    at += 1
            stack.append(h)
            expected = idx + 1
            if expected in roots_wanted and merkle.fold(stack) != roots_wanted[expected]:
                raise VerificationError(
                    f"checkpoint at size {expected} does not match the entries",
                    index=_previous_size(roots_wanted, expected),
                )
        if expected != end:
            raise VerificationError(f"entry {expected} is missing", index=expected)
        if at != len(nodes):
            pos = nodes[at][0]
            raise VerificationError(
                f"unexpected stored node at position {pos}", index=merkle.leaf_of_position(pos)
            )
        self.nodes_checked += at


def _node_gap(nodes: list[tuple[int, bytes]], at: int, level: int, index: int) -> None:
    if at < len(nodes) and nodes[at][0] < merkle.position(level, index):
        found = nodes[at][0]
        raise VerificationError(
            f"unexpected stored node at position {found}", index=merkle.leaf_of_position(found)
        )
    raise VerificationError(
        f"stored node at level {level}, index {index} is missing", index=index << level
    )


def _previous_size(roots: dict[int, bytes], size: int) -> int:
    """The first index not covered by an earlier checkpoint: where the bad range starts."""
    earlier = [s for s in roots if s < size]
    return max(earlier) if earlier else 0


def _check_notes(
    checkpoints: list[tuple[int, bytes, str, int]], verifier: NoteVerifier | None, origin: str
) -> None:
    """Every checkpoint row must be what its signed note says, signed by the trusted key."""
    previous = 0
    for ck_size, ck_root, note, _ in checkpoints:
        assert verifier is not None
        try:
            body = parse_checkpoint(verifier.open(note))
        except VerificationError as e:
            raise VerificationError(
                f"checkpoint at size {ck_size}: {e.message}", index=previous
            ) from e
        if body.origin != origin or body.size != ck_size or body.root != ck_root:
            raise VerificationError(
                f"checkpoint at size {ck_size} does not match its signed note", index=previous
            )
        previous = ck_size


def _check_consistency(
    store: LedgerStore,
    cur: object,
    checkpoints: list[tuple[int, bytes, str, int]],
    size: int,
    head_root: bytes,
) -> None:
    """Checkpoints lie within the log, match it, and each extends the one before."""
    previous: tuple[int, bytes] | None = None
    for ck_size, ck_root, _, _ in checkpoints:
        if ck_size > size:
            raise VerificationError(
                f"a checkpoint covers {ck_size} entries but the log holds {size}", index=size
            )
        if ck_size == size and ck_root != head_root:
            raise VerificationError(
                f"checkpoint at size {ck_size} does not match the log", index=_start_of(previous)
            )
        if previous is not None:
            plan = merkle.consistency_plan(previous[0], ck_size)
            path = merkle.materialise(plan, store.hashes(cur, merkle.plan_nodes(plan)))
            try:
                merkle.verify_consistency(previous[0], ck_size, previous[1], ck_root, path)
            except merkle.ProofError as e:
                raise VerificationError(
                    f"checkpoints at sizes {previous[0]} and {ck_size} are inconsistent",
                    index=previous[0],
                ) from e
        previous = (ck_size, ck_root)


def _start_of(previous: tuple[int, bytes] | None) -> int:
    return 0 if previous is None else previous[0]
