"""Export: the registers of an organisation as the YAML document ``apply`` reads, so that
exporting and applying again changes nothing (a round trip)."""

from __future__ import annotations

import uuid
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.governance import registers
from aiattest.governance.apply import ORDER
from aiattest.governance.changes import step_of
from aiattest.governance.document import API_VERSION
from aiattest.governance.workflow_specs import ChangeSpec
from aiattest.store.models import Organisation
from aiattest.store.models.governance import Change


def export_document(session: Session, org: uuid.UUID) -> dict[str, Any]:
    """Every register of the organisation as a JSON-ready organisation document."""
    organisation = session.get(Organisation, org)
    assert organisation is not None
    doc: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "organisation": {"slug": organisation.slug, "name": organisation.name},
    }
    for plural in ORDER:
        kind = registers.REGISTERS[plural]
        rows, _ = registers.page(session, kind, org, limit=1_000_000)
        # Managed fields are left out: the changes below reproduce them.
        items = [
            registers.spec_of(kind, r).model_dump(
                mode="json", exclude=set(kind.managed), exclude_defaults=True
            )
            for r in rows
        ]
        if items:
            doc[plural] = items
    changes = []
    for change in session.scalars(
        select(Change).where(Change.organisation_id == org).order_by(Change.name)
    ):
        propose = change.events[0]
        spec = ChangeSpec(
            name=change.name,
            subject_kind=change.subject_kind,
            subject=change.subject,
            description=change.description,
            requester=change.requester,
            risk_tier=change.risk_tier,
            proposed_at=propose.at,
            steps=[step_of(e) for e in change.events[1:]],
        )
        changes.append(spec.model_dump(mode="json", exclude_defaults=True))
    if changes:
        doc["changes"] = changes
    return doc


def export_yaml(session: Session, org: uuid.UUID) -> str:
    """The organisation document as YAML."""
    return yaml.safe_dump(export_document(session, org), sort_keys=False, allow_unicode=True)
