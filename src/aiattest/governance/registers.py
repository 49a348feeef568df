"""Services over the plain registers: declare (create or update), read, list, delete.

Each register is described once (:data:`REGISTERS`): its row type, its spec, its key and
the columns derived from the spec. Every write returns a :class:`RegisterChange` for the
ledger; nothing is written when the declared record equals the stored one (idempotent).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import JSON, Select, func, select
from sqlalchemy.orm import Session

from aiattest.errors import NotFoundError
from aiattest.governance.recorder import RegisterChange, record_hash
from aiattest.governance.risk import assess
from aiattest.governance.schemas import (
    DatasetSpec,
    IncidentSpec,
    ModelSpec,
    PolicySpec,
    RagDocumentSpec,
    RiskSpec,
    Spec,
    SystemSpec,
    VendorSpec,
)
from aiattest.governance.workflow_specs import EvalRunSpec, eval_passed
from aiattest.store.models.governance_registers import (
    Dataset,
    GovernedAISystem,
    Incident,
    ModelVersion,
    Policy,
    Risk,
    Vendor,
)
from aiattest.store.models.governance_workflows import EvalRun, RagChunk, RagDocument


def _model_columns(spec: Spec) -> dict[str, Any]:
    assert isinstance(spec, ModelSpec)
    outcome = assess(spec.risk_assessment)
    rationale = f"{outcome.rule}: {outcome.rationale}"
    if spec.risk_notes:
        rationale += f". {spec.risk_notes}"
    return {"risk_tier": outcome.tier.value, "risk_rule": outcome.rule, "risk_rationale": rationale}


def _model_spec(row: Any) -> dict[str, Any]:
    notes = row.risk_rationale.split(". ", 1)
    return {"risk_notes": notes[1] if len(notes) > 1 else ""}


def _rag_chunks(row: Any) -> dict[str, Any]:
    return {"chunks": [{"id": c.chunk, "content_hash": c.content_hash} for c in row.chunks]}


def _write_rag_chunks(row: Any, spec: Spec) -> None:
    assert isinstance(spec, RagDocumentSpec)
    wanted = {c.id: c.content_hash for c in spec.chunks}
    row.chunks = [c for c in row.chunks if c.chunk in wanted]
    have = {c.chunk: c for c in row.chunks}
    for chunk_id, content_hash in wanted.items():
        if chunk_id in have:
            have[chunk_id].content_hash = content_hash
        else:
            row.chunks.append(RagChunk(id=uuid.uuid4(), chunk=chunk_id, content_hash=content_hash))


def _eval_columns(spec: Spec) -> dict[str, Any]:
    assert isinstance(spec, EvalRunSpec)
    return {"passed": eval_passed(spec.metrics, spec.thresholds)}


@dataclass(frozen=True)
class RegisterKind:
    """How one register maps between its spec and its rows."""

    name: str
    """Entity type as the ledger and ``apply`` name it (``model``)."""
    plural: str
    """Section name in ``apply`` files and the REST path (``models``)."""
    row: type[Any]
    """The SQLAlchemy model."""
    spec: type[Spec]
    """The pydantic spec."""
    key: tuple[str, ...] = ("name",)
    """Fields that identify a record within the organisation."""
    derived: Callable[[Spec], dict[str, Any]] = lambda _spec: {}
    """Columns computed from the spec (a model's risk tier)."""
    spec_extra: Callable[[Any], dict[str, Any]] = lambda _row: {}
    """Spec fields not stored as columns of the same name, rebuilt from the row."""
    managed: frozenset[str] = field(default_factory=frozenset)
    """Optional fields that workflows own: unset in a spec means "leave as is"."""
    filters: tuple[str, ...] = ()
    """Columns the list endpoints filter by."""
    children: Callable[[Any, Spec], None] | None = None
    """Writes spec fields kept in child rows (a RAG document's chunks)."""
    child_fields: frozenset[str] = field(default_factory=frozenset)
    """Spec fields that ``children`` writes (not columns)."""

    def key_of(self, spec: Spec) -> tuple[str, ...]:
        """The key values of a spec."""
        return tuple(str(getattr(spec, k)) for k in self.key)

    def label(self, key: Sequence[str]) -> str:
        """A person-readable key (``gpt-4o@2024-08-06``)."""
        return "@".join(key)


REGISTERS: dict[str, RegisterKind] = {
    k.plural: k
    for k in (
        RegisterKind("system", "systems", GovernedAISystem, SystemSpec, filters=("sla_tier",)),
        RegisterKind(
            "model",
            "models",
            ModelVersion,
            ModelSpec,
            key=("name", "version"),
            derived=_model_columns,
            spec_extra=_model_spec,
            managed=frozenset({"status", "deployment_alias", "rollout_percent"}),
            filters=("system", "provider", "risk_tier", "status"),
        ),
        RegisterKind(
            "dataset", "datasets", Dataset, DatasetSpec, filters=("classification", "owner")
        ),
        RegisterKind("vendor", "vendors", Vendor, VendorSpec, filters=("kind",)),
        RegisterKind("risk", "risks", Risk, RiskSpec, filters=("system", "treatment", "owner")),
        RegisterKind(
            "incident", "incidents", Incident, IncidentSpec, filters=("type", "severity", "status")
        ),
        RegisterKind("policy", "policies", Policy, PolicySpec, filters=("status",)),
        RegisterKind(
            "eval_run", "eval_runs", EvalRun, EvalRunSpec, derived=_eval_columns,
            filters=("suite", "target"),
        ),
        RegisterKind(
            "rag_document", "rag_documents", RagDocument, RagDocumentSpec,
            key=("knowledge_base", "document"), spec_extra=_rag_chunks,
            children=_write_rag_chunks, child_fields=frozenset({"chunks"}),
            filters=("knowledge_base", "dataset", "ingestion_run"),
        ),
    )
}  # fmt: skip


def register(plural: str) -> RegisterKind:
    """The register named ``plural`` (raises NotFoundError)."""
    try:
        return REGISTERS[plural]
    except KeyError:
        raise NotFoundError(
            f"no register named {plural!r}", hint=f"one of: {', '.join(sorted(REGISTERS))}"
        ) from None


def spec_of(kind: RegisterKind, row: Any) -> Spec:
    """The spec a stored row corresponds to (managed fields included)."""
    data = {name: getattr(row, name) for name in kind.spec.model_fields if hasattr(row, name)}
    data.update(kind.spec_extra(row))
    return kind.spec.model_validate(data)


def spec_json(spec: Spec) -> dict[str, Any]:
    """A spec as JSON-ready data (the form hashed and diffed)."""
    return spec.model_dump(mode="json")


def find(session: Session, kind: RegisterKind, org: uuid.UUID, key: Sequence[str]) -> Any | None:
    """The row with ``key`` in the organisation, or None."""
    query = select(kind.row).where(kind.row.organisation_id == org)
    for column, value in zip(kind.key, key, strict=True):
        query = query.where(getattr(kind.row, column) == value)
    return session.scalar(query)


def get(session: Session, kind: RegisterKind, org: uuid.UUID, key: Sequence[str]) -> Any:
    """The row with ``key`` (raises NotFoundError)."""
    row = find(session, kind, org, key)
    if row is None:
        raise NotFoundError(f"no {kind.name} {kind.label(key)!r}")
    return row


def list_query(
    kind: RegisterKind, org: uuid.UUID, filters: dict[str, str] | None = None
) -> Select[Any]:
    """The query listing a register, filtered by equality on the kind's filter columns."""
    query = select(kind.row).where(kind.row.organisation_id == org)
    for name, value in (filters or {}).items():
        if name not in kind.filters:
            raise NotFoundError(
                f"{kind.plural} cannot be filtered by {name!r}",
                hint=f"filters: {', '.join(kind.filters) or 'none'}",
            )
        query = query.where(getattr(kind.row, name) == value)
    return query.order_by(*(getattr(kind.row, k) for k in kind.key))


def page(
    session: Session,
    kind: RegisterKind,
    org: uuid.UUID,
    *,
    filters: dict[str, str] | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Any], int]:
    """One page of a register and the total count."""
    query = list_query(kind, org, filters)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.scalars(query.offset(offset).limit(limit)))
    return rows, int(total or 0)


