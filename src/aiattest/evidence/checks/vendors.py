"""Check the assurance of sub-service organisations (SOC 2 reports, DPAs, retention terms)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from aiattest.assess import Period
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.store.models.governance import Vendor

MODEL_VENDOR_KINDS = frozenset({"llm-provider"})
"""Vendor kinds (as the vendor register names them) that receive prompts and completions,
and so must agree not to retain them."""


def vendor_gaps(vendor: Vendor, today: date, max_age_days: int) -> list[str]:
    """The conditions ``vendor`` fails on ``today`` (empty: it may be relied on).

    The assurance date is the SOC 2 period end, or the bridge letter's date when later; it
    must be at most ``max_age_days`` old. A DPA must be signed by ``today``; model vendors
    must have agreed zero retention and say where.
    """
    gaps: list[str] = []
    if vendor.soc2_report_type == "none" or vendor.soc2_period_end is None:
        gaps.append("no SOC 2 report")
    else:
        covered = vendor.soc2_period_end
        # A bridge letter extends the report's coverage; without a report it means nothing.
        if vendor.bridge_letter_through is not None and vendor.bridge_letter_through > covered:
            covered = vendor.bridge_letter_through
        age = (today - covered).days
        if age > max_age_days:
            gaps.append(
                f"SOC 2 coverage ended {covered.isoformat()} ({age} days ago, max {max_age_days})"
            )
    if vendor.dpa_signed_on is None or vendor.dpa_signed_on > today:
        gaps.append("no signed DPA")
    if vendor.kind in MODEL_VENDOR_KINDS:
        if not vendor.zero_retention:
            gaps.append("no zero-retention terms")
        elif not vendor.zero_retention_terms.strip():
            gaps.append("zero retention claimed but the agreement is not recorded")
    return gaps


class VendorAssurance(Check):
    """Reads the vendor register as of ``at`` (vendors created later are ignored).

    Passes when every vendor has a SOC 2 report whose period end (or bridge letter date,
    if later) is at most ``evidence.vendor_report_max_age_days`` before ``at``, a DPA signed
    on or before ``at``, and, for LLM providers, zero-retention terms with the agreement
    recorded. Fails on any vendor missing one of these, and on an empty register: an AI
    company always has sub-service organisations.
    """

    id = "vendor-assurance"
    title = "Sub-service organisations have current SOC 2 reports, DPAs, zero retention"
    population = "vendors"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per registered vendor, its note naming each failed condition."""
        today = context.at.date()
        max_age = context.settings.evidence.vendor_report_max_age_days
        with context.db.session() as session:
            vendors = list(
                session.scalars(
                    select(Vendor)
                    .where(Vendor.organisation_id == context.organisation_id)
                    .where(Vendor.created_at <= context.at)
                    .order_by(Vendor.name)
                )
            )
            items = []
            for vendor in vendors:
                gaps = vendor_gaps(vendor, today, max_age)
                note = "; ".join(gaps) if gaps else _assured(vendor)
                items.append(Item(vendor.name, "vendor", not gaps, None, note))
        return self.result(period, items, empty="no vendors registered")


def _assured(vendor: Vendor) -> str:
    covered = vendor.soc2_period_end
    if vendor.bridge_letter_through is not None and covered is not None:
        covered = max(covered, vendor.bridge_letter_through)
    assert covered is not None  # only vendors with a report pass
    note = f"SOC 2 {vendor.soc2_report_type} covers to {covered.isoformat()}; DPA signed"
    return note + ("; zero retention" if vendor.kind in MODEL_VENDOR_KINDS else "")


CHECKS: tuple[type[Check], ...] = (VendorAssurance,)
