"""Reference checks: a record may only name systems, datasets, catalog controls, AI risks and
criteria that exist. Run after writes, inside the transaction, so a refusal rolls back."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.catalog import Catalog
from aiattest.governance.schemas import (
    IncidentSpec,
    ModelSpec,
    RagDocumentSpec,
    RiskSpec,
    Spec,
    VendorSpec,
)
from aiattest.store.models.governance import Dataset, GovernedAISystem


def dangling(
    session: Session, org: uuid.UUID, specs: Iterable[Spec], catalog: Catalog | None = None
) -> list[str]:
    """One line per reference in ``specs`` to something that does not exist."""
    systems = set(session.scalars(
        select(GovernedAISystem.name).where(GovernedAISystem.organisation_id == org)))  # fmt: skip
    datasets = set(session.scalars(select(Dataset.name).where(Dataset.organisation_id == org)))
    problems: list[str] = []
    for spec in specs:
        wanted_systems: list[str | None] = []
        wanted_datasets: list[str] = []
        if isinstance(spec, ModelSpec):
            where = f"model {spec.name}@{spec.version}"
            wanted_systems = [spec.system]
            wanted_datasets = [*spec.training_data, *spec.eval_data, *spec.rag_data]
        elif isinstance(spec, RagDocumentSpec):
            where = f"rag document {spec.document}"
            wanted_datasets = [spec.dataset] if spec.dataset else []
        elif isinstance(spec, RiskSpec | IncidentSpec):
            where = f"{'risk' if isinstance(spec, RiskSpec) else 'incident'} {spec.name}"
            wanted_systems = [spec.system]
        else:
            where = ""
        problems += [f"{where}: no system {s!r}" for s in wanted_systems
                     if s is not None and s not in systems]  # fmt: skip
        problems += [f"{where}: no dataset {d!r}" for d in wanted_datasets if d not in datasets]
        if catalog is not None:
            problems += _in_catalog(spec, catalog)
    return problems


def _in_catalog(spec: Spec, catalog: Catalog) -> list[str]:
    if isinstance(spec, RiskSpec):
        controls = {c.id for c in catalog.controls}
        risks = {r.id for r in catalog.risks}
        return [f"risk {spec.name}: no catalog control {c!r}" for c in spec.controls
                if c not in controls] + [f"risk {spec.name}: no catalog AI risk {a!r}"
                                         for a in spec.ai_risks if a not in risks]  # fmt: skip
    if isinstance(spec, VendorSpec):
        criteria = {c.id for c in catalog.criteria}
        return [f"vendor {spec.name} {control.id}: no criterion {c!r}"
                for control in (*spec.csocs, *spec.cuecs) for c in control.criteria
                if c not in criteria]  # fmt: skip
    return []
