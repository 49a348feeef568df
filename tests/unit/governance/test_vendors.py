"""Vendor review findings on fixed dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiattest.governance.schemas import VendorSpec
from aiattest.governance.vendors import vendor_findings

GOOD: dict[str, Any] = {
    "name": "llm", "kind": "llm-provider", "soc2_report_type": "type2",
    "soc2_period_end": "2026-06-30", "soc2_report_sha256": "a" * 64,
    "bridge_letter_through": "2026-12-31", "dpa_signed_on": "2025-01-01",
    "zero_retention": True, "regions": ["eu"], "outage_route": "chat",
    "csocs": [{"id": "C1", "description": "access control", "criteria": ["CC6.1"]}],
}  # fmt: skip


def codes(today: date, **change: Any) -> list[str]:
    return [f.code for f in vendor_findings(VendorSpec.model_validate({**GOOD, **change}), today)]


def test_a_complete_record_has_no_findings() -> None:
    assert codes(date(2026, 11, 1)) == []


def test_stale_and_unbridged_reports() -> None:
    assert codes(date(2027, 2, 1)) == ["V4"]  # bridge letter expired, gap > 3 months
    assert codes(date(2027, 8, 1)) == ["V3"]  # more than a year past the period
    assert codes(date(2026, 8, 1), bridge_letter_through=None) == []  # within 3 months


def test_missing_terms() -> None:
    found = codes(
        date(2026, 11, 1),
        dpa_signed_on=None,
        zero_retention=False,
        outage_route=None,
        csocs=[],
        regions=[],
        soc2_report_sha256=None,
        soc2_report_type="type1",
    )
    assert found == ["V2", "V5", "V6", "V7", "V8", "V9", "V10"]
    assert codes(date(2026, 11, 1), soc2_report_type="none", soc2_period_end=None) == ["V1"]
    # Retention and fallback only matter for LLM providers.
    assert codes(date(2026, 11, 1), kind="cloud", zero_retention=False, outage_route=None) == []
