"""Sub-service organisation review: what is missing or stale in a vendor record, as findings
(pure; the date is passed in). Evidence checks and the dashboard build on these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from aiattest.governance.schemas import VendorSpec

STALE_AFTER = timedelta(days=365)
"""A SOC 2 period that ended longer ago than this no longer supports reliance."""
BRIDGE_AFTER = timedelta(days=92)
"""After this long past the period end a bridge letter should cover the gap."""


@dataclass(frozen=True)
class VendorFinding:
    """One gap in a vendor record."""

    vendor: str
    """Vendor name."""
    code: str
    """Stable id (``V1``)."""
    severity: Literal["high", "medium", "low"]
    """How much it weakens reliance on the vendor."""
    message: str
    """What is missing, in a line."""


def vendor_findings(vendor: VendorSpec, today: date) -> list[VendorFinding]:
    """Gaps in what we hold about ``vendor`` as of ``today``."""
    out: list[VendorFinding] = []

    def add(code: str, severity: Literal["high", "medium", "low"], message: str) -> None:
        out.append(VendorFinding(vendor.name, code, severity, message))

    if vendor.soc2_report_type == "none":
        add("V1", "high", "no SOC 2 report: reliance needs other assurance")
    else:
        if vendor.soc2_report_type == "type1":
            add("V2", "medium", "Type I report only: design, not operation over a period")
        end = vendor.soc2_period_end
        assert end is not None  # the spec requires it with a report
        bridged = vendor.bridge_letter_through is not None and vendor.bridge_letter_through >= today
        if today - end > STALE_AFTER and not bridged:
            add("V3", "high", f"SOC 2 period ended {end.isoformat()}: request the new report")
        elif today - end > BRIDGE_AFTER and not bridged:
            add("V4", "medium", f"no bridge letter covers {end.isoformat()} to {today.isoformat()}")
        if vendor.soc2_report_sha256 is None:
            add("V5", "low", "the reviewed report's hash is not recorded")
    if vendor.dpa_signed_on is None:
        add("V6", "high", "no data processing agreement")
    if vendor.kind == "llm-provider":
        if not vendor.zero_retention:
            add("V7", "medium", "prompts and completions may be retained by the provider")
        if vendor.outage_route is None:
            add("V8", "medium", "no fallback route covers an outage of this provider")
    if vendor.inclusion == "carve-out" and vendor.soc2_report_type != "none" and not vendor.csocs:
        add("V9", "medium", "carved out, but the controls relied on (CSOCs) are not listed")
    if not vendor.regions:
        add("V10", "low", "processing regions are not recorded")
    return out
