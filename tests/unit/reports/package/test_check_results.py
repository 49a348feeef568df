"""The verifier's check of check results against their ledger entries, line by line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from aiattest.evidence.runner import items_digest
from aiattest.reports.package import layout, standalone

ITEMS = [
    {"ref": "key-1", "kind": "api-key", "ok": True, "at": None, "note": ""},
    {"ref": "key-2", "kind": "api-key", "ok": False, "at": "2026-01-02T00:00:00+00:00",
     "note": "not rotated in 90 days"},
]  # fmt: skip


def _entry(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kind": "control_result",
        "payload": {"check": "api-key-rotation", "controls": ["rbac-separate-roles"],
                    "status": "fail", "period": ["2026-01-01", "2026-01-01"],
                    "population": 2, "failed": 1, "items_sha256": items_digest(items)},
    }  # fmt: skip


def _row(**changes: Any) -> dict[str, Any]:
    row = {
        "ledger_index": 7, "control_id": "rbac-separate-roles", "check_id": "api-key-rotation",
        "status": "fail", "period": ["2026-01-01", "2026-01-01"],
        "as_of": "2026-01-02T00:00:00+00:00", "population": 2, "failed": 1,
        "summary": "1 of 2 keys overdue", "items": ITEMS, "items_sha256": items_digest(ITEMS),
    }  # fmt: skip
    row.update(changes)
    return row


def _check(tmp_path: Path, rows: list[dict[str, Any]], proven: dict[int, Any]) -> int:
    (tmp_path / "evidence").mkdir(exist_ok=True)
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    (tmp_path / layout.CHECK_RESULTS).write_text(lines, encoding="utf-8")
    return standalone._check_results(layout.Source(tmp_path), proven)


def test_matching_rows_pass(tmp_path: Path) -> None:
    assert _check(tmp_path, [_row(), _row()], {7: (b"", _entry(ITEMS))}) == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"items": [*ITEMS[:1], {**ITEMS[1], "ok": True}]}, "SHA-256 of its items"),
        ({"items_sha256": "0" * 64}, "SHA-256 of its items"),
        ({"status": "pass"}, "check, status, period or counts differ"),
        ({"control_id": "other-control"}, "control is not one"),
        ({"ledger_index": 8}, "not a control_result in the package"),
        ({"extra": 1}, "fields are not those of a check result"),
    ],
)
def test_a_row_that_does_not_match_its_entry_is_named(
    tmp_path: Path, change: dict[str, Any], reason: str
) -> None:
    with pytest.raises(layout.PackageError, match=rf"check-results\.jsonl line 2: .*{reason}"):
        _check(tmp_path, [_row(), _row(**change)], {7: (b"", _entry(ITEMS))})


def test_counts_must_be_those_of_the_items(tmp_path: Path) -> None:
    # Entry and row agree with each other but not with the items they describe.
    entry = _entry(ITEMS)
    entry["payload"]["failed"] = 0
    with pytest.raises(layout.PackageError, match="failure count"):
        _check(tmp_path, [_row(failed=0)], {7: (b"", entry)})
