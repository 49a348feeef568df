"""Governance workflows: lineage, RAG provenance, eval runs, change management, policy
acknowledgements and access reviews."""

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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from aiattest.store.models.base import Base
from aiattest.store.models.governance_registers import RegisterRow
from aiattest.store.types import UTCDateTime, utcnow


class LineageEdge(Base):
    """One edge of the lineage graph: ``source`` fed ``target`` (dataset -> job -> dataset ->
    run -> model, document -> chunk). Nodes are (kind, key) pairs, keys as OpenLineage names
    them (``namespace/name``) or as the registers do."""

    __tablename__ = "lineage_edges"
    __table_args__ = (
        UniqueConstraint(
            "organisation_id", "source_kind", "source_key", "target_kind", "target_key"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    source_kind: Mapped[str] = mapped_column(String(16))
    source_key: Mapped[str] = mapped_column(String(500), index=True)
    target_kind: Mapped[str] = mapped_column(String(16))
    target_key: Mapped[str] = mapped_column(String(500), index=True)
    run_id: Mapped[str | None] = mapped_column(String(64))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RagDocument(RegisterRow, Base):
    """A document in a RAG knowledge base: where it came from and which run ingested it."""

    __tablename__ = "rag_documents"
    __table_args__ = (UniqueConstraint("organisation_id", "knowledge_base", "document"),)

    knowledge_base: Mapped[str] = mapped_column(String(200))
    document: Mapped[str] = mapped_column(String(300))
    source_uri: Mapped[str] = mapped_column(String(1000))
    version: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(100))
    ingestion_run: Mapped[str | None] = mapped_column(String(100))
    dataset: Mapped[str | None] = mapped_column(String(200))

    chunks: Mapped[list[RagChunk]] = relationship(
        back_populates="document_row", cascade="all, delete-orphan", lazy="selectin"
    )


class RagChunk(Base):
    """A chunk of a RAG document as the vector store names it."""

    __tablename__ = "rag_chunks"
    __table_args__ = (UniqueConstraint("document_id", "chunk"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    document_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("rag_documents.id", ondelete="CASCADE"), index=True
    )
    chunk: Mapped[str] = mapped_column(String(300), index=True)
    content_hash: Mapped[str | None] = mapped_column(String(100))

    document_row: Mapped[RagDocument] = relationship(back_populates="chunks")


class EvalRun(RegisterRow, Base):
    """A run of a versioned eval suite against one model (or prompt, or index) version."""

    __tablename__ = "eval_runs"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    suite: Mapped[str] = mapped_column(String(200))
    suite_version: Mapped[str] = mapped_column(String(64))
    dataset_hash: Mapped[str] = mapped_column(String(100))
    target: Mapped[str] = mapped_column(String(300))
    metrics: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    thresholds: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    passed: Mapped[bool] = mapped_column(Boolean)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Change(RegisterRow, Base):
    """A change to a model, prompt or RAG index moving through the change workflow."""

    __tablename__ = "changes"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    requester: Mapped[str] = mapped_column(String(200))
    risk_tier: Mapped[str] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), index=True)
    rollout_percent: Mapped[int] = mapped_column(Integer, default=0)
    eval_run: Mapped[str | None] = mapped_column(String(200))
    rollback_reason: Mapped[str | None] = mapped_column(Text)

    events: Mapped[list[ChangeEvent]] = relationship(
        back_populates="change",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="ChangeEvent.seq",
    )


class ChangeEvent(Base):
    """One step of a change (a transition or an approval); production steps in a window are
    the population an auditor samples."""

    __tablename__ = "change_events"
    __table_args__ = (UniqueConstraint("change_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    change_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("changes.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    change: Mapped[Change] = relationship(back_populates="events")


class PolicyAcknowledgement(Base):
    """An employee's acknowledgement of one version of a policy."""

    __tablename__ = "policy_acknowledgements"
    __table_args__ = (UniqueConstraint("policy_id", "version", "principal"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    policy_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("policies.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(32))
    principal: Mapped[str] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AccessReview(RegisterRow, Base):
    """An access review campaign over the principals and API keys of one system."""

    __tablename__ = "access_reviews"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    name: Mapped[str] = mapped_column(String(200))
    system: Mapped[str | None] = mapped_column(String(200))
    reviewer: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_on: Mapped[date | None] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    items: Mapped[list[AccessReviewItem]] = relationship(
        back_populates="review", cascade="all, delete-orphan", lazy="selectin"
    )


class AccessReviewItem(Base):
    """One principal or API key under review and the reviewer's decision."""

    __tablename__ = "access_review_items"
    __table_args__ = (UniqueConstraint("review_id", "subject_kind", "subject"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    review_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("access_reviews.id", ondelete="CASCADE"), index=True
    )
    subject_kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    holder: Mapped[str | None] = mapped_column(String(200))
    """The principal behind the subject (an API key's owner)."""
    decision: Mapped[str] = mapped_column(String(8), default="pending")
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(Text, default="")
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    review: Mapped[AccessReview] = relationship(back_populates="items")
