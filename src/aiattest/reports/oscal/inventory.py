"""Read what the export describes from the database: the organisation's registers (through
the governance register services) and its stored check results for a window."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aiattest.assess import Window
from aiattest.errors import NotFoundError
from aiattest.governance import registers
from aiattest.reports.oscal.model import (
    DatasetFacts,
    Inventory,
    KnowledgeBaseFacts,
    ModelFacts,
    ResultFacts,
    SystemFacts,
    VendorFacts,
)
from aiattest.roles import Role
from aiattest.store.models import Organisation, Principal, PrincipalRole
from aiattest.store.models.evidence import CheckResultRow
from aiattest.store.models.governance import RagChunk, RagDocument


def read_inventory(session: Session, organisation_id: uuid.UUID) -> Inventory:
    """The organisation's AI systems, models, knowledge bases, datasets, vendors and the
    number of active principals per platform role."""
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFoundError(f"no organisation with id {organisation_id}")
    models = tuple(_model(r) for r in _rows(session, "models", organisation_id))
    return Inventory(
        slug=organisation.slug,
        name=organisation.name,
        systems=tuple(_system(r) for r in _rows(session, "systems", organisation_id)),
        models=models,
        knowledge_bases=_knowledge_bases(session, organisation_id, models),
        datasets=tuple(
            DatasetFacts(r.name, r.classification, bool(r.contains_pii))
            for r in _rows(session, "datasets", organisation_id)
        ),
        vendors=tuple(
            VendorFacts(r.name, r.kind, r.inclusion, tuple(r.services or ()))
            for r in _rows(session, "vendors", organisation_id)
        ),
        role_counts=_role_counts(session, organisation_id),
    )


def _rows(session: Session, plural: str, organisation_id: uuid.UUID) -> list[Any]:
    return list(session.scalars(registers.list_query(registers.register(plural), organisation_id)))


def _strings(values: Iterable[str] | None) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


def _system(row: Any) -> SystemFacts:
    return SystemFacts(
        name=row.name,
        description=row.description or "",
        parts=_strings(row.components),
        endpoints=_strings(row.endpoints),
        data_classes=_strings(row.data_classes),
        sla_tier=row.sla_tier or "standard",
        owners=_strings(row.owners),
        automated_decisions=bool(row.automated_decisions),
    )


def _model(row: Any) -> ModelFacts:
    return ModelFacts(
        name=row.name,
        version=row.version,
        provider=row.provider,
        system=row.system,
        self_hosted=bool(row.self_hosted),
        purpose=row.purpose or "",
        owners=_strings(row.owners),
        training_data=_strings(row.training_data),
        eval_data=_strings(row.eval_data),
        rag_data=_strings(row.rag_data),
        risk_tier=row.risk_tier or "",
        status=row.status or "development",
    )


def _knowledge_bases(
    session: Session, organisation_id: uuid.UUID, models: tuple[ModelFacts, ...]
) -> tuple[KnowledgeBaseFacts, ...]:
    # Counted in the database: a knowledge base may hold many thousands of chunks.
    documents = dict(
        session.execute(
            select(RagDocument.knowledge_base, func.count(RagDocument.id))
            .where(RagDocument.organisation_id == organisation_id)
            .group_by(RagDocument.knowledge_base)
        ).all()
    )
    chunks = dict(
        session.execute(
            select(RagDocument.knowledge_base, func.count(RagChunk.id))
            .join(RagChunk, RagChunk.document_id == RagDocument.id)
            .where(RagDocument.organisation_id == organisation_id)
            .group_by(RagDocument.knowledge_base)
        ).all()
    )
    datasets: dict[str, set[str]] = {}
    for kb, dataset in session.execute(
        select(RagDocument.knowledge_base, RagDocument.dataset)
        .where(RagDocument.organisation_id == organisation_id)
        .where(RagDocument.dataset.is_not(None))
        .distinct()
    ).all():
        datasets.setdefault(kb, set()).add(str(dataset))
    found = []
    for kb in sorted(documents):
        sources = datasets.get(kb, set())
        systems = {m.system for m in models if m.system and sources & set(m.rag_data)}
        found.append(
            KnowledgeBaseFacts(
                kb,
                int(documents[kb]),
                int(chunks.get(kb, 0)),
                tuple(sorted(sources)),
                tuple(sorted(systems)),
            )
        )
    return tuple(found)


def _role_counts(session: Session, organisation_id: uuid.UUID) -> tuple[tuple[str, int], ...]:
    counts = dict(
        session.execute(
            select(PrincipalRole.role, func.count(Principal.id))
            .join(Principal, Principal.id == PrincipalRole.principal_id)
            .where(Principal.organisation_id == organisation_id)
            .where(Principal.active.is_(True))
            .group_by(PrincipalRole.role)
        ).all()
    )
    return tuple((role.value, int(counts.get(role.value, 0))) for role in Role)


def read_results(
    session: Session, organisation_id: uuid.UUID, window: Window | None
) -> tuple[ResultFacts, ...]:
    """The stored check results whose period overlaps ``window`` (all of them without
    one), ordered by ledger index and control."""
    row = CheckResultRow
    # Columns, not rows: the items (the whole population) can be large and are not exported;
    # their digest is, and the ledger entry commits to it.
    query = select(
        row.control_id, row.check_id, row.status, row.period_start, row.period_end, row.as_of,
        row.population, row.failed, row.summary, row.items_sha256, row.ledger_index,
    ).where(row.organisation_id == organisation_id)  # fmt: skip
    if window is not None:
        query = query.where(row.period_end >= window.start, row.period_start <= window.end)
    query = query.order_by(row.ledger_index, row.control_id)
    return tuple(
        ResultFacts(
            control_id=r.control_id,
            check_id=r.check_id,
            status=r.status,
            period_start=r.period_start,
            period_end=r.period_end,
            as_of=r.as_of,
            population=r.population,
            failed=r.failed,
            summary=r.summary,
            items_sha256=r.items_sha256,
            ledger_index=int(r.ledger_index),
        )
        for r in session.execute(query)
    )
