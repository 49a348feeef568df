"""The facts an OSCAL export is built from: an organisation's registers and its check
results, read once from the database into frozen values so the document builders stay pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class SystemFacts:
    """One AI system of the system register."""

    name: str
    """Its name (unique in the organisation)."""
    description: str
    """What it does."""
    parts: tuple[str, ...] = ()
    """Its parts as the register lists them (gateway, retriever, vector store, ...)."""
    endpoints: tuple[str, ...] = ()
    """Where it is reached."""
    data_classes: tuple[str, ...] = ()
    """Classes of data it handles (public ... restricted, personal)."""
    sla_tier: str = "standard"
    """Its availability tier."""
    owners: tuple[str, ...] = ()
    """Accountable owners (teams)."""
    automated_decisions: bool = False
    """Whether it makes automated decisions about individuals."""


@dataclass(frozen=True, slots=True)
class ModelFacts:
    """One model version of the model inventory."""

    name: str
    """The model's name."""
    version: str
    """The version."""
    provider: str
    """Who serves it (a vendor name, or ``self-hosted``)."""
    system: str | None = None
    """The AI system it belongs to."""
    self_hosted: bool = False
    """Whether the organisation runs it itself."""
    purpose: str = ""
    """What it is for."""
    owners: tuple[str, ...] = ()
    """Accountable owners."""
    training_data: tuple[str, ...] = ()
    """Datasets it was trained or fine-tuned on."""
    eval_data: tuple[str, ...] = ()
    """Datasets it is evaluated on."""
    rag_data: tuple[str, ...] = ()
    """Datasets it retrieves from."""
    risk_tier: str = ""
    """Its risk tier from the risk assessment."""
    status: str = "development"
    """Lifecycle state (development, staging, production, retired)."""

    @property
    def key(self) -> str:
        """``name@version``, as the registers name a model version."""
        return f"{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class KnowledgeBaseFacts:
    """One retrieval knowledge base (a RAG pipeline), from the RAG document register."""

    name: str
    """The knowledge base's name."""
    documents: int
    """Documents registered in it."""
    chunks: int
    """Chunks registered for those documents."""
    datasets: tuple[str, ...] = ()
    """Datasets its documents come from."""
    systems: tuple[str, ...] = ()
    """AI systems whose models retrieve from those datasets."""


@dataclass(frozen=True, slots=True)
class DatasetFacts:
    """One dataset of the dataset register (only what the plan's information types need)."""

    name: str
    """Its name."""
    classification: str
    """public, internal, confidential or restricted."""
    contains_pii: bool = False
    """Whether it holds personal data."""


@dataclass(frozen=True, slots=True)
class VendorFacts:
    """One sub-service organisation of the vendor register."""

    name: str
    """Its name."""
    kind: str
    """What it provides (``llm-provider``, ``cloud``, ...)."""
    inclusion: str
    """``carve-out`` or ``inclusive``: how the report treats its controls."""
    services: tuple[str, ...] = ()
    """The services used."""


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything of one organisation's registers the export describes."""

    slug: str
    """The organisation's slug; every UUID of the export is derived from it."""
    name: str
    """Its display name."""
    systems: tuple[SystemFacts, ...] = ()
    """AI systems, by name."""
    models: tuple[ModelFacts, ...] = ()
    """Model versions, by name and version."""
    knowledge_bases: tuple[KnowledgeBaseFacts, ...] = ()
    """RAG knowledge bases, by name."""
    datasets: tuple[DatasetFacts, ...] = ()
    """Datasets, by name."""
    vendors: tuple[VendorFacts, ...] = ()
    """Sub-service organisations, by name."""
    role_counts: tuple[tuple[str, int], ...] = ()
    """(platform role, active principals holding it), in the roles' order."""


@dataclass(frozen=True, slots=True)
class ResultFacts:
    """One stored check result for one control (a row of ``evidence_check_results``)."""

    control_id: str
    """The control it is evidence for."""
    check_id: str
    """The check that produced it."""
    status: str
    """``pass``, ``fail`` or ``exception``."""
    period_start: date
    """First day of the period it is about."""
    period_end: date
    """Last day of that period."""
    as_of: datetime
    """The time the check looked at."""
    population: int
    """Members of the population examined."""
    failed: int
    """Members that did not meet the control."""
    summary: str
    """One line for a person."""
    items_sha256: str
    """SHA-256 of the stored items, as committed in the ledger entry."""
    ledger_index: int
    """The ``control_result`` entry in the tamper-evident ledger."""
