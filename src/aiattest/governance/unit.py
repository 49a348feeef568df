"""A unit of work over the registers: one transaction, then its changes into the ledger.

The register transaction commits first and the ledger entries are appended right after:
the ledger writes on its own connection, and on SQLite a second writer would wait on our
open write transaction for ever. If the ledger append then fails, the caller gets the
LedgerError (the register change is not silently left without evidence).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.errors import NotFoundError
from aiattest.governance.recorder import ChangeRecorder, RegisterChange, record_hash
from aiattest.store import Database
from aiattest.store.models import Organisation


@dataclass
class Journal:
    """The register changes of one unit of work, recorded after it commits."""

    changes: list[RegisterChange] = field(default_factory=list)
    """Changes so far, in order."""
    indices: list[int] = field(default_factory=list)
    """Log indices of the recorded changes (filled after the commit)."""

    def add(self, *changes: RegisterChange | None) -> None:
        """Queue changes for the ledger (None entries, meaning "no write", are skipped)."""
        self.changes.extend(c for c in changes if c is not None)


@contextmanager
def unit_of_work(db: Database, recorder: ChangeRecorder) -> Iterator[tuple[Session, Journal]]:
    """A session and a journal; on success the session commits, then the journal is recorded."""
    journal = Journal()
    with db.session() as session:
        yield session, journal
    journal.indices.extend(recorder.record_many(journal.changes))


def organisation_id(session: Session, slug: str) -> uuid.UUID:
    """The id of the organisation ``slug`` (raises NotFoundError)."""
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise NotFoundError(f"no organisation {slug!r}", hint="run `aiattest init` first")
    return org.id


def ensure_organisation(
    session: Session, slug: str, name: str, actor: str
) -> tuple[uuid.UUID, RegisterChange | None]:
    """The organisation ``slug``, created if missing (creation is a recorded change)."""
    org = session.scalar(select(Organisation).where(Organisation.slug == slug))
    if org is not None:
        return org.id, None
    org = Organisation(id=uuid.uuid4(), slug=slug, name=name)
    session.add(org)
    session.flush()
    after = record_hash({"slug": slug, "name": name})
    return org.id, RegisterChange(org.id, actor, "organisation", str(org.id), "create", None, after)
