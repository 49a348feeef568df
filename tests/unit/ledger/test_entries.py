"""Entries: canonical leaf bytes, sealed personal fields, and input checks."""

from __future__ import annotations

import json

import pytest

from aiattest.errors import InputError
from aiattest.ledger.canonical import canonical_json
from aiattest.ledger.entries import Entry, EntryKind, Secret, confirm, seal
from aiattest.ledger.merkle import leaf_hash


def _counter_bytes() -> object:
    state = {"n": 0}

    def random_bytes(n: int) -> bytes:
        state["n"] += 1
        return bytes([state["n"]]) * n

    return random_bytes


def test_leaf_is_canonical_json_and_never_holds_private_values() -> None:
    entry = Entry(
        EntryKind.AUDIT_EVENT, 1_700_000_000_000, "svc:gateway", ("req-1",),
        {"status": 200, "tokens": 12}, {"email": "ada@example.org"},
    )  # fmt: skip
    sealed = seal(entry, random_bytes=_counter_bytes())  # type: ignore[arg-type]
    assert b"ada@example.org" not in sealed.body
    record = json.loads(sealed.body)
    assert list(record) == sorted(record)
    assert record["kind"] == "audit_event"
    assert record["ts"] == 1_700_000_000_000
    assert sealed.leaf_hash == leaf_hash(sealed.body)
    (secret,) = sealed.secrets
    assert confirm(record["sealed"]["email"], secret)
    assert not confirm(record["sealed"]["email"], Secret("email", secret.salt, b'"eve@x.org"'))
    assert not confirm(record["sealed"]["email"], Secret("email", bytes(32), secret.value))


def test_assembled_leaf_equals_the_canonical_form_of_the_whole_record() -> None:
    entry = Entry(
        EntryKind.CONTROL_RESULT, 5, "checks", ("CC6.1", "sys-\u00e9"),
        {"score": 0.25, "z\u00f6": [1, {"b": None, "a": True}], "n": 3}, {"who": "x"},
    )  # fmt: skip
    sealed = seal(entry)
    assert sealed.body == canonical_json(json.loads(sealed.body))
    assert json.loads(sealed.body)["payload"]["score"] == 0.25


def test_each_field_gets_its_own_salt() -> None:
    entry = Entry(EntryKind.EVIDENCE, 1, "a", private={"x": "same", "y": "same"})
    sealed = seal(entry)
    record = json.loads(sealed.body)
    assert record["sealed"]["x"] != record["sealed"]["y"]
    assert len({s.salt for s in sealed.secrets}) == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ts_ms": -1},
        {"ts_ms": 1.5},
        {"actor": ""},
        {"kind": "gossip"},
        {"payload": {"x": float("nan")}},
        {"payload": {"text": "x" * 9000}},
    ],
)
def test_bad_entries_are_input_errors(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {"kind": EntryKind.EVIDENCE, "ts_ms": 1, "actor": "a"}
    base.update(kwargs)
    with pytest.raises(InputError):
        seal(Entry(**base))  # type: ignore[arg-type]
