"""``aiattest init``: create the data directory, migrate the database, create the organisation."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from aiattest.config import Settings
from aiattest.errors import InputError
from aiattest.ledger.keys import ensure_signing_key, signing_key_path
from aiattest.store import Database, current_revision, upgrade
from aiattest.store.models import Organisation

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class InitReport:
    """What ``initialise`` found and did."""

    data_dir: Path
    """The data directory (created if missing)."""
    database_url: str
    """The database URL in effect, without credentials."""
    revision_before: str | None
    """Schema revision before the upgrade (None: a new database)."""
    revision: str
    """Schema revision after the upgrade."""
    organisation: str
    """Slug of the organisation."""
    organisation_created: bool
    """Whether the organisation was created now."""


def slugify(name: str) -> str:
    """A lowercase, dash-separated identifier for ``name``."""
    slug = _SLUG.sub("-", name.lower()).strip("-")
    if not slug:
        raise InputError(f"organisation name {name!r} has no letters or digits")
    return slug[:64]


def initialise(settings: Settings, organisation_name: str = "My Organisation") -> InitReport:
    """Make the deployment ready to use; safe to run again (idempotent)."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    ensure_signing_key(signing_key_path(settings))
    db = Database(settings.db_url)
    try:
        before = current_revision(db)
        upgrade(db)
        after = current_revision(db)
        assert after is not None
        slug = slugify(organisation_name)
        with db.session() as session:
            existing = session.scalar(select(Organisation).limit(1))
            created = existing is None
            if existing is None:
                session.add(Organisation(slug=slug, name=organisation_name))
            else:
                slug = existing.slug
    finally:
        db.dispose()
    return InitReport(
        data_dir=settings.data_dir,
        database_url=_without_password(settings.db_url),
        revision_before=before,
        revision=after,
        organisation=slug,
        organisation_created=created,
    )


def _without_password(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
