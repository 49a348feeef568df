"""Tables of the evidence engine: check results (an index over the ledger's
``control_result`` entries), manual evidence requests and uploaded artefacts."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from aiattest.store.models.base import Base
from aiattest.store.types import UTCDateTime, utcnow


class CheckResultRow(Base):
    """One control's result from one run of a check for one period.

    The ledger entry (``ledger_index``) is the tamper-evident record; this row lets the
    assessment find results by control and period without reading the whole log.
    """

    __tablename__ = "evidence_check_results"
    __table_args__ = (
        Index("ix_evidence_check_results_control", "organisation_id", "control_id", "period_start"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    control_id: Mapped[str] = mapped_column(String(100))
    check_id: Mapped[str] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(16))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    as_of: Mapped[datetime] = mapped_column(UTCDateTime())
    """The time the check looked at (``--at``); data created later was ignored."""
    collected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    population: Mapped[int] = mapped_column(Integer)
    failed: Mapped[int] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(Text)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    items_sha256: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the canonical JSON of ``items``, as committed in the ledger entry."""
    ledger_index: Mapped[int] = mapped_column(BigInteger)


class EvidenceRequest(Base):
    """A request to a control's owner for manual evidence, with a due date."""

    __tablename__ = "evidence_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[str] = mapped_column(String(100), index=True)
    owner: Mapped[str] = mapped_column(String(200))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="open")
    """``open`` or ``fulfilled``."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    fulfilled_by: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("evidence_files.id", ondelete="SET NULL")
    )


class EvidenceFile(Base):
    """An uploaded artefact, stored content-addressed under its SHA-256 and ledgered."""

    __tablename__ = "evidence_files"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    control_id: Mapped[str] = mapped_column(String(100), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(BigInteger)
    media_type: Mapped[str] = mapped_column(String(100))
    uploaded_by: Mapped[str] = mapped_column(String(200))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    covers_from: Mapped[date] = mapped_column(Date)
    """First day the artefact is evidence for."""
    expires_on: Mapped[date] = mapped_column(Date)
    """Last day it counts (a policy review or pen test goes stale)."""
    ledger_index: Mapped[int] = mapped_column(BigInteger)
