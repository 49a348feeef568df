"""``apply``: make the registers match a declared organisation file, idempotently.

The whole file is applied in one transaction; references are checked after every record is
in place, so a file may name things in any order. A dry run does the same work and rolls
it back, so its diff is exactly what a real run would do, illegal steps included.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from aiattest.catalog import Catalog
from aiattest.errors import InputError
from aiattest.governance import changes, registers
from aiattest.governance.document import OrgDocument
from aiattest.governance.recorder import ChangeRecorder
from aiattest.governance.references import dangling
from aiattest.governance.unit import Journal, ensure_organisation
from aiattest.store import Database

ORDER = ("systems", "datasets", "rag_documents", "vendors", "models", "eval_runs", "policies",
         "risks", "incidents")  # fmt: skip
"""Registers in the order they are applied (changes come last: they need models and runs)."""

_VERB = {"create": "created", "update": "configured", "unchanged": "unchanged"}


@dataclass(frozen=True)
class ApplyItem:
    """What happened (or, in a dry run, would happen) to one declared record."""

    kind: str
    """Entity type."""
    key: str
    """Person-readable key."""
    outcome: str
    """``created``, ``configured`` or ``unchanged`` (kubectl's words)."""
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    """Changed field -> (stored, declared)."""
    steps: tuple[str, ...] = ()
    """Workflow steps taken (changes only)."""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "kind": self.kind,
            "key": self.key,
            "outcome": self.outcome,
            "fields": {k: {"from": a, "to": b} for k, (a, b) in self.fields.items()},
            "steps": list(self.steps),
        }


@dataclass(frozen=True)
class ApplyResult:
    """The outcome of applying a file."""

    items: tuple[ApplyItem, ...]
    """One per declared record, in apply order."""
    dry_run: bool
    """Whether nothing was written."""
    ledger_indices: tuple[int, ...]
    """Log indices of the register_change entries written."""

    @property
    def changed(self) -> bool:
        """Whether anything was (or would be) written."""
        return any(i.outcome != "unchanged" for i in self.items)


class _DryRun(Exception):
    # Raised inside the transaction so that Database.session() rolls everything back.
    def __init__(self, items: tuple[ApplyItem, ...]) -> None:
        super().__init__("dry run")
        self.items = items


def apply_document(
    db: Database,
    recorder: ChangeRecorder,
    document: OrgDocument,
    actor: str,
    *,
    dry_run: bool = False,
    catalog: Catalog | None = None,
) -> ApplyResult:
    """Make the registers match ``document``; record every write in the ledger."""
    journal = Journal()
    try:
        with db.session() as session:
            items = _apply(session, journal, document, actor, catalog)
            if dry_run:
                raise _DryRun(items)
    except _DryRun as signal:
        return ApplyResult(signal.items, True, ())
    journal.indices.extend(recorder.record_many(journal.changes))
    return ApplyResult(items, False, tuple(journal.indices))


def _apply(
    session: Session, journal: Journal, doc: OrgDocument, actor: str, catalog: Catalog | None
) -> tuple[ApplyItem, ...]:
    org, created = ensure_organisation(session, doc.organisation.slug, doc.organisation.name, actor)
    journal.add(created)
    items: list[ApplyItem] = []
    if created is not None:
        items.append(ApplyItem("organisation", doc.organisation.slug, "created"))
    for plural in ORDER:
        kind = registers.REGISTERS[plural]
        for spec in getattr(doc, plural):
            diff, change = registers.declare(session, kind, org, spec, actor)
            journal.add(change)
            items.append(ApplyItem(kind.name, diff.key, _VERB[diff.action], diff.fields))
    for change_spec in doc.changes:
        plan, recorded = changes.declare_change(session, org, change_spec, actor)
        journal.add(*recorded)
        items.append(ApplyItem("change", plan.key, _VERB[plan.action], plan.fields, plan.new_steps))
    specs = [spec for plural in ORDER for spec in getattr(doc, plural)]
    problems = dangling(session, org, specs, catalog)
    if problems:
        raise InputError("the file refers to things that do not exist:\n  " + "\n  ".join(problems))
    return tuple(items)
