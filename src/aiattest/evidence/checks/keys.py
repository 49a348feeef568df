"""Checks over the gateway's API keys: rotation age and role hygiene.

Both examine state as of ``context.at``: a key exists from its ``created_at`` and is
active until its ``revoked_at`` (a rotation revokes the old key and creates a new one with
``rotated_from``), so keys made after ``at`` are ignored and keys revoked later still count.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.assess import Period
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.roles import Role
from aiattest.store.models import Principal
from aiattest.store.models.gateway import ApiKey
from aiattest.store.models.governance import AccessReview, AccessReviewItem

_ROLES = frozenset(r.value for r in Role)


@dataclass(frozen=True, slots=True)
class KeyFacts:
    """What the key checks need about one key and its principal (no secret, no hash)."""

    key_id: str
    """Public key id."""
    role: str
    """The key's role as stored."""
    created_at: datetime
    """When the key was made (by creation or rotation)."""
    revoked_at: datetime | None
    """When it was revoked, if it was."""
    rotated_from: str | None
    """The key it replaced."""
    principal: str
    """Principal name."""
    principal_roles: frozenset[str]
    """Roles the principal holds now."""
    principal_active: bool
    """Whether the principal is active now."""
    deactivated_at: datetime | None
    """When an access review deactivated the principal, if one did."""

    def active(self, at: datetime) -> bool:
        """Whether the key existed and was not revoked at ``at``."""
        return self.created_at <= at and (self.revoked_at is None or self.revoked_at > at)

    def principal_active_at(self, at: datetime) -> bool:
        """Whether the principal was active at ``at``: an inactive principal whose
        deactivation time is unknown counts as inactive throughout (fail closed)."""
        if self.principal_active:
            return True
        return self.deactivated_at is not None and self.deactivated_at > at


def load_keys(context: CheckContext) -> list[KeyFacts]:
    """Every key of the organisation with its principal, memoised for the collect run."""
    return context.memo(f"gateway-keys:{context.organisation_id}", lambda: _query(context))


def _query(context: CheckContext) -> list[KeyFacts]:
    org = context.organisation_id
    with context.db.session() as session:
        rows = session.execute(
            select(ApiKey, Principal)
            .join(Principal, ApiKey.principal_id == Principal.id)
            .where(ApiKey.organisation_id == org)
            .order_by(ApiKey.created_at, ApiKey.key_id)
        ).all()
        deactivated = _deactivations(session, org)
        return [
            KeyFacts(
                key_id=key.key_id,
                role=key.role,
                created_at=key.created_at,
                revoked_at=key.revoked_at,
                rotated_from=key.rotated_from,
                principal=principal.name,
                principal_roles=frozenset(r.role for r in principal.roles),
                principal_active=principal.active,
                deactivated_at=deactivated.get(principal.name),
            )
            for key, principal in rows
        ]


def _deactivations(session: Session, org: uuid.UUID) -> dict[str, datetime]:
    # Principals are deactivated by closing an access review with a revoke decision: the
    # applied time of that decision is when the principal lost access, which lets a run for
    # a past day see the principal as it was then.
    rows = session.execute(
        select(AccessReviewItem.subject, AccessReviewItem.applied_at)
        .join(AccessReview, AccessReviewItem.review_id == AccessReview.id)
        .where(
            AccessReview.organisation_id == org,
            AccessReviewItem.subject_kind == "principal",
            AccessReviewItem.decision == "revoke",
            AccessReviewItem.applied_at.is_not(None),
        )
    ).all()
    found: dict[str, datetime] = {}
    for name, applied_at in rows:
        if applied_at is not None and (name not in found or applied_at < found[name]):
            found[name] = applied_at
    return found


def _age_days(age: timedelta) -> str:
    return f"{age.total_seconds() / 86400:.1f}"


class ApiKeyRotation(Check):
    """Reads the organisation's gateway API keys (creation, revocation and rotation times)
    and ``evidence.key_rotation_days``. For every key active as of ``at`` (created by then,
    not revoked by then), PASS when its age since creation -- a rotation creates a new key,
    so this is the age since the last rotation -- is at most ``key_rotation_days``; FAIL for
    each older key. No active keys is a PASS."""

    id = "api-key-rotation"
    title = "Active API keys are rotated in time"
    population = "api-key"
    events = False

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per key active as of ``context.at``, with its age in days."""
        at = context.at
        limit = timedelta(days=context.settings.evidence.key_rotation_days)
        items = []
        for key in load_keys(context):
            if not key.active(at):
                continue
            age = at - key.created_at
            origin = f"rotated from {key.rotated_from}" if key.rotated_from else "created"
            verdict = "" if age <= limit else f"; older than {limit.days} days"
            items.append(
                Item(
                    ref=key.key_id,
                    kind="api-key",
                    ok=age <= limit,
                    note=f"age {_age_days(age)} days ({origin}){verdict}",
                )
            )
        return self.result(
            period,
            items,
            ok=None if items else "no active API keys",
        )


class ApiKeyRoles(Check):
    """Reads the organisation's gateway API keys, their principals' roles and active flags,
    and the access reviews that deactivated principals. For every key active as of ``at``,
    PASS when its role is a platform role, its principal was active at ``at``, and the
    principal still holds the key's role; FAIL for a key of a deactivated principal, a key
    with an unknown role, a key whose role the principal no longer holds, and in particular
    a key with a write role held by a principal that holds only the auditor role."""

    id = "api-key-roles"
    title = "API keys carry valid roles of active principals"
    population = "api-key"
    events = False

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per key active as of ``context.at``, with the problems found."""
        at = context.at
        items = []
        for key in load_keys(context):
            if not key.active(at):
                continue
            problems = _role_problems(key, at)
            note = "; ".join(problems) if problems else f"role {key.role}, principal active"
            items.append(Item(ref=key.key_id, kind="api-key", ok=not problems, note=note))
        return self.result(period, items, ok=None if items else "no active API keys")


def _role_problems(key: KeyFacts, at: datetime) -> list[str]:
    # Notes name the key (its public id), never the principal: names may be people's.
    problems = []
    if key.role not in _ROLES:
        problems.append(f"role {key.role!r} is not a platform role")
    if not key.principal_active_at(at):
        problems.append("its principal is deactivated")
    if key.principal_roles == {Role.AUDITOR.value} and key.role != Role.AUDITOR.value:
        problems.append(
            f"its principal holds only the auditor role, the key has write role {key.role}"
        )
    elif key.role not in key.principal_roles:
        problems.append(f"its principal no longer holds role {key.role}")
    return problems


CHECKS: tuple[type[Check], ...] = (ApiKeyRotation, ApiKeyRoles)
