"""The ``custom`` scanner: policy patterns and deny-lists, compiled with RE2."""

from __future__ import annotations

import pytest

from aiattest.errors import ScannerError
from aiattest.guard.custom import CustomScanner
from aiattest.guard.interface import ScanContext

CTX = ScanContext()


def test_pattern_offsets_are_exact() -> None:
    scanner = CustomScanner.from_options(
        {"patterns": [{"type": "EMPLOYEE_ID", "regex": r"EMP-\d{6}", "score": 0.7}]}
    )
    text = "héllo 😀 EMP-123456 and EMP-999999."
    found = scanner.scan(text, CTX)
    assert [(text[f.start : f.end], f.type, f.score) for f in found] == [
        ("EMP-123456", "EMPLOYEE_ID", 0.7),
        ("EMP-999999", "EMPLOYEE_ID", 0.7),
    ]


def test_pattern_negative_and_case() -> None:
    scanner = CustomScanner.from_options({"patterns": [{"type": "X", "regex": "abc"}]})
    assert scanner.scan("ABC", CTX) == []
    insensitive = CustomScanner.from_options(
        {"patterns": [{"type": "X", "regex": "abc", "ignore_case": True}]}
    )
    assert len(insensitive.scan("ABC", CTX)) == 1


def test_deny_list_matches_whole_words_case_insensitively() -> None:
    scanner = CustomScanner.from_options(
        {"deny_lists": [{"type": "CODENAME", "words": ["bluebird", "red falcon"]}]}
    )
    text = "Project BLUEBIRD meets Red Falcon; bluebirds are fine."
    found = scanner.scan(text, CTX)
    assert [text[f.start : f.end] for f in found] == ["BLUEBIRD", "Red Falcon"]
    assert all(f.subtype == "deny_list" for f in found)


def test_empty_matches_are_not_findings() -> None:
    scanner = CustomScanner.from_options({"patterns": [{"type": "X", "regex": "a*"}]})
    assert [(f.start, f.end) for f in scanner.scan("baab", CTX)] == [(1, 3)]


@pytest.mark.parametrize(
    "options",
    [
        {"patterns": [{"type": "X", "regex": r"(a)\1"}]},
        {"patterns": [{"type": "X", "regex": r"(?<=a)b"}]},
        {"patterns": [{"type": "X", "regex": "(x{1000}){1000}"}]},
        {"patterns": [{"type": "lower", "regex": "a"}]},
        {"patterns": [{"type": "X"}]},
        {"deny_lists": [{"words": ["  "]}]},
        {"unknown": 1},
    ],
)
def test_bad_options_raise(options: dict[str, object]) -> None:
    with pytest.raises(ScannerError):
        CustomScanner.from_options(options)
