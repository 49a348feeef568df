"""Settings of the evidence engine (``[evidence]`` in TOML, ``AIATTEST_EVIDENCE__*`` in env):
the thresholds checks apply and how the scheduler runs them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class EvidenceSettings(BaseModel):
    """Thresholds of the automated checks and the scheduler inside ``aiattest serve``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_rotation_days: int = Field(default=90, ge=1, le=3650)
    """An active API key older than this (since creation or last rotation) fails."""
    vendor_report_max_age_days: int = Field(default=365, ge=1, le=3650)
    """A vendor's SOC 2 report (or bridge letter) older than this is expired."""
    incident_sla_hours: dict[str, int] = Field(
        default_factory=lambda: {"sev1": 72, "sev2": 168, "sev3": 720, "sev4": 2160}
    )
    """Hours within which an incident of each severity must be resolved."""
    availability_slo: float = Field(default=0.995, gt=0, le=1)
    """Share of gateway requests that must not fail with a 5xx in a period."""
    approval_max_pending_hours: int = Field(default=24, ge=1)
    """A tool call or request held for approval longer than this fails the oversight check."""
    min_route_providers: int = Field(default=2, ge=1)
    """Distinct upstream providers every production route's fallback chain must have."""
    manual_request_due_days: int = Field(default=30, ge=1)
    """Days a manual evidence request gives its owner by default."""
    manual_evidence_valid_days: int = Field(default=365, ge=1)
    """Days an uploaded artefact counts as evidence unless an expiry is given."""
    sample_risk: str = Field(default="medium", pattern="^(low|medium|high)$")
    """Risk level that sizes samples of controls operating many times a day (25/40/60)."""
    scheduler_enabled: bool = True
    """Run each check at its control's frequency inside ``aiattest serve``."""
    scheduler_tick_s: float = Field(default=60.0, gt=0)
    """How often the scheduler looks for checks that are due."""
