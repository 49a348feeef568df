"""Deterministic UUIDs, control ids as OSCAL tokens, timestamps and document versions."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from aiattest.reports.oscal.common import (
    Uuids,
    control_token,
    day_end,
    day_start,
    fingerprint,
    prop,
    props,
    timestamp,
)

_TOKEN = re.compile(r"^[_A-Za-z][_A-Za-z0-9.\-]*$")


def test_uuids_are_version_5_and_reproducible() -> None:
    first = Uuids("acme")("component", "gateway")
    again = Uuids("acme")("component", "gateway")
    assert first == again
    assert uuid.UUID(first).version == 5


def test_uuids_differ_by_organisation_and_by_id_boundaries() -> None:
    acme, other = Uuids("acme"), Uuids("northwind")
    assert acme("catalog") != other("catalog")
    # Joining ids must not make ("a", "b-c") and ("a-b", "c") the same name.
    assert acme("a", "b-c") != acme("a-b", "c")
    assert acme("a", "b") != acme("ab")


@pytest.mark.parametrize(
    ("slug", "token"),
    [("model-inventory", "model-inventory"), ("2fa-enforced", "_2fa-enforced"), ("a1", "a1")],
)
def test_control_token(slug: str, token: str) -> None:
    assert control_token(slug) == token
    assert _TOKEN.match(token)


def test_control_token_refuses_what_cannot_be_a_token() -> None:
    with pytest.raises(ValueError, match="cannot be made an OSCAL token"):
        control_token("has space")


def test_timestamps_are_utc_to_the_second() -> None:
    berlin = timezone(timedelta(hours=1))
    assert timestamp(datetime(2026, 1, 2, 10, 0, 5, 999, tzinfo=berlin)) == "2026-01-02T09:00:05Z"
    assert timestamp(datetime(2026, 1, 2, 10, 0)) == "2026-01-02T10:00:00Z"
    assert day_start(date(2026, 3, 1)) == "2026-03-01T00:00:00Z"
    assert day_end(date(2026, 3, 1)) == "2026-03-01T23:59:59Z"
    assert timestamp(datetime(2026, 1, 2, tzinfo=UTC)).endswith("Z")


def test_fingerprint_follows_content_not_key_order() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})
    assert len(fingerprint({})) == 16


def test_props_carry_our_namespace_and_skip_blank_values() -> None:
    assert prop("check", "x", cls="c") == {
        "name": "check",
        "ns": "urn:aiattest:oscal",
        "value": "x",
        "class": "c",
    }
    assert [p["value"] for p in props("owner", ["a", "", " ", "b"])] == ["a", "b"]


def test_property_values_are_single_line_and_trimmed() -> None:
    assert prop("endpoint", "  a\n b\tc ")["value"] == "a b c"
