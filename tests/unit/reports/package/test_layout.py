"""The package's pure helpers against the ledger's own: canonical JSON, the compact range
proof, inclusion proofs, the manifest's byte form and statement, extra-file paths."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aiattest.errors import InputError
from aiattest.ledger import merkle
from aiattest.ledger.canonical import canonical_json, format_number
from aiattest.reports.package import layout, standalone
from aiattest.reports.package.contents import check_path

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_canonical_matches_the_ledgers_rfc8785(value: Any) -> None:
    assert layout.canonical(value) == canonical_json(value)


@pytest.mark.parametrize(
    "value", [1e21, 1e-7, 123456789012345680000.0, 0.000001, -0.5, 5e-324, 1.7976931348623157e308]
)
def test_es_number_matches_ecmascript(value: float) -> None:
    assert layout.es_number(value) == format_number(value)


def test_es_number_known_vectors() -> None:
    # From RFC 8785 appendix B (IEEE 754 doubles and their ECMAScript strings).
    assert layout.es_number(1e21) == "1e+21"
    assert layout.es_number(1e20) == "100000000000000000000"
    assert layout.es_number(0.000001) == "0.000001"
    assert layout.es_number(1e-7) == "1e-7"
    assert layout.es_number(-0.0) == "0"


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(b"entry %d" % i) for i in range(n)]


def _subtree(leaves: list[bytes], level: int, index: int) -> bytes:
    return merkle.root_of(leaves[index << level : (index + 1) << level])


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 31, 64, 100])
def test_compact_range_rebuilds_the_root_for_every_range(size: int) -> None:
    leaves = _leaves(size)
    root = merkle.root_of(leaves)
    for first in range(size + 1):
        for end in range(first, size + 1):
            left = layout.left_nodes(first)
            right = layout.right_nodes(end, size)
            stack = layout.Stack([_subtree(leaves, lv, ix) for lv, ix in left], first)
            for leaf in leaves[first:end]:
                stack.push(leaf)
            for lv, ix in right:
                assert (ix + 1) << lv <= size  # a complete subtree the ledger stores
                stack.push(_subtree(leaves, lv, ix), lv)
            assert stack.size == size
            assert stack.root() == root, (first, end)


def test_compact_range_is_logarithmic_and_detects_a_wrong_leaf() -> None:
    size, first, end = 1_000_003, 1_234, 987_654
    assert len(layout.left_nodes(first)) + len(layout.right_nodes(end, size)) <= 2 * 20
    leaves = _leaves(40)
    stack = layout.Stack([_subtree(leaves, 3, 0)], 8)
    for leaf in [*leaves[8:20], merkle.leaf_hash(b"forged"), *leaves[21:40]]:
        stack.push(leaf)
    assert stack.root() != merkle.root_of(leaves)


def test_root_from_inclusion_agrees_with_the_ledger() -> None:
    rng = random.Random(7)
    for size in (1, 2, 5, 17, 64, 99):
        leaves = _leaves(size)
        root = merkle.root_of(leaves)
        for index in {0, size - 1, rng.randrange(size)}:
            plan = merkle.inclusion_plan(index, size)
            nodes = {n: _subtree(leaves, *n) for n in merkle.plan_nodes(plan)}
            path = merkle.materialise(plan, nodes)
            assert layout.root_from_inclusion(index, size, leaves[index], path) == root
            if path:
                with pytest.raises(ValueError, match="too short"):
                    layout.root_from_inclusion(index, size, leaves[index], path[:-1])


def test_entry_line_is_json_with_the_leaf_bytes_verbatim() -> None:
    import json

    body = b'{"actor":"svc","kind":"evidence","payload":{"n":1}}'
    line = layout.entry_line(42, merkle.leaf_hash(body), body)
    parsed = json.loads(line)
    assert parsed["index"] == 42
    assert parsed["leaf_hash"] == merkle.leaf_hash(body).hex()
    assert line.endswith(b'"body":' + body + b"}\n")
    assert layout.top_kind(body) == "evidence"
    # A payload key that spells a proven kind does not make an audit event one.
    nested = b'{"actor":"svc","kind":"audit_event","payload":{"kind":"evidence"}}'
    assert layout.top_kind(nested) is None


def _manifest() -> dict[str, Any]:
    return {
        "format": layout.FORMAT, "generator": "aiattest 1", "created": "2026-01-01T00:00:00Z",
        "organisation": {"id": "x", "slug": "acme", "name": "Acme"},
        "window": {"start": "2026-01-01", "end": "2026-01-31"},
        "ledger": {"origin": "o", "key_fingerprint": "sha256:00", "first_index": 1,
                   "end_index": 5, "tree_size": 9, "package_index": 8},
        "files": {layout.CHECKPOINT: {"sha256": "0" * 64, "size": 1},
                  "policies/a.md": {"sha256": "1" * 64, "size": 2}},
    }  # fmt: skip


def test_statement_leaves_out_only_what_the_checkpoint_fixes() -> None:
    manifest = _manifest()
    statement = layout.statement(manifest)
    assert "tree_size" not in statement["ledger"]
    assert "package_index" not in statement["ledger"]
    assert list(statement["files"]) == ["policies/a.md"]
    digest = layout.statement_digest(manifest)
    manifest["ledger"]["tree_size"] = 10
    manifest["files"][layout.CHECKPOINT]["size"] = 2
    assert layout.statement_digest(manifest) == digest
    manifest["organisation"]["name"] = "Acne"
    assert layout.statement_digest(manifest) != digest


def test_manifest_bytes_are_one_spelling() -> None:
    raw = layout.manifest_bytes(_manifest())
    assert raw.endswith(b"}\n")
    assert raw.index(b'"created"') < raw.index(b'"files"')  # keys sorted


@pytest.mark.parametrize(
    "path", ["", "/etc/passwd", "../x", "a/../b", "a//b", "a\\b", "./a", "ledger/extra.txt",
             "manifest.json", "verify.py", "x/__pycache__/y"],
)  # fmt: skip
def test_unsafe_or_reserved_extra_paths_are_refused(path: str) -> None:
    with pytest.raises(InputError):
        check_path(path)


def test_plain_extra_paths_are_accepted() -> None:
    check_path("populations/keys.csv")
    check_path("oscal/ssp.json")


def _entries_file(folder: Path, first: int, end: int) -> tuple[list[bytes], bytes]:
    bodies = [b'{"kind":"%s","n":%d}' % (b"evidence" if i % 50 == 0 else b"audit_event", i)
              for i in range(end)]  # fmt: skip
    data = b"".join(
        layout.entry_line(i, merkle.leaf_hash(bodies[i]), bodies[i]) for i in range(first, end)
    )
    (folder / "ledger").mkdir(exist_ok=True)
    (folder / layout.ENTRIES).write_bytes(data)
    return [merkle.leaf_hash(b) for b in bodies], data


def test_entries_fold_across_index_widths(tmp_path: Path) -> None:
    first, end = 95, 10_012  # widths 2, 3, 4 and 5 digits
    leaves, data = _entries_file(tmp_path, first, end)
    listed = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    left = [
        merkle.root_of(leaves[ix << lv : (ix + 1) << lv]) for lv, ix in layout.left_nodes(first)
    ]
    stack = layout.Stack(left, first)
    proven = standalone._entries(layout.Source(tmp_path), listed, first, end, stack)
    assert stack.root() == merkle.root_of(leaves)
    assert sorted(proven) == [i for i in range(first, end) if i % 50 == 0]


def test_a_bad_entry_line_is_named(tmp_path: Path) -> None:
    _, data = _entries_file(tmp_path, 0, 300)
    lines = data.splitlines(keepends=True)
    lines[123] = lines[123].replace(b'"n":123', b'"n":124')
    tampered = b"".join(lines)
    (tmp_path / layout.ENTRIES).write_bytes(tampered)
    listed = {"sha256": hashlib.sha256(tampered).hexdigest(), "size": len(tampered)}
    with pytest.raises(layout.PackageError, match=r"entries\.jsonl line 124 \(index 123\)"):
        standalone._entries(layout.Source(tmp_path), listed, 0, 300, layout.Stack([], 0))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 300), st.lists(st.integers(0, 70), max_size=6))
def test_extend_equals_pushing_leaf_by_leaf(start: int, batches: list[int]) -> None:
    leaves = _leaves(start + sum(batches))
    one = layout.Stack([], 0)
    for leaf in leaves[:start]:
        one.push(leaf)
    many = layout.Stack(list(one.hashes), start)
    at = start
    for n in batches:
        many.extend(leaves[at : at + n])
        for leaf in leaves[at : at + n]:
            one.push(leaf)
        at += n
        assert (many.size, many.hashes) == (one.size, one.hashes)
    assert many.root() == merkle.root_of(leaves)
