"""API keys: made once and shown once, stored as SHA-256, bound to tenant, principal and role.

A key reads ``aiat_<10 id chars>_<43 secret chars>``: the prefix makes leaked keys easy to
spot (secret scanners), the id names the key in lists and audit events without revealing it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.errors import InputError, NotFoundError
from aiattest.roles import Role
from aiattest.store import Database
from aiattest.store.models import Organisation, Principal, PrincipalRole
from aiattest.store.models.gateway import ApiKey
from aiattest.store.types import utcnow

KEY_PREFIX = "aiat_"
_ID_ALPHABET = "abcdefghijkmnopqrstuvwxyz23456789"


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: everything the gateway knows from a verified key."""

    key_id: str
    """Public key id."""
    tenant: str
    """Organisation slug; always from the key, never from the request."""
    organisation_id: uuid.UUID
    """Organisation id."""
    principal: str
    """Principal name."""
    role: Role
    """The key's role."""


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """A key's metadata (never the key or its hash)."""

    key_id: str
    """Public key id."""
    tenant: str
    """Organisation slug."""
    principal: str
    """Principal name."""
    role: str
    """Role."""
    name: str
    """Label."""
    created_at: datetime
    """When it was made."""
    last_used_at: datetime | None
    """Last successful authentication (updated at most once a minute)."""
    revoked_at: datetime | None
    """When it was revoked, if it was."""
    rotated_from: str | None
    """The key this one replaced."""


def hash_key(key: str) -> str:
    """SHA-256 hex of a presented key."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    """A fresh ``(key_id, key)`` pair."""
    key_id = KEY_PREFIX + "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))
    return key_id, f"{key_id}_{secrets.token_urlsafe(32)}"


def _organisation(session: Session, tenant: str | None) -> Organisation:
    query = select(Organisation).order_by(Organisation.created_at)
    if tenant is not None:
        query = query.where(Organisation.slug == tenant)
    orgs = list(session.scalars(query.limit(2)))
    if not orgs:
        raise NotFoundError(
            f"organisation {tenant!r} does not exist" if tenant else "no organisation exists",
            hint="run `aiattest init --org NAME` first",
        )
    if tenant is None and len(orgs) > 1:
        raise InputError("several organisations exist; name one with --org")
    return orgs[0]


def _principal(session: Session, org: Organisation, name: str, role: Role) -> Principal:
    principal = session.scalar(
        select(Principal).where(Principal.organisation_id == org.id, Principal.name == name)
    )
    if principal is None:
        principal = Principal(organisation_id=org.id, kind="service", name=name)
        session.add(principal)
        session.flush()
    if role.value not in {r.role for r in principal.roles}:
        principal.roles.append(PrincipalRole(role=role.value))
    return principal


def _info(key: ApiKey, org: Organisation, principal: Principal) -> KeyInfo:
    return KeyInfo(
        key_id=key.key_id,
        tenant=org.slug,
        principal=principal.name,
        role=key.role,
        name=key.name,
        created_at=key.created_at,
        last_used_at=key.last_used_at,
        revoked_at=key.revoked_at,
        rotated_from=key.rotated_from,
    )


def _insert(
    session: Session,
    org: Organisation,
    principal: Principal,
    role: Role,
    name: str,
    *,
    rotated_from: str | None = None,
) -> tuple[str, KeyInfo]:
    key_id, key = new_key()
    row = ApiKey(
        key_id=key_id,
        key_hash=hash_key(key),
        organisation_id=org.id,
        principal_id=principal.id,
        role=role.value,
        name=name,
        created_at=utcnow(),
        rotated_from=rotated_from,
    )
    session.add(row)
    session.flush()
    return key, _info(row, org, principal)


def create_key(
    db: Database, *, principal: str, role: Role, tenant: str | None = None, name: str = ""
) -> tuple[str, KeyInfo]:
    """Make a key; the returned plaintext is the only copy there will ever be."""
    if not principal.strip():
        raise InputError("a key needs a principal name")
    with db.session() as session:
        org = _organisation(session, tenant)
        person = _principal(session, org, principal.strip(), role)
        return _insert(session, org, person, role, name)


def _rows(session: Session, tenant: str | None) -> list[tuple[ApiKey, Organisation, Principal]]:
    query = (
        select(ApiKey, Organisation, Principal)
        .join(Organisation, ApiKey.organisation_id == Organisation.id)
        .join(Principal, ApiKey.principal_id == Principal.id)
        .order_by(ApiKey.created_at)
    )
    if tenant is not None:
        query = query.where(Organisation.slug == tenant)
    return [(k, o, p) for k, o, p in session.execute(query).all()]


def list_keys(db: Database, *, tenant: str | None = None) -> list[KeyInfo]:
    """Every key (of ``tenant``, when given), oldest first."""
    with db.session() as session:
        return [_info(k, o, p) for k, o, p in _rows(session, tenant)]


def _find(
    session: Session, key_id: str, tenant: str | None
) -> tuple[ApiKey, Organisation, Principal]:
    for row in _rows(session, tenant):
        if row[0].key_id == key_id:
            return row
    # A key of another tenant is reported as missing, so ids do not leak across tenants.
    raise NotFoundError(f"API key {key_id!r} does not exist")


def revoke_key(db: Database, key_id: str, *, tenant: str | None = None) -> KeyInfo:
    """Revoke a key now; revoking twice is refused."""
    with db.session() as session:
        key, org, principal = _find(session, key_id, tenant)
        if key.revoked_at is not None:
            raise InputError(f"API key {key_id!r} is already revoked")
        key.revoked_at = utcnow()
        return _info(key, org, principal)


def rotate_key(db: Database, key_id: str, *, tenant: str | None = None) -> tuple[str, KeyInfo]:
    """Replace a key with a new one of the same binding and revoke the old one."""
    with db.session() as session:
        key, org, principal = _find(session, key_id, tenant)
        if key.revoked_at is not None:
            raise InputError(f"API key {key_id!r} is revoked; create a new key instead")
        key.revoked_at = utcnow()
        return _insert(session, org, principal, Role(key.role), key.name, rotated_from=key_id)


def verify_key(db: Database, presented: str) -> Caller | None:
    """The caller a presented key belongs to, or None (unknown, revoked or malformed)."""
    if not presented.startswith(KEY_PREFIX) or len(presented) > 200:
        return None
    with db.session() as session:
        row = session.execute(
            select(ApiKey, Organisation, Principal)
            .join(Organisation, ApiKey.organisation_id == Organisation.id)
            .join(Principal, ApiKey.principal_id == Principal.id)
            .where(ApiKey.key_hash == hash_key(presented))
        ).first()
        if row is None:
            return None
        key, org, principal = row
        if key.revoked_at is not None or not principal.active:
            return None
        return Caller(key.key_id, org.slug, org.id, principal.name, Role(key.role))


def touch_key(db: Database, key_id: str, when: datetime) -> None:
    """Record a use of the key."""
    with db.session() as session:
        key = session.scalar(select(ApiKey).where(ApiKey.key_id == key_id))
        if key is not None:
            key.last_used_at = when
