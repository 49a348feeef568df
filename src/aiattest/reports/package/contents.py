"""What goes into an auditor package besides the ledger: the organisation, the window's check
results, rendered policies and model cards, and the caller's extra files."""

from __future__ import annotations

import json
import re
import tempfile
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import select

from aiattest.errors import InputError, NotFoundError
from aiattest.governance import model_card, policies
from aiattest.reports.package import layout
from aiattest.store import Database
from aiattest.store.models import Organisation
from aiattest.store.models.evidence import CheckResultRow
from aiattest.store.models.governance import ModelVersion, Policy

ExtraFiles = Mapping[str, bytes] | Callable[[Path], None]
"""Files the caller adds: a mapping of package path to bytes, or a function that writes
them into the directory it is given (paths are taken relative to it)."""

_SAFE = re.compile(r"[^A-Za-z0-9._@+-]+")
RESERVED = frozenset(
    {
        layout.MANIFEST,
        layout.VERIFIER,
        layout.LEDGER_VERIFIER,
        layout.LAYOUT,
        layout.README,
        layout.CHECK_RESULTS,
    }
)
"""Paths the builder writes itself (besides everything under ``ledger/``)."""


@dataclass(frozen=True)
class OrganisationFacts:
    """The organisation a package is for, as the manifest names it."""

    id: uuid.UUID
    """Its id."""
    slug: str
    """Its short name."""
    name: str
    """Its display name."""

    def to_json(self) -> dict[str, str]:
        """The manifest's ``organisation`` object."""
        return {"id": str(self.id), "slug": self.slug, "name": self.name}


def organisation(db: Database, organisation_id: uuid.UUID) -> OrganisationFacts:
    """The organisation's facts (raises NotFoundError)."""
    with db.session() as session:
        row = session.get(Organisation, organisation_id)
        if row is None:
            raise NotFoundError(f"no organisation with id {organisation_id}")
        return OrganisationFacts(row.id, row.slug, row.name)


def check_result_lines(db: Database, organisation_id: uuid.UUID, first: int, end: int) -> bytes:
    """``evidence/check-results.jsonl``: the organisation's check results whose ledger entries
    are in [first, end), one JSON object per line, in ledger order."""
    out: list[bytes] = []
    with db.session() as session:
        rows = session.scalars(
            select(CheckResultRow)
            .where(
                CheckResultRow.organisation_id == organisation_id,
                CheckResultRow.ledger_index >= first,
                CheckResultRow.ledger_index < end,
            )
            .order_by(CheckResultRow.ledger_index, CheckResultRow.control_id)
        )
        for row in rows:
            record: dict[str, Any] = {
                "ledger_index": row.ledger_index,
                "control_id": row.control_id,
                "check_id": row.check_id,
                "status": row.status,
                "period": [row.period_start.isoformat(), row.period_end.isoformat()],
                "as_of": row.as_of.isoformat(),
                "population": row.population,
                "failed": row.failed,
                "summary": row.summary,
                "items": row.items,
                "items_sha256": row.items_sha256,
            }
            line = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
            out.append(line.encode("utf-8") + b"\n")
    return b"".join(out)


def governance_files(db: Database, organisation_id: uuid.UUID) -> dict[str, bytes]:
    """Every policy of the organisation rendered to Markdown, and a card per model version."""
    files: dict[str, bytes] = {}
    with db.session() as session:
        names = session.scalars(
            select(Policy.name)
            .where(Policy.organisation_id == organisation_id)
            .order_by(Policy.name)
        )
        templates = set(policies.template_names())
        # A policy without a shipped template has no text we can render; it is left out.
        for name in [n for n in names if n in templates]:
            rendered = policies.render_policy(session, organisation_id, name)
            files[f"policies/{_safe(name)}.md"] = rendered.markdown.encode("utf-8")
        models = session.execute(
            select(ModelVersion.name, ModelVersion.version)
            .where(ModelVersion.organisation_id == organisation_id)
            .order_by(ModelVersion.name, ModelVersion.version)
        )
        for name, version in list(models):
            card = model_card.build_card(session, organisation_id, f"{name}@{version}")
            path = f"model-cards/{_safe(name)}@{_safe(version)}.md"
            files[path] = model_card.to_markdown(card).encode("utf-8")
    return files


def _safe(part: str) -> str:
    """A register name as one file name component."""
    return _SAFE.sub("_", part).strip(".") or "_"


def extra_files(extra: ExtraFiles | None) -> dict[str, bytes]:
    """The caller's files by package path, refused if a path is unsafe or reserved."""
    if extra is None:
        return {}
    if callable(extra):
        with tempfile.TemporaryDirectory(prefix="aiattest-package-") as tmp:
            root = Path(tmp)
            extra(root)
            found = {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in sorted(root.rglob("*"))
                if p.is_file()
            }
    else:
        found = {str(k): bytes(v) for k, v in extra.items()}
    for path in found:
        check_path(path)
    return found


def check_path(path: str) -> None:
    """Refuse package paths that escape the package or clash with what the builder writes."""
    parts = PurePosixPath(path).parts
    if (
        not path
        or path.startswith("/")
        or "\\" in path
        or any(p in ("", ".", "..") for p in parts)
        or "/".join(parts) != path
    ):
        raise InputError(f"extra file path {path!r} is not a plain relative path")
    if path in RESERVED or parts[0] == "ledger" or "__pycache__" in parts:
        raise InputError(f"extra file path {path!r} is reserved for the package itself")
