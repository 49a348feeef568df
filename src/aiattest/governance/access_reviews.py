"""Access review campaigns: list who and what can reach a system, let the reviewer decide
keep or revoke for each, and apply the revocations when the campaign closes.

Who has access comes from an :class:`AccessDirectory`: :class:`PrincipalDirectory` reads
the organisation's principals; the gateway supplies one for its API keys.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.errors import ConflictError, InputError, NotFoundError
from aiattest.governance.recorder import RegisterChange, record_hash
from aiattest.store.models import Principal
from aiattest.store.models.governance import AccessReview, AccessReviewItem


@dataclass(frozen=True)
class AccessSubject:
    """Something that holds access: a principal or an API key."""

    kind: Literal["principal", "api_key"]
    """What it is."""
    subject: str
    """Its name (principal) or public id (key)."""
    roles: tuple[str, ...]
    """The roles it holds."""
    holder: str | None = None
    """The principal behind it: the principal itself, or the owner of an API key. The
    reviewer may not decide on anything they hold (segregation of duties)."""


class AccessDirectory(Protocol):
    """Where the holders of access are listed and revoked."""

    def subjects(self, session: Session, org: uuid.UUID) -> list[AccessSubject]:
        """Everyone and everything holding access in the organisation."""
        ...

    def revoke(self, session: Session, org: uuid.UUID, subject: AccessSubject) -> None:
        """Take the access away."""
        ...


class PrincipalDirectory:
    """The organisation's active principals and their roles; revoking deactivates one."""

    def subjects(self, session: Session, org: uuid.UUID) -> list[AccessSubject]:
        """Active principals with their roles."""
        rows = session.scalars(
            select(Principal)
            .where(Principal.organisation_id == org, Principal.active.is_(True))
            .order_by(Principal.name)
        )
        return [
            AccessSubject("principal", p.name, tuple(sorted(r.role for r in p.roles)), p.name)
            for p in rows
        ]

    def revoke(self, session: Session, org: uuid.UUID, subject: AccessSubject) -> None:
        """Deactivate the principal."""
        row = session.scalar(
            select(Principal).where(
                Principal.organisation_id == org, Principal.name == subject.subject
            )
        )
        if row is not None:
            row.active = False


def view(review: AccessReview) -> dict[str, Any]:
    """A campaign as JSON-ready data (hashed into the ledger and shown)."""
    return {
        "name": review.name,
        "system": review.system,
        "reviewer": review.reviewer,
        "status": review.status,
        "due_on": review.due_on.isoformat() if review.due_on else None,
        "closed_at": review.closed_at.isoformat() if review.closed_at else None,
        "items": [
            {
                "kind": i.subject_kind,
                "subject": i.subject,
                "roles": list(i.roles),
                "holder": i.holder,
                "decision": i.decision,
                "decided_by": i.decided_by,
                "reason": i.reason,
                "applied": i.applied_at is not None,
            }
            for i in sorted(review.items, key=lambda i: (i.subject_kind, i.subject))
        ],
    }


def get_review(session: Session, org: uuid.UUID, name: str) -> AccessReview:
    """The campaign ``name`` (raises NotFoundError)."""
    review = session.scalar(
        select(AccessReview).where(AccessReview.organisation_id == org, AccessReview.name == name)
    )
    if review is None:
        raise NotFoundError(f"no access review {name!r}")
    return review


def open_review(
    session: Session,
    org: uuid.UUID,
    name: str,
    *,
    reviewer: str,
    actor: str,
    directories: Sequence[AccessDirectory],
    system: str | None = None,
    due_on: date | None = None,
) -> tuple[AccessReview, RegisterChange]:
    """Start a campaign listing every subject the directories know."""
    if (
        session.scalar(
            select(AccessReview.id).where(
                AccessReview.organisation_id == org, AccessReview.name == name
            )
        )
        is not None
    ):
        raise ConflictError(f"access review {name} exists already")
    review = AccessReview(
        id=uuid.uuid4(),
        organisation_id=org,
        name=name,
        system=system,
        reviewer=reviewer,
        status="open",
        due_on=due_on,
    )
    for directory in directories:
        for s in directory.subjects(session, org):
            review.items.append(
                AccessReviewItem(
                    id=uuid.uuid4(),
                    subject_kind=s.kind,
                    subject=s.subject,
                    roles=list(s.roles),
                    holder=s.holder,
                )
            )
    session.add(review)
    session.flush()
    after = record_hash(view(review))
    return review, RegisterChange(
        org, actor, "access_review", str(review.id), "create", None, after
    )


def decide(
    session: Session,
    org: uuid.UUID,
    name: str,
    *,
    kind: str,
    subject: str,
    decision: Literal["keep", "revoke"],
    reviewer: str,
    at: datetime,
    reason: str = "",
) -> RegisterChange:
    """Record the reviewer's decision on one subject."""
    review = get_review(session, org, name)
    if review.status != "open":
        raise ConflictError(f"access review {name} is {review.status}")
    item = next((i for i in review.items if (i.subject_kind, i.subject) == (kind, subject)), None)
    if item is None:
        raise NotFoundError(f"access review {name} has no {kind} {subject!r}")
    # Segregation of duties: the reviewer's own access (their principal, or an API key they
    # hold) is decided by someone else.
    if _holder(item) == review.reviewer:
        if reviewer == review.reviewer:
            raise ConflictError(
                f"{reviewer} cannot review their own access",
                hint="segregation of duties: another person decides this one",
            )
    elif reviewer != review.reviewer:
        raise ConflictError(f"{reviewer} is not the reviewer of {name} ({review.reviewer} is)")
    if decision == "revoke" and not reason.strip():
        raise InputError("a revocation needs a reason")
    before = record_hash(view(review))
    item.decision, item.decided_by, item.decided_at, item.reason = decision, reviewer, at, reason
    session.flush()
    return RegisterChange(
        org, reviewer, "access_review", str(review.id), "decide", before, record_hash(view(review))
    )


def _holder(item: AccessReviewItem) -> str | None:
    # Items recorded before holders were kept: a principal holds its own access.
    if item.holder is not None:
        return item.holder
    return item.subject if item.subject_kind == "principal" else None


def close_review(
    session: Session,
    org: uuid.UUID,
    name: str,
    *,
    actor: str,
    directories: dict[str, AccessDirectory],
    at: datetime,
) -> RegisterChange:
    """Close a fully decided campaign and apply its revocations (directory per subject kind)."""
    review = get_review(session, org, name)
    if review.status != "open":
        raise ConflictError(f"access review {name} is {review.status}")
    pending = [i.subject for i in review.items if i.decision == "pending"]
    if pending:
        raise ConflictError(
            f"access review {name} has {len(pending)} undecided subject(s)",
            hint=", ".join(pending[:5]),
        )
    before = record_hash(view(review))
    for item in review.items:
        if item.decision == "revoke":
            directory = directories.get(item.subject_kind)
            if directory is None:
                raise InputError(f"no directory can revoke {item.subject_kind} {item.subject}")
            subject = AccessSubject(item.subject_kind, item.subject, tuple(item.roles))  # type: ignore[arg-type]
            directory.revoke(session, org, subject)
            item.applied_at = at
    review.status, review.closed_at = "closed", at
    session.flush()
    return RegisterChange(
        org, actor, "access_review", str(review.id), "close", before, record_hash(view(review))
    )
