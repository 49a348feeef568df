"""Pending approvals: requests the guard held until an operator approves or denies them.

An approval names the request by its content hash, never by its content: the client sends
the same request again with ``x-aiattest-approval: <id>`` and it passes once approved.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from aiattest.errors import ConflictError, NotFoundError
from aiattest.store import Database
from aiattest.store.models.gateway import Approval
from aiattest.store.types import utcnow

PENDING, APPROVED, DENIED = "pending", "approved", "denied"


@dataclass(frozen=True, slots=True)
class ApprovalInfo:
    """An approval as the admin API shows it."""

    id: str
    """Approval id."""
    request_id: str
    """The held request's id."""
    key_id: str
    """Key that sent it."""
    route: str
    """Model alias."""
    reasons: tuple[str, ...]
    """Finding types that asked for approval."""
    status: str
    """pending, approved or denied."""
    created_at: datetime
    """When it was held."""
    decided_at: datetime | None
    """When it was decided."""
    decided_by: str | None
    """Who decided (principal name)."""


def _info(row: Approval) -> ApprovalInfo:
    return ApprovalInfo(
        id=str(row.id),
        request_id=row.request_id,
        key_id=row.key_id,
        route=row.route,
        reasons=tuple(r for r in row.reasons.split(",") if r),
        status=row.status,
        created_at=row.created_at,
        decided_at=row.decided_at,
        decided_by=row.decided_by,
    )


def hold(
    db: Database,
    *,
    organisation_id: uuid.UUID,
    request_id: str,
    key_id: str,
    route: str,
    request_sha256: str,
    reasons: tuple[str, ...],
) -> ApprovalInfo:
    """Create a pending approval for a request."""
    with db.session() as session:
        row = Approval(
            organisation_id=organisation_id,
            request_id=request_id,
            key_id=key_id,
            route=route,
            request_sha256=request_sha256,
            reasons=",".join(sorted(set(reasons)))[:1000],
            status=PENDING,
            created_at=utcnow(),
        )
        session.add(row)
        session.flush()
        return _info(row)


def list_approvals(
    db: Database, organisation_id: uuid.UUID, status: str | None = None
) -> list[ApprovalInfo]:
    """The tenant's approvals, newest first."""
    with db.session() as session:
        query = select(Approval).where(Approval.organisation_id == organisation_id)
        if status is not None:
            query = query.where(Approval.status == status)
        return [_info(r) for r in session.scalars(query.order_by(Approval.created_at.desc()))]


def _parse(approval_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(approval_id)
    except ValueError as e:
        raise NotFoundError(f"approval {approval_id!r} does not exist") from e


def decide(
    db: Database, organisation_id: uuid.UUID, approval_id: str, *, approve: bool, by: str
) -> ApprovalInfo:
    """Approve or deny a pending approval of the tenant."""
    with db.session() as session:
        row = session.get(Approval, _parse(approval_id))
        if row is None or row.organisation_id != organisation_id:
            raise NotFoundError(f"approval {approval_id!r} does not exist")
        if row.status != PENDING:
            raise ConflictError(f"approval {approval_id!r} is already {row.status}")
        row.status = APPROVED if approve else DENIED
        row.decided_at = utcnow()
        row.decided_by = by
        return _info(row)


def approved_for(
    db: Database, organisation_id: uuid.UUID, approval_id: str, request_sha256: str
) -> bool:
    """Whether the approval exists for this tenant, is approved, and is for this request."""
    with db.session() as session:
        row = session.get(Approval, _parse(approval_id))
        return (
            row is not None
            and row.organisation_id == organisation_id
            and row.status == APPROVED
            and row.request_sha256 == request_sha256
        )
