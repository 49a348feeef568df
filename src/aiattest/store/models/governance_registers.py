"""Governance registers: AI systems' extra fields, models, datasets, vendors, risks, incidents,
policies.

Lists (owners, endpoints, CSOCs) are JSON columns: they are read and written whole with their
record, never queried on their own, and JSON works the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from aiattest.store.models.base import Base
from aiattest.store.models.foundation import AISystem
from aiattest.store.types import UTCDateTime, utcnow

_EMPTY_LIST = text("'[]'")


class RegisterRow:
    """Columns every register row has: an id, its organisation and its timestamps."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class GovernedAISystem(AISystem):
    """The governance view of an AI system: the foundation row plus its scope facts.

    Single-table inheritance adds these columns to ``ai_systems`` without touching the
    foundation model; rows created through :class:`AISystem` get the column defaults.
    """

    components: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=_EMPTY_LIST, nullable=True
    )
    """Parts of the system (gateway, retriever, vector store, agent runtime)."""
    endpoints: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=_EMPTY_LIST, nullable=True
    )
    """Public or internal endpoints through which the system is reached."""
    data_classes: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=_EMPTY_LIST, nullable=True
    )
    """Classifications of data the system handles (public ... restricted, personal)."""
    sla_tier: Mapped[str] = mapped_column(
        String(32), default="standard", server_default="standard", nullable=True
    )
    """Availability tier the system is held to."""
    owners: Mapped[list[str]] = mapped_column(
        JSON, default=list, server_default=_EMPTY_LIST, nullable=True
    )
    """Accountable owners."""
    automated_decisions: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), nullable=True
    )
    """Whether the system makes automated decisions about individuals."""


class ModelVersion(RegisterRow, Base):
    """One version of a model in the inventory (hosted by a provider or self-hosted)."""

    __tablename__ = "model_versions"
    __table_args__ = (UniqueConstraint("organisation_id", "name", "version"),)

    name: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(100))
    system: Mapped[str | None] = mapped_column(String(200))
    provider: Mapped[str] = mapped_column(String(100))
    self_hosted: Mapped[bool] = mapped_column(Boolean, default=False)
    artifact_digest: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    out_of_scope_uses: Mapped[list[str]] = mapped_column(JSON, default=list)
    owners: Mapped[list[str]] = mapped_column(JSON, default=list)
    training_data: Mapped[list[str]] = mapped_column(JSON, default=list)
    eval_data: Mapped[list[str]] = mapped_column(JSON, default=list)
    rag_data: Mapped[list[str]] = mapped_column(JSON, default=list)
    risk_assessment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    risk_tier: Mapped[str] = mapped_column(String(8))
    risk_rule: Mapped[str] = mapped_column(String(16))
    risk_rationale: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="development")
    deployment_alias: Mapped[str | None] = mapped_column(String(64))
    rollout_percent: Mapped[int] = mapped_column(Integer, default=0)


class Dataset(RegisterRow, Base):
    """A dataset used for training, evaluation or retrieval."""

    __tablename__ = "datasets"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    uri: Mapped[str | None] = mapped_column(String(500), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(500))
    classification: Mapped[str] = mapped_column(String(16))
    contains_pii: Mapped[bool] = mapped_column(Boolean, default=False)
    pii_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    legal_basis: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(64))
    encryption: Mapped[str] = mapped_column(String(64))
    owner: Mapped[str] = mapped_column(String(200))
    content_hash: Mapped[str | None] = mapped_column(String(100))


class Vendor(RegisterRow, Base):
    """A sub-service organisation (LLM provider, vector database, cloud)."""

    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    soc2_report_type: Mapped[str] = mapped_column(String(8))
    soc2_period_end: Mapped[date | None] = mapped_column(Date)
    soc2_report_sha256: Mapped[str | None] = mapped_column(String(64))
    bridge_letter_through: Mapped[date | None] = mapped_column(Date)
    dpa_signed_on: Mapped[date | None] = mapped_column(Date)
    zero_retention: Mapped[bool] = mapped_column(Boolean, default=False)
    zero_retention_terms: Mapped[str] = mapped_column(Text, default="")
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)
    inclusion: Mapped[str] = mapped_column(String(16))
    csocs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    cuecs: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    outage_route: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str] = mapped_column(String(200), default="")


class Risk(RegisterRow, Base):
    """An entry of the risk register, scored likelihood x impact before and after treatment."""

    __tablename__ = "risks"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    system: Mapped[str | None] = mapped_column(String(200))
    likelihood: Mapped[int] = mapped_column(Integer)
    impact: Mapped[int] = mapped_column(Integer)
    residual_likelihood: Mapped[int] = mapped_column(Integer)
    residual_impact: Mapped[int] = mapped_column(Integer)
    treatment: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(200))
    controls: Mapped[list[str]] = mapped_column(JSON, default=list)
    ai_risks: Mapped[list[str]] = mapped_column(JSON, default=list)


class Incident(RegisterRow, Base):
    """An incident, with AI-specific types, a timeline and a postmortem."""

    __tablename__ = "incidents"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    type: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(200))
    system: Mapped[str | None] = mapped_column(String(200))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timeline: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    postmortem: Mapped[str] = mapped_column(Text, default="")


class Policy(RegisterRow, Base):
    """A policy of the organisation, rendered from a template, versioned and approved."""

    __tablename__ = "policies"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    owner: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[date | None] = mapped_column(Date)
    body_sha256: Mapped[str | None] = mapped_column(String(64))
