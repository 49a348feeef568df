"""Property tests: the PII and secrets scanners never raise and return sane offsets."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from aiattest.guard.interface import ScanContext
from aiattest.guard.pii import PIIScanner
from aiattest.guard.secrets import SecretsScanner

PII = PIIScanner()
SECRETS = SecretsScanner()
CTX = ScanContext()
# Mix arbitrary Unicode with the characters our patterns care about, so generated text
# reaches the validators and not only the prefilters.
PIECES = st.sampled_from(
    ["@", ".", "-", ":", "=", " ", "\n", "4111", "123-45-", "DE89 ", "0x", "bc1q", "sk-",
     "AKIA", "Mr. ", "born ", "passport ", "://", "eyJ", "+1 ", "Straße ", "rue ", "ghp_"]
)  # fmt: skip
TEXT = st.lists(st.one_of(st.text(max_size=12), PIECES), max_size=40).map("".join)


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_pii_never_raises_and_offsets_are_in_range(text: str) -> None:
    for f in PII.scan(text, CTX):
        assert 0 <= f.start < f.end <= len(text)
        assert 0.0 <= f.score <= 1.0


@settings(max_examples=150, deadline=None)
@given(TEXT)
def test_secrets_never_raise_and_offsets_are_in_range(text: str) -> None:
    for f in SECRETS.scan(text, CTX):
        assert 0 <= f.start < f.end <= len(text)
        assert f.type == "SECRET"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_unicode(text: str) -> None:
    PII.scan(text, CTX)
    SECRETS.scan(text, CTX)


@settings(max_examples=100, deadline=None)
@given(prefix=st.text(max_size=30), suffix=st.text(max_size=30))
def test_a_valid_card_is_found_at_its_offsets_anywhere(prefix: str, suffix: str) -> None:
    text = f"{prefix} 4111 1111 1111 1111 {suffix}"
    start = len(prefix) + 1
    spans = {(f.start, f.end) for f in PII.scan(text, CTX) if f.type == "CREDIT_CARD"}
    assert (start, start + 19) in spans
