"""The I/O edge of the readiness assessment: read an organisation's stored check results,
uploaded artefacts, evidence requests and approved policies, hand them to the pure
``aiattest.assess.readiness.assess``, and turn the result into JSON-ready data.

Everything is read as of the end of the assessment day: results collected, files uploaded,
requests made and policies approved later are ignored, so an assessment can be repeated for
a past day and give the same answer.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import asdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aiattest.assess import (
    Assessment,
    AssessmentType,
    ControlAssessment,
    ControlEvidence,
    Outcome,
    Period,
    StoredFile,
    StoredItem,
    StoredResult,
    Window,
    assess,
)
from aiattest.catalog import Catalog
from aiattest.errors import NotFoundError
from aiattest.store import Database
from aiattest.store.models import Organisation
from aiattest.store.models.evidence import CheckResultRow, EvidenceFile, EvidenceRequest
from aiattest.store.models.governance_registers import Policy


def assess_organisation(
    db: Database,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    *,
    kind: AssessmentType,
    as_of: date,
    window: Window | None = None,
) -> Assessment:
    """Assess every control of ``catalog`` for one organisation on ``as_of`` (Type I), or
    over ``window`` as well (Type II)."""
    with db.session() as session:
        organisation = session.get(Organisation, organisation_id)
        if organisation is None:
            raise NotFoundError(f"no organisation with id {organisation_id}")
        evidence = load_evidence(session, organisation_id, as_of, window)
        policies = approved_policies(session, organisation_id, as_of)
        slug = organisation.slug
    return assess(
        catalog,
        evidence,
        policies,
        organisation=slug,
        kind=kind,
        as_of=as_of,
        window=window,
    )


def _end_of(day: date) -> datetime:
    """00:00 UTC of the next day: an exclusive bound for ``day``."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def approved_policies(session: Session, organisation_id: uuid.UUID, as_of: date) -> set[str]:
    """Names (template ids) of the organisation's policies approved on or before ``as_of``."""
    return set(
        session.scalars(
            select(Policy.name).where(
                Policy.organisation_id == organisation_id,
                Policy.status == "approved",
                Policy.approved_on <= as_of,
            )
        )
    )


def load_evidence(
    session: Session, organisation_id: uuid.UUID, as_of: date, window: Window | None
) -> dict[str, ControlEvidence]:
    """Each control's stored evidence as of ``as_of``: every result about ``window`` (with
    its items), and the first passing result of each control (all Type I needs to know it
    operated), plus uploaded files and whether evidence was ever requested."""
    end = _end_of(as_of)
    rows: dict[tuple[int, str], CheckResultRow] = {}
    first_pass = (
        select(CheckResultRow.control_id, func.min(CheckResultRow.ledger_index))
        .where(
            CheckResultRow.organisation_id == organisation_id,
            CheckResultRow.status == Outcome.PASS.value,
            CheckResultRow.as_of < end,
        )
        .group_by(CheckResultRow.control_id)
    )
    firsts = {(int(index), control) for control, index in session.execute(first_pass)}
    if firsts:
        found = session.scalars(
            select(CheckResultRow).where(
                CheckResultRow.organisation_id == organisation_id,
                CheckResultRow.ledger_index.in_({i for i, _ in firsts}),
            )
        )
        rows.update(
            ((r.ledger_index, r.control_id), r)
            for r in found
            if (r.ledger_index, r.control_id) in firsts
        )
    if window is not None:
        in_window = session.scalars(
            select(CheckResultRow).where(
                CheckResultRow.organisation_id == organisation_id,
                CheckResultRow.as_of < end,
                CheckResultRow.period_end >= window.start,
                CheckResultRow.period_start <= window.end,
            )
        )
        rows.update(((r.ledger_index, r.control_id), r) for r in in_window)
    results: dict[str, list[StoredResult]] = defaultdict(list)
    for (_, control), row in sorted(rows.items()):
        results[control].append(_result(row))
    files: dict[str, list[StoredFile]] = defaultdict(list)
    for f in session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.organisation_id == organisation_id, EvidenceFile.uploaded_at < end)
        .order_by(EvidenceFile.uploaded_at, EvidenceFile.id)
    ):
        files[f.control_id].append(
            StoredFile(f"file:{f.sha256[:12]}", f.covers_from, f.expires_on, f.uploaded_at.date())
        )
    requested = set(
        session.scalars(
            select(EvidenceRequest.control_id).where(
                EvidenceRequest.organisation_id == organisation_id,
                # A request counts once the period it asks about has begun (its creation
                # time is the wall clock of whoever opened it, not an evidence date).
                EvidenceRequest.period_start <= as_of,
            )
        )
    )
    return {
        control: ControlEvidence(
            tuple(results.get(control, ())), tuple(files.get(control, ())), control in requested
        )
        for control in sorted(set(results) | set(files) | requested)
    }


def _result(row: CheckResultRow) -> StoredResult:
    return StoredResult(
        check_id=row.check_id,
        status=Outcome(row.status),
        period=Period(row.period_start, row.period_end),
        as_of=row.as_of,
        ref=f"ledger:{row.ledger_index}",
        items=tuple(_item(i) for i in row.items or ()),
    )


def _item(data: dict[str, Any]) -> StoredItem:
    at = data.get("at")
    when = datetime.fromisoformat(at) if isinstance(at, str) else None
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return StoredItem(str(data.get("ref", "")), bool(data.get("ok")), when)


def assessment_json(assessment: Assessment) -> dict[str, Any]:
    """The whole assessment as JSON-ready data: scores, per-control design and operation
    (with the exception periods), gaps and the roadmap."""
    window = assessment.window
    return {
        "organisation": assessment.organisation,
        "type": assessment.type.value,
        "as_of": assessment.as_of.isoformat(),
        "window": [window.start.isoformat(), window.end.isoformat()] if window else None,
        "overall": round(assessment.overall, 4),
        "categories": [asdict(c) | {"score": round(c.score, 4)} for c in assessment.categories],
        "controls": [_control_json(c) for c in assessment.controls],
        "gaps": [
            asdict(g) | {"reasons": list(g.reasons), "exceptions": list(g.exceptions)}
            for g in assessment.gaps
        ],
        "roadmap": [
            {
                "name": p.name,
                "start": p.start.isoformat(),
                "end": p.end.isoformat(),
                "days": (p.end - p.start).days + 1,
                "note": p.note,
            }
            for p in assessment.roadmap
        ],
    }


def _control_json(control: ControlAssessment) -> dict[str, Any]:
    d = control.design
    op = control.operation
    return {
        "control_id": control.control_id,
        "title": control.title,
        "categories": list(control.categories),
        "automation": control.automation,
        "frequency": control.frequency,
        "owner": control.owner,
        "score": round(control.score, 4),
        "design": {
            "described": d.described,
            "owner_assigned": d.owner_assigned,
            "policy_linked": d.policy_linked,
            "evidence_defined": d.evidence_defined,
            "operated": d.operated,
            "score": round(d.score, 4),
        },
        "operation": None
        if op is None
        else {
            "required": op.required,
            "passed": op.passed,
            "rate": round(op.rate, 4),
            "exceptions": [
                {
                    "period": p.period.label,
                    "outcome": p.outcome.value if p.outcome else None,
                    "refs": list(p.refs),
                }
                for p in op.exceptions
            ],
        },
    }
