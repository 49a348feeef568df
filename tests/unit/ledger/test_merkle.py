"""The RFC 9162 Merkle core against published vectors and a direct transcription of the RFC.

Vectors: transparency-dev/merkle, ``proof/verify_test.go`` (the RFC 6962 reference tree of
eight leaves "", 00, 10, 2021, 3031, 40414243, 5051525354555657,
606162636465666768696a6b6c6d6e6f, its roots and proofs), and the node layout of
``proof/proof_test.go``. https://github.com/transparency-dev/merkle
"""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiattest.ledger import merkle

LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# (leaf index, tree size, proof) — the Go file numbers leaves from 1; these are from 0.
INCLUSION = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip


def _all_nodes(leaves: list[bytes]) -> dict[merkle.NodeId, bytes]:
    """Every complete subtree hash of a list of leaf hashes (what storage would hold)."""
    nodes: dict[merkle.NodeId, bytes] = {(0, i): h for i, h in enumerate(leaves)}
    level, row = 0, leaves
    while len(row) > 1:
        row = [merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
        level += 1
        nodes.update({(level, i): h for i, h in enumerate(row)})
    return nodes


def _mth(d: list[bytes]) -> bytes:
    """MTH transcribed from RFC 9162 §2.1.1 (recursive)."""
    if not d:
        return hashlib.sha256(b"").digest()
    if len(d) == 1:
        return d[0]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    return merkle.node_hash(_mth(d[:k]), _mth(d[k:]))


def _path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) transcribed from RFC 9162 §2.1.3.1."""
    if len(d) == 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _subproof(m: int, d: list[bytes], whole: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) transcribed from RFC 9162 §2.1.4.1."""
    if m == len(d):
        return [] if whole else [_mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*_subproof(m, d[:k], whole), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


def _leaf_hashes(n: int) -> list[bytes]:
    return [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


HASHED = [merkle.leaf_hash(x) for x in LEAVES]


@pytest.mark.parametrize("size", range(1, 9))
def test_roots_match_published_vectors(size: int) -> None:
    assert merkle.root_of(HASHED[:size]).hex() == ROOTS[size - 1]


def test_empty_root() -> None:
    assert merkle.root_of([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize(("index", "size", "proof"), INCLUSION)
def test_inclusion_matches_published_vectors(index: int, size: int, proof: list[str]) -> None:
    nodes = _all_nodes(HASHED[:size])
    got = merkle.materialise(merkle.inclusion_plan(index, size), nodes)
    assert [h.hex() for h in got] == proof
    root = bytes.fromhex(ROOTS[size - 1])
    merkle.verify_inclusion(index, size, HASHED[index], got, root)
    with pytest.raises(merkle.ProofError):
        merkle.verify_inclusion(index ^ 1, size, HASHED[index], got, root)


@pytest.mark.parametrize(("first", "second", "proof"), CONSISTENCY)
def test_consistency_matches_published_vectors(first: int, second: int, proof: list[str]) -> None:
    nodes = _all_nodes(HASHED[:second])
    got = merkle.materialise(merkle.consistency_plan(first, second), nodes)
    assert [h.hex() for h in got] == proof
    r1, r2 = bytes.fromhex(ROOTS[first - 1]), bytes.fromhex(ROOTS[second - 1])
    merkle.verify_consistency(first, second, r1, r2, got)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(first, second, r2, r1, got)


def test_plan_names_the_published_node_layout() -> None:
    # proof_test.go: size 7, index 0 -> b h [j i folded] ; size 95, index 81 (rehash case)
    assert merkle.inclusion_plan(0, 7) == [[(0, 1)], [(1, 1)], [(1, 2), (0, 6)]]
    assert merkle.inclusion_plan(81, 95) == [
        [(0, 80)],
        [(1, 41)],
        [(2, 21)],
        [(2, 22), (1, 46), (0, 94)],
        [(4, 4)],
        [(6, 0)],
    ]
    assert merkle.consistency_plan(5, 7) == [[(0, 4)], [(0, 5)], [(0, 6)], [(2, 0)]]


@pytest.mark.parametrize(
    ("bad", "args"),
    [
        ("index", (5, 5)),
        ("negative", (-1, 3)),
    ],
)
def test_inclusion_plan_rejects_bad_requests(bad: str, args: tuple[int, int]) -> None:
    with pytest.raises(merkle.ProofError):
        merkle.inclusion_plan(*args)


def test_verifiers_reject_malformed_proofs() -> None:
    nodes = _all_nodes(HASHED)
    root = bytes.fromhex(ROOTS[7])
    proof = merkle.materialise(merkle.inclusion_plan(3, 8), nodes)
    for bad in (proof[:-1], [*proof, root], [root, *proof], [b"x" * 31, *proof[1:]]):
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(3, 8, HASHED[3], bad, root)
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(3, 8, root, root, [])
    with pytest.raises(merkle.ProofError):
        merkle.verify_consistency(4, 4, root, bytes(32), [])
    merkle.verify_consistency(0, 8, bytes(32), root, [])


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_inclusion_generation_equals_rfc_and_verifies(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, 150))
    index = data.draw(st.integers(0, size - 1))
    leaves = _leaf_hashes(size)
    nodes = _all_nodes(leaves)
    proof = merkle.materialise(merkle.inclusion_plan(index, size), nodes)
    assert proof == _path(index, leaves)
    root = _mth(leaves)
    merkle.verify_inclusion(index, size, leaves[index], proof, root)
    if proof:
        flipped = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
        with pytest.raises(merkle.ProofError):
            merkle.verify_inclusion(index, size, leaves[index], flipped, root)


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_consistency_generation_equals_rfc_and_verifies(data: st.DataObject) -> None:
    second = data.draw(st.integers(1, 150))
    first = data.draw(st.integers(1, second))
    leaves = _leaf_hashes(second)
    nodes = _all_nodes(leaves)
    proof = merkle.materialise(merkle.consistency_plan(first, second), nodes)
    assert proof == ([] if first == second else _subproof(first, leaves, True))
    r1, r2 = _mth(leaves[:first]), _mth(leaves)
    merkle.verify_consistency(first, second, r1, r2, proof)
    if first < second:
        wrong = _mth(_leaf_hashes(first + 1)[1:]) if first > 0 else r2
        with pytest.raises(merkle.ProofError):
            merkle.verify_consistency(first, second, wrong, r2, proof)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 700))
def test_frontier_emits_every_inner_node_in_post_order(size: int) -> None:
    leaves = _leaf_hashes(size)
    emitted: list[tuple[int, int, bytes]] = []
    frontier = merkle.Frontier()
    for leaf in leaves:
        frontier.append(leaf, lambda lv, ix, h: emitted.append((lv, ix, h)))
    assert frontier.root() == _mth(leaves)
    nodes = _all_nodes(leaves)
    assert {(lv, ix): h for lv, ix, h in emitted} == {k: v for k, v in nodes.items() if k[0] > 0}
    positions = [merkle.position(lv, ix) for lv, ix, _ in emitted]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)
    ids = merkle.frontier_ids(size)
    assert merkle.Frontier(size, [nodes[i] for i in ids]).root() == frontier.root()


def test_positions_are_post_order() -> None:
    # leaf 0, leaf 1, node(1,0), leaf 2, leaf 3, node(1,1), node(2,0), leaf 4
    order = [(0, 0), (0, 1), (1, 0), (0, 2), (0, 3), (1, 1), (2, 0), (0, 4)]
    assert [merkle.position(*n) for n in order] == list(range(8))
    for pos, leaf in [(0, 0), (2, 1), (6, 3), (7, 4), (5, 3)]:
        assert merkle.leaf_of_position(pos) == leaf
