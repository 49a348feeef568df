"""Manual evidence: requests to a control's owner, and uploaded artefacts.

A manual control (one without automated checks) gets one evidence request per period with
a due date. An upload is stored content-addressed under
``<data_dir>/evidence/<sha256[:2]>/<sha256>`` (the same bytes are stored once), indexed
in ``evidence_files`` and appended to the ledger as an ``evidence`` entry that commits to
the hash, size, media type and the days it covers; the file name (which may name a
person) stays in the row, and the uploader is only a salted commitment in the entry. The
open request it answers is marked fulfilled.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import tempfile
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from aiattest.assess import Period, period_containing
from aiattest.catalog import Automation, Catalog, Control, Frequency
from aiattest.config import Settings
from aiattest.errors import InputError
from aiattest.ledger import Entry, EntryKind, Ledger
from aiattest.store import Database
from aiattest.store.models.evidence import EvidenceFile, EvidenceRequest

ACTOR = "aiattest-evidence"
_CHUNK = 1 << 20
_OFTEN = (Frequency.CONTINUOUS, Frequency.PER_EVENT, Frequency.DAILY)


def manual_controls(catalog: Catalog) -> list[Control]:
    """Controls that only people can evidence (manual, no automated checks), by id."""
    found = (c for c in catalog.controls if c.automation is Automation.MANUAL and not c.checks)
    return sorted(found, key=lambda c: c.id)


def request_period(control: Control, day: date) -> Period:
    """The period a request for ``control`` covers on ``day``: its own calendar period, or
    the month for controls that operate daily or more often (asking a person for evidence
    every day helps nobody; a monthly export of the log of occurrences does)."""
    frequency = Frequency.MONTHLY if control.frequency in _OFTEN else control.frequency
    return period_containing(frequency, day)


def request_all(
    db: Database,
    settings: Settings,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    *,
    today: date | None = None,
    owners: Mapping[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Open one request per manual control for its current period, unless one exists for
    that period already; returns the requests created. ``owners`` names a person per
    control id (default: the control's owner role)."""
    day = today or datetime.now(UTC).date()
    owners = dict(owners or {})
    controls = manual_controls(catalog)
    unknown = sorted(set(owners) - {c.id for c in controls})
    if unknown:
        raise InputError(f"{unknown[0]!r} is not a manual control", hint="see `aiattest catalog`")
    due = day + timedelta(days=settings.evidence.manual_request_due_days)
    created = []
    with db.session() as session:
        existing = {
            (r.control_id, r.period_start)
            for r in session.scalars(
                select(EvidenceRequest).where(EvidenceRequest.organisation_id == organisation_id)
            )
        }
        for control in controls:
            period = request_period(control, day)
            if (control.id, period.start) in existing:
                continue
            row = EvidenceRequest(
                id=uuid.uuid4(),
                organisation_id=organisation_id,
                control_id=control.id,
                owner=owners.get(control.id, control.owner_role.value),
                period_start=period.start,
                period_end=period.end,
                due_on=due,
                status="open",
            )
            session.add(row)
            created.append(request_view(row))
    return created


def request_view(row: EvidenceRequest) -> dict[str, Any]:
    """A request as JSON-ready data."""
    return {
        "id": str(row.id),
        "control": row.control_id,
        "owner": row.owner,
        "period": [row.period_start.isoformat(), row.period_end.isoformat()],
        "due_on": row.due_on.isoformat(),
        "status": row.status,
        "fulfilled_by": str(row.fulfilled_by) if row.fulfilled_by else None,
    }


def list_requests(
    db: Database, organisation_id: uuid.UUID, *, open_only: bool = False
) -> list[dict[str, Any]]:
    """The organisation's requests by due date (only open ones when ``open_only``)."""
    query = select(EvidenceRequest).where(EvidenceRequest.organisation_id == organisation_id)
    if open_only:
        query = query.where(EvidenceRequest.status == "open")
    query = query.order_by(EvidenceRequest.due_on, EvidenceRequest.control_id)
    with db.session() as session:
        return [request_view(r) for r in session.scalars(query)]


@dataclass(frozen=True, slots=True)
class Upload:
    """What the caller says about an artefact besides its bytes."""

    control_id: str
    """The control it is evidence for."""
    path: Path
    """The file to store."""
    uploaded_by: str
    """Who uploads it (kept in the row; only a salted commitment goes to the ledger)."""
    covers_from: date | None = None
    """First day it is evidence for (default: start of the control's current period)."""
    expires_on: date | None = None
    """Last day it counts (default: today plus ``manual_evidence_valid_days``)."""
    media_type: str | None = None
    """MIME type (default: guessed from the file name)."""


