"""Digit windows: where the number patterns run, and the number-dense fallback."""

from __future__ import annotations

from aiattest.guard.interface import ScanContext
from aiattest.guard.pii import PIIScanner
from aiattest.guard.pii.windows import MAX_RUNS, NEAR, digit_runs, windows_around


def test_windows_merge_and_clip() -> None:
    text = "a" * 100 + "12" + "b" * 10 + "3" + "c" * 300
    runs = digit_runs(text)
    assert runs == [(100, 102), (112, 113)]
    assert windows_around(runs, len(text), (40, 80)) == [(60, 193)]
    assert windows_around([(0, 1)], 10, NEAR) == [(0, 10)]


def test_no_digits_no_windows() -> None:
    assert digit_runs("no numbers here") == []


def test_number_dense_text_falls_back_to_one_window() -> None:
    text = " ".join(str(i) for i in range(MAX_RUNS + 5))
    assert digit_runs(text) is None
    assert windows_around(None, len(text), NEAR) == [(0, len(text))]


def test_findings_survive_the_dense_fallback() -> None:
    filler = " ".join(str(i) for i in range(400))
    text = f"{filler} card 4111 1111 1111 1111 ip 10.1.2.3 {filler}"
    kinds = {(f.type, text[f.start : f.end]) for f in PIIScanner().scan(text, ScanContext())}
    assert ("CREDIT_CARD", "4111 1111 1111 1111") in kinds
    assert ("IP_ADDRESS", "10.1.2.3") in kinds
