"""The gateway's API keys as an access directory, so access reviews can list and revoke them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.governance.access_reviews import AccessSubject
from aiattest.store.models.foundation import Principal
from aiattest.store.models.gateway import ApiKey
from aiattest.store.types import utcnow


class ApiKeyDirectory:
    """Active API keys of an organisation; revoking one marks it revoked at once.

    Workers cache verified keys for a few seconds (``auth.CACHE_TTL_S``), so a revocation
    from a review takes effect everywhere within that time.
    """

    def subjects(self, session: Session, org: uuid.UUID) -> list[AccessSubject]:
        """Every unrevoked key, named by its public id, with its role and principal."""
        rows = session.execute(
            select(ApiKey.key_id, ApiKey.role, Principal.name)
            .join(Principal, ApiKey.principal_id == Principal.id)
            .where(
                ApiKey.organisation_id == org,
                ApiKey.revoked_at.is_(None),
                Principal.active.is_(True),
            )
            .order_by(ApiKey.key_id)
        )
        return [AccessSubject("api_key", key_id, (role,), holder) for key_id, role, holder in rows]

    def revoke(self, session: Session, org: uuid.UUID, subject: AccessSubject) -> None:
        """Revoke the key (a key already revoked, or of another tenant, is left alone)."""
        key = session.scalar(
            select(ApiKey).where(ApiKey.organisation_id == org, ApiKey.key_id == subject.subject)
        )
        if key is not None and key.revoked_at is None:
            key.revoked_at = utcnow()