def blob_path(settings: Settings, sha256: str) -> Path:
    """Where the artefact with this SHA-256 is stored."""
    return settings.data_dir / "evidence" / sha256[:2] / sha256


def upload(  # noqa: PLR0917 (the stores, the organisation and what is uploaded)
    db: Database,
    ledger: Ledger,
    settings: Settings,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    request: Upload,
    *,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Store an artefact, ledger it, index it and fulfil the open request it answers.

    Refuses (nothing stored) an unknown control, a missing or empty file, and an expiry
    before the first day covered."""
    at = now or datetime.now(UTC)
    control = catalog.control(request.control_id)
    covers_from = request.covers_from or request_period(control, at.date()).start
    expires_on = request.expires_on or at.date() + timedelta(
        days=settings.evidence.manual_evidence_valid_days
    )
    if expires_on < covers_from:
        raise InputError(f"the evidence expires ({expires_on}) before it covers ({covers_from})")
    if not request.uploaded_by.strip():
        raise InputError("say who uploads the evidence")
    if not request.path.is_file():
        raise InputError(f"{request.path} is not a file")
    sha256, size = _store_blob(settings, request.path)
    media_type = request.media_type or (
        mimetypes.guess_type(request.path.name)[0] or "application/octet-stream"
    )
    index = ledger.append(
        Entry(
            kind=EntryKind.EVIDENCE,
            ts_ms=int(at.timestamp() * 1000),
            actor=ACTOR,
            subjects=(control.id, sha256),
            payload={
                "control": control.id,
                "sha256": sha256,
                "size": size,
                "media_type": media_type,
                "covers_from": covers_from.isoformat(),
                "expires_on": expires_on.isoformat(),
            },
            private={"uploaded_by": request.uploaded_by},
        )
    )
    row = EvidenceFile(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        control_id=control.id,
        sha256=sha256,
        filename=request.path.name[:300],
        size=size,
        media_type=media_type[:100],
        uploaded_by=request.uploaded_by[:200],
        uploaded_at=at,
        covers_from=covers_from,
        expires_on=expires_on,
        ledger_index=int(index),
    )
    with db.session() as session:
        session.add(row)
        session.flush()
        fulfilled = _fulfil(session, organisation_id, row)
    return {**file_view(row), "fulfilled": fulfilled}


def _fulfil(session: Any, organisation_id: uuid.UUID, row: EvidenceFile) -> list[str]:
    """Mark the open requests of the control whose period the artefact covers."""
    query = select(EvidenceRequest).where(
        EvidenceRequest.organisation_id == organisation_id,
        EvidenceRequest.control_id == row.control_id,
        EvidenceRequest.status == "open",
        EvidenceRequest.period_start <= row.expires_on,
        EvidenceRequest.period_end >= row.covers_from,
    )
    done = []
    for request in session.scalars(query):
        request.status = "fulfilled"
        request.fulfilled_by = row.id
        done.append(str(request.id))
    return done


def _store_blob(settings: Settings, path: Path) -> tuple[str, int]:
    """Copy ``path`` into the content-addressed store; returns (sha256, size)."""
    root = settings.data_dir / "evidence"
    root.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    # Write to a temporary file in the same directory and rename: a reader never sees a
    # half-written artefact, and a crash leaves only a temp file behind.
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", dir=root)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out, path.open("rb") as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise InputError(f"{path} is empty")
        sha256 = digest.hexdigest()
        target = blob_path(settings, sha256)
        if target.exists():
            tmp.unlink()  # the same bytes are stored once
        else:
            target.parent.mkdir(exist_ok=True)
            tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return sha256, size


def file_view(row: EvidenceFile) -> dict[str, Any]:
    """An uploaded artefact as JSON-ready data."""
    return {
        "id": str(row.id),
        "control": row.control_id,
        "sha256": row.sha256,
        "filename": row.filename,
        "size": row.size,
        "media_type": row.media_type,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
        "covers_from": row.covers_from.isoformat(),
        "expires_on": row.expires_on.isoformat(),
        "ledger_index": row.ledger_index,
    }


def list_files(
    db: Database, organisation_id: uuid.UUID, *, control_id: str | None = None
) -> list[dict[str, Any]]:
    """The organisation's uploaded artefacts, newest first (of one control if named)."""
    query = select(EvidenceFile).where(EvidenceFile.organisation_id == organisation_id)
    if control_id is not None:
        query = query.where(EvidenceFile.control_id == control_id)
    query = query.order_by(EvidenceFile.uploaded_at.desc(), EvidenceFile.control_id)
    with db.session() as session:
        return [file_view(r) for r in session.scalars(query)]
