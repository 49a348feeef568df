"""Redaction: mask, keyed hash, reversible pseudonyms, deterministic overlaps."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiattest.errors import ConfigError
from aiattest.guard.interface import Finding
from aiattest.guard.policy import RedactionMode
from aiattest.guard.redaction import Redactor, Span, merge_overlaps
from tests.unit.guard.conftest import finding

TEXT = "Mail bob@example.com or call +1 555 0100, bob@example.com again."
EMAIL_1 = finding("EMAIL_ADDRESS", 5, 20)
PHONE = finding("PHONE_NUMBER", 29, 40)
EMAIL_2 = finding("EMAIL_ADDRESS", 42, 57)


def test_mask() -> None:
    out = Redactor(RedactionMode.MASK).redact(TEXT, [EMAIL_1, PHONE])
    assert out == "Mail <EMAIL_ADDRESS> or call <PHONE_NUMBER>, bob@example.com again."


def test_keyed_hash_is_stable_per_key_and_hides_the_value() -> None:
    key = b"0123456789abcdef-deployment"
    one = Redactor(RedactionMode.HASH, key).redact(TEXT, [EMAIL_1, EMAIL_2])
    two = Redactor(RedactionMode.HASH, key).redact(TEXT, [EMAIL_1, EMAIL_2])
    other = Redactor(RedactionMode.HASH, b"another-key-0123456789").redact(TEXT, [EMAIL_1])
    assert one == two
    assert "bob@example.com" not in one
    tokens = [part.split(">")[0] for part in one.split("<")[1:]]
    assert tokens[0] == tokens[1]
    assert tokens[0].startswith("EMAIL_ADDRESS:")
    assert len(tokens[0]) == len("EMAIL_ADDRESS:") + 16
    assert tokens[0] not in other


def test_hash_mode_needs_a_key() -> None:
    with pytest.raises(ConfigError, match="key"):
        Redactor(RedactionMode.HASH)


def test_pseudonymise_round_trip() -> None:
    redactor = Redactor(RedactionMode.PSEUDONYMISE)
    out = redactor.redact(TEXT, [EMAIL_1, PHONE, EMAIL_2])
    assert out == "Mail <EMAIL_ADDRESS_1> or call <PHONE_NUMBER_1>, <EMAIL_ADDRESS_1> again."
    assert redactor.restore(out) == TEXT
    assert redactor.pseudonyms == 2
    answer = "I wrote to <EMAIL_ADDRESS_1>; <EMAIL_ADDRESS_2> and <b> are not ours. <"
    assert redactor.restore(answer) == (
        "I wrote to bob@example.com; <EMAIL_ADDRESS_2> and <b> are not ours. <"
    )


def test_pseudonyms_are_per_request() -> None:
    first = Redactor(RedactionMode.PSEUDONYMISE)
    first.redact(TEXT, [EMAIL_1])
    second = Redactor(RedactionMode.PSEUDONYMISE)
    assert second.restore("<EMAIL_ADDRESS_1>") == "<EMAIL_ADDRESS_1>"


def test_distinct_values_get_distinct_numbers() -> None:
    text = "a@x.io b@x.io"
    redactor = Redactor(RedactionMode.PSEUDONYMISE)
    out = redactor.redact(text, [finding("EMAIL_ADDRESS", 0, 6), finding("EMAIL_ADDRESS", 7, 13)])
    assert out == "<EMAIL_ADDRESS_1> <EMAIL_ADDRESS_2>"
    assert redactor.restore(out) == text


def test_overlaps_merge_into_their_union_whatever_the_order() -> None:
    url = finding("URL_CREDENTIALS", 0, 30, score=0.95)
    email = finding("EMAIL_ADDRESS", 10, 25, score=0.9)
    tail = finding("PERSON", 28, 35, score=0.6)
    apart = finding("PERSON", 40, 45, score=0.6)
    expected = [Span(0, 35, "URL_CREDENTIALS"), Span(40, 45, "PERSON")]
    for order in itertools.permutations([url, email, tail, apart]):
        assert merge_overlaps(order) == expected


def test_equal_scores_tie_break_on_length_then_type() -> None:
    a = finding("B_TYPE", 0, 10, score=0.8)
    b = finding("A_TYPE", 5, 10, score=0.8)
    c = finding("A_TYPE", 0, 10, score=0.8)
    assert merge_overlaps([a, b]) == [Span(0, 10, "B_TYPE")]
    assert merge_overlaps([a, c]) == [Span(0, 10, "A_TYPE")]


def test_redact_never_leaks_an_overlapped_part() -> None:
    text = "token sk-abcdef@example.com end"
    out = Redactor(RedactionMode.MASK).redact(
        text, [finding("SECRET", 6, 15), finding("EMAIL_ADDRESS", 9, 27, score=0.95)]
    )
    assert out == "token <EMAIL_ADDRESS> end"


@st.composite
def text_and_findings(draw: st.DrawFn) -> tuple[str, list[Finding]]:
    text = draw(st.text(alphabet=st.characters(exclude_characters="<>"), max_size=80))
    found = []
    for _ in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        kind = draw(st.sampled_from(["EMAIL_ADDRESS", "PERSON", "SECRET"]))
        found.append(finding(kind, start, end, score=draw(st.floats(0, 1))))
    return text, found


@given(text_and_findings())
def test_pseudonymise_restore_is_the_identity(case: tuple[str, list[Finding]]) -> None:
    text, found = case
    redactor = Redactor(RedactionMode.PSEUDONYMISE)
    redacted = redactor.redact(text, found)
    assert redactor.restore(redacted) == text


@given(text_and_findings())
def test_merged_spans_are_disjoint_and_cover_every_finding(
    case: tuple[str, list[Finding]],
) -> None:
    _, found = case
    spans = merge_overlaps(found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))
    for f in found:
        if f.end > f.start:
            assert any(s.start <= f.start and f.end <= s.end for s in spans)
