"""The declarative organisation file that ``aiattest apply`` reads: one YAML document with
a section per register, validated into specs with errors that name the file and the path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from aiattest.errors import InputError
from aiattest.governance.registers import REGISTERS
from aiattest.governance.schemas import (
    DatasetSpec,
    IncidentSpec,
    ModelSpec,
    PolicySpec,
    RagDocumentSpec,
    RiskSpec,
    SystemSpec,
    VendorSpec,
)
from aiattest.governance.workflow_specs import ChangeSpec, EvalRunSpec

API_VERSION = "aiattest/v1"


class OrganisationRef(BaseModel):
    """The organisation the file describes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    """Its identifier."""
    name: str = Field(min_length=1, max_length=200)
    """Its display name (used when the organisation is created)."""


class OrgDocument(BaseModel):
    """A whole organisation's registers, declared."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api_version: str = Field(alias="apiVersion", default=API_VERSION)
    """Format version; only ``aiattest/v1``."""
    organisation: OrganisationRef
    """Whose registers these are."""
    systems: list[SystemSpec] = []
    """AI systems in scope."""
    datasets: list[DatasetSpec] = []
    """Datasets."""
    rag_documents: list[RagDocumentSpec] = []
    """Documents in RAG knowledge bases, with their chunks."""
    vendors: list[VendorSpec] = []
    """Sub-service organisations."""
    models: list[ModelSpec] = []
    """The model inventory."""
    eval_runs: list[EvalRunSpec] = []
    """Eval-suite runs that gate changes."""
    policies: list[PolicySpec] = []
    """Policies."""
    risks: list[RiskSpec] = []
    """The risk register."""
    incidents: list[IncidentSpec] = []
    """Incidents."""
    changes: list[ChangeSpec] = []
    """Changes and the steps they took."""

    @model_validator(mode="after")
    def _known_version_and_unique_keys(self) -> OrgDocument:
        if self.api_version != API_VERSION:
            raise ValueError(f"apiVersion must be {API_VERSION!r}")
        for plural, kind in REGISTERS.items():
            seen: set[tuple[str, ...]] = set()
            for spec in getattr(self, plural):
                key = kind.key_of(spec)
                if key in seen:
                    raise ValueError(f"{plural}: {kind.label(key)!r} is declared twice")
                seen.add(key)
        names = [c.name for c in self.changes]
        if len(names) != len(set(names)):
            raise ValueError("changes: a change is declared twice")
        return self


def parse_document(data: Any, source: str = "<input>") -> OrgDocument:
    """Validate parsed YAML as an organisation document (raises InputError)."""
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping at the top level")
    try:
        return OrgDocument.model_validate(data)
    except ValidationError as e:
        lines = [f"{_where(err['loc'])}: {err['msg']}" for err in e.errors()[:10]]
        raise InputError(
            f"{source} is not a valid organisation file:\n  " + "\n  ".join(lines)
        ) from e


def load_document(path: Path) -> OrgDocument:
    """Read and validate an organisation file (raises InputError)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise InputError(f"{path} is not valid YAML: {e}") from e
    return parse_document(data, str(path))


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"
