"""Tables of the gateway: API keys (hashes only) and pending approvals (no content)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from aiattest.store.models.base import Base
from aiattest.store.types import UTCDateTime, utcnow


class ApiKey(Base):
    """An API key bound to a tenant, a principal and a role; only its SHA-256 is kept."""

    __tablename__ = "gateway_api_keys"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    key_id: Mapped[str] = mapped_column(String(32), unique=True)
    """Public id, shown in lists and audit events (``aiat_`` plus 10 characters)."""
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    """SHA-256 hex of the full key: keys are 256-bit random, so a fast hash is enough."""
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    principal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("principals.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rotated_from: Mapped[str | None] = mapped_column(String(32))
    """The key id this key replaced, when it was made by a rotation."""


class Approval(Base):
    """A request the guard held for a person's decision; identified by its content hash."""

    __tablename__ = "gateway_approvals"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(32))
    route: Mapped[str] = mapped_column(String(128))
    request_sha256: Mapped[str] = mapped_column(String(64))
    reasons: Mapped[str] = mapped_column(String(1000), default="")
    """Finding types that asked for approval, comma-separated (never matched text)."""
    status: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(200))