@dataclass(frozen=True)
class Diff:
    """What declaring a spec changes: the action and the fields that differ."""

    kind: str
    """Entity type."""
    key: str
    """Person-readable key."""
    action: str
    """``create``, ``update`` or ``unchanged``."""
    fields: dict[str, tuple[Any, Any]]
    """Changed field -> (stored, declared)."""


def diff(kind: RegisterKind, row: Any | None, spec: Spec) -> Diff:
    """Compare a stored row with a declared spec (pure)."""
    label = kind.label(kind.key_of(spec))
    wanted = spec_json(spec)
    if row is None:
        return Diff(kind.name, label, "create", {k: (None, v) for k, v in wanted.items()})
    stored = spec_json(spec_of(kind, row))
    changed = {
        k: (stored.get(k), v)
        for k, v in wanted.items()
        if stored.get(k) != v and not (k in kind.managed and v is None)
    }
    return Diff(kind.name, label, "update" if changed else "unchanged", changed)


def declare(
    session: Session, kind: RegisterKind, org: uuid.UUID, spec: Spec, actor: str
) -> tuple[Diff, RegisterChange | None]:
    """Create or update the record ``spec`` declares; no write (and no change) if equal."""
    row = find(session, kind, org, kind.key_of(spec))
    result = diff(kind, row, spec)
    if result.action == "unchanged":
        return result, None
    before = None if row is None else record_hash(spec_json(spec_of(kind, row)))
    if row is None:
        row = kind.row(id=uuid.uuid4(), organisation_id=org)
        session.add(row)
    names = {
        name
        for name in kind.spec.model_fields
        if hasattr(kind.row, name)
        and name not in kind.child_fields
        and not (name in kind.managed and getattr(spec, name) is None)
    }
    native = spec.model_dump(include=names)
    # JSON columns take plain data (nested specs, datetimes as ISO strings).
    plain = spec.model_dump(include=names, mode="json")
    columns = kind.row.__table__.c
    for name in names:
        setattr(row, name, plain[name] if isinstance(columns[name].type, JSON) else native[name])
    for name, value in kind.derived(spec).items():
        setattr(row, name, value)
    if kind.children is not None:
        kind.children(row, spec)
    session.flush()
    after = record_hash(spec_json(spec_of(kind, row)))
    change = RegisterChange(
        organisation_id=org,
        actor=actor,
        entity_type=kind.name,
        entity_id=str(row.id),
        action=result.action,
        before_hash=before,
        after_hash=after,
    )
    return result, change


def delete(
    session: Session, kind: RegisterKind, org: uuid.UUID, key: Sequence[str], actor: str
) -> RegisterChange:
    """Delete a record (raises NotFoundError)."""
    row = get(session, kind, org, key)
    before = record_hash(spec_json(spec_of(kind, row)))
    session.delete(row)
    session.flush()
    return RegisterChange(org, actor, kind.name, str(row.id), "delete", before, None)
