"""The gateway's opt-in content retention: encrypted prompts and completions, nothing else
readable (envelope encryption; see ``aiattest.gateway.retention``)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from aiattest.store.models.base import Base
from aiattest.store.types import UTCDateTime, utcnow


class RetainedContent(Base):
    """One request's messages and completion, sealed with AES-256-GCM under a data key that
    is itself sealed under the key-encryption key named by ``kek_id``."""

    __tablename__ = "gateway_retained_content"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    request_id: Mapped[str] = mapped_column(String(64), index=True)
    """The request's ``x-request-id`` (also bound into the ciphertext)."""
    kek_id: Mapped[str] = mapped_column(String(64))
    """Which key-encryption key wrapped the data key."""
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    """Nonce and ciphertext of the per-record data key."""
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    """Nonce of the content ciphertext."""
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    """The sealed JSON of messages and completion (with the GCM tag)."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    purge_after: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    """When ``aiattest retention purge`` may delete the record."""
