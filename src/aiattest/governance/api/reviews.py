"""REST routes of access review campaigns: open, show, decide, close (revocations applied)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from aiattest.governance import access_reviews as ar
from aiattest.governance.api.deps import (
    ApiDeps,
    Principal,
    allow,
    http_errors,
    roles_extra,
)
from aiattest.governance.api.workflows import parse_body
from aiattest.governance.unit import unit_of_work
from aiattest.roles import Role
from aiattest.store.models.governance import AccessReview

REVIEW_READERS = (Role.ADMIN, Role.AUDITOR)
"""Who may see campaigns (they list everyone's access)."""
REVIEWERS = (Role.ADMIN,)
"""Who may open, decide and close campaigns."""


class OpenReview(BaseModel):
    """Body of ``POST /access-reviews``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    """Campaign name (``2026-Q4``)."""
    reviewer: str = Field(min_length=1)
    """Who decides."""
    system: str | None = None
    """The system reviewed."""
    due_on: date | None = None
    """Deadline."""


class Decision(BaseModel):
    """Body of ``POST /access-reviews/{name}/decisions``; the decider is the caller."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["principal", "api_key"]
    """Subject kind."""
    subject: str = Field(min_length=1)
    """Subject name or key id."""
    decision: Literal["keep", "revoke"]
    """Keep or revoke."""
    reason: str = ""
    """Why (required to revoke)."""


def _directories(deps: ApiDeps) -> Any:
    return deps.directories if deps.directories is not None else _principal_directories


def _principal_directories() -> dict[str, ar.AccessDirectory]:
    return {"principal": ar.PrincipalDirectory()}


def add_review_routes(router: APIRouter, deps: ApiDeps) -> None:
    """The access review routes."""
    read = allow(deps, *REVIEW_READERS)
    write = allow(deps, *REVIEWERS)
    directories = _directories(deps)

    @router.get(
        "/access-reviews", name="list_access_reviews", openapi_extra=roles_extra(*REVIEW_READERS)
    )
    def list_reviews(
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> list[dict[str, Any]]:
        with http_errors(), db.session() as session:
            rows = session.scalars(
                select(AccessReview)
                .where(AccessReview.organisation_id == caller.organisation_id)
                .order_by(AccessReview.name)
            )
            return [ar.view(r) for r in rows]

    @router.get(
        "/access-reviews/{name}",
        name="show_access_review",
        openapi_extra=roles_extra(*REVIEW_READERS),
    )
    def show_review(
        name: str,
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors(), db.session() as session:
            return ar.view(ar.get_review(session, caller.organisation_id, name))

    @router.post(
        "/access-reviews",
        name="open_access_review",
        status_code=201,
        openapi_extra=roles_extra(*REVIEWERS),
    )
    def open_review(
        body: dict[str, Any] = Body(...),  # noqa: B008
        caller: Principal = Depends(write),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
        found: dict[str, ar.AccessDirectory] = Depends(directories),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors():
            spec: OpenReview = parse_body(OpenReview, body, "access review")
            with unit_of_work(db, recorder) as (session, journal):
                review, change = ar.open_review(
                    session,
                    caller.organisation_id,
                    spec.name,
                    reviewer=spec.reviewer,
                    actor=caller.principal,
                    directories=list(found.values()),
                    system=spec.system,
                    due_on=spec.due_on,
                )
                journal.add(change)
                return ar.view(review)

    @router.post(
        "/access-reviews/{name}/decisions",
        name="decide_access",
        openapi_extra=roles_extra(*REVIEWERS),
    )
    def decide(
        name: str,
        body: dict[str, Any] = Body(...),  # noqa: B008
        caller: Principal = Depends(write),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors():
            d: Decision = parse_body(Decision, body, "decision")
            with unit_of_work(db, recorder) as (session, journal):
                journal.add(
                    ar.decide(
                        session,
                        caller.organisation_id,
                        name,
                        kind=d.kind,
                        subject=d.subject,
                        decision=d.decision,
                        reviewer=caller.principal,
                        at=datetime.now(UTC),
                        reason=d.reason,
                    )
                )
                return ar.view(ar.get_review(session, caller.organisation_id, name))

    @router.post(
        "/access-reviews/{name}/close",
        name="close_access_review",
        openapi_extra=roles_extra(*REVIEWERS),
    )
    def close(
        name: str,
        caller: Principal = Depends(write),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
        found: dict[str, ar.AccessDirectory] = Depends(directories),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors(), unit_of_work(db, recorder) as (session, journal):
            journal.add(
                ar.close_review(
                    session,
                    caller.organisation_id,
                    name,
                    actor=caller.principal,
                    directories=found,
                    at=datetime.now(UTC),
                )
            )
            return ar.view(ar.get_review(session, caller.organisation_id, name))
