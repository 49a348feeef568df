"""Pydantic specs of the registers: what a user declares (Create), as the API and ``apply``
read it. Public views add ids and timestamps (:mod:`aiattest.governance.views`)."""

from __future__ import annotations

from datetime import UTC, date
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from aiattest.governance.risk import RiskAnswers

Name = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:@/ -]*$")

UTCDatetime = Annotated[AwareDatetime, AfterValidator(lambda d: d.astimezone(UTC))]
"""An aware datetime, normalised to UTC so that stored and declared values compare equal."""


class Spec(BaseModel):
    """Base of every spec: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class SystemSpec(Spec):
    """An AI system in scope."""

    name: str = Name
    """Unique name within the organisation."""
    description: str = ""
    """What the system does, for whom."""
    components: list[str] = []
    """Its parts (gateway, retriever, vector store, agent runtime)."""
    endpoints: list[str] = []
    """Where it is reached."""
    data_classes: list[str] = []
    """Classifications of the data it handles."""
    sla_tier: Literal["critical", "high", "standard", "best-effort"] = "standard"
    """Availability tier."""
    owners: list[str] = []
    """Accountable owners."""
    automated_decisions: bool = False
    """Whether it makes automated decisions about individuals."""


class ModelSpec(Spec):
    """A model version in the inventory."""

    name: str = Name
    """Model name (with ``version`` the key)."""
    version: str = Field(min_length=1, max_length=100)
    """Version label or provider snapshot id."""
    system: str | None = None
    """The AI system that uses it."""
    provider: str = Field(min_length=1, max_length=100)
    """The vendor hosting it, or ``self-hosted``."""
    self_hosted: bool = False
    """Whether we run the weights ourselves."""
    artifact_digest: str | None = Field(default=None, pattern=r"^sha(256|384|512):[0-9a-f]+$")
    """Digest of the weights or image (self-hosted models)."""
    purpose: str = ""
    """What it is for."""
    out_of_scope_uses: list[str] = []
    """Uses it must not be put to."""
    owners: list[str] = []
    """Accountable owners."""
    training_data: list[str] = []
    """Datasets it was trained or fine-tuned on (dataset names)."""
    eval_data: list[str] = []
    """Datasets it is evaluated on."""
    rag_data: list[str] = []
    """Knowledge bases it retrieves from."""
    risk_assessment: RiskAnswers = RiskAnswers()
    """The risk questionnaire; the tier follows from it."""
    risk_notes: str = ""
    """Free-text rationale added to the rule that fired."""
    status: Literal["development", "staging", "production", "deprecated", "retired"] | None = None
    """Lifecycle status; leave unset when changes manage it."""
    deployment_alias: str | None = None
    """Alias traffic is routed by (``champion``); unset: managed by changes."""
    rollout_percent: int | None = Field(default=None, ge=0, le=100)
    """Share of traffic; unset: managed by changes."""

    @model_validator(mode="after")
    def _digest_for_self_hosted(self) -> ModelSpec:
        if self.self_hosted and not self.artifact_digest:
            raise ValueError("a self-hosted model needs its artifact_digest")
        return self


class DatasetSpec(Spec):
    """A dataset."""

    name: str = Name
    """Unique name."""
    uri: str | None = None
    """Where it lives, as lineage events name it (``namespace/name``)."""
    description: str = ""
    """What it holds."""
    source: str = Field(min_length=1)
    """Where it came from."""
    classification: Literal["public", "internal", "confidential", "restricted"]
    """Data classification."""
    contains_pii: bool = False
    """Whether it holds personal data."""
    pii_categories: list[str] = []
    """Kinds of personal data."""
    legal_basis: (
        Literal[
            "consent",
            "contract",
            "legal-obligation",
            "vital-interests",
            "public-task",
            "legitimate-interests",
        ]
        | None
    ) = None
    """GDPR Art. 6 basis for processing the personal data."""
    region: str = Field(min_length=1)
    """Where it is stored."""
    encryption: str = Field(min_length=1)
    """Encryption at rest (``AES-256-GCM``) or ``none``."""
    owner: str = Field(min_length=1)
    """Accountable owner."""
    content_hash: str | None = None
    """Hash of the content of this version."""

    @model_validator(mode="after")
    def _rules(self) -> DatasetSpec:
        if self.contains_pii and self.legal_basis is None:
            raise ValueError("a dataset with personal data needs a legal_basis")
        if self.classification in {"confidential", "restricted"} and self.encryption == "none":
            raise ValueError(f"{self.classification} data must be encrypted at rest")
        return self


class ComplementaryControl(Spec):
    """A CSOC (what the vendor must do) or a CUEC (what our customers must do)."""

    id: str = Field(min_length=1, max_length=50)
    """Short id (``CSOC-1``)."""
    description: str = Field(min_length=1)
    """The control, in our words."""
    criteria: list[str] = []
    """TSC criteria it supports (``CC6.1``)."""

    @model_validator(mode="after")
    def _criteria_ids(self) -> ComplementaryControl:
        import re

        bad = [c for c in self.criteria if not re.fullmatch(r"[A-Z]{1,2}\d+\.\d+", c)]
        if bad:
            raise ValueError(f"not criterion ids: {', '.join(bad)}")
        return self


class VendorSpec(Spec):
    """A sub-service organisation."""

    name: str = Name
    """Unique name."""
    kind: Literal["llm-provider", "vector-db", "cloud", "other"]
    """What it provides."""
    services: list[str] = []
    """Services used."""
    soc2_report_type: Literal["type1", "type2", "none"]
    """Its SOC 2 report."""
    soc2_period_end: date | None = None
    """End of the period the report covers."""
    soc2_report_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    """SHA-256 of the report file we hold."""
    bridge_letter_through: date | None = None
    """A bridge letter covering the gap after the period, up to this date."""
    dpa_signed_on: date | None = None
    """When the data processing agreement was signed."""
    zero_retention: bool = False
    """Whether prompts and completions are not retained."""
    zero_retention_terms: str = ""
    """Where that is agreed."""
    regions: list[str] = []
    """Where it processes our data."""
    inclusion: Literal["carve-out", "inclusive"] = "carve-out"
    """How our report treats it."""
    csocs: list[ComplementaryControl] = []
    """Controls we rely on the vendor for."""
    cuecs: list[ComplementaryControl] = []
    """Controls we publish to our own customers because of this vendor."""
    outage_route: str | None = None
    """The gateway fallback route that covers its outage."""
    owner: str = ""
    """Accountable owner."""

    @model_validator(mode="after")
    def _report(self) -> VendorSpec:
        if self.soc2_report_type != "none" and self.soc2_period_end is None:
            raise ValueError("a SOC 2 report needs its soc2_period_end")
        return self


class RiskSpec(Spec):
    """An entry of the risk register."""

    name: str = Name
    """Short id (``R-001``)."""
    title: str = Field(min_length=1)
    """The risk in a line."""
    description: str = ""
    """More detail."""
    system: str | None = None
    """The AI system it concerns."""
    likelihood: int = Field(ge=1, le=5)
    """Inherent likelihood 1..5."""
    impact: int = Field(ge=1, le=5)
    """Inherent impact 1..5."""
    residual_likelihood: int = Field(ge=1, le=5)
    """Likelihood after treatment."""
    residual_impact: int = Field(ge=1, le=5)
    """Impact after treatment."""
    treatment: Literal["mitigate", "accept", "transfer", "avoid"]
    """How it is treated."""
    owner: str = Field(min_length=1)
    """Risk owner."""
    controls: list[str] = []
    """Catalog control ids that treat it."""
    ai_risks: list[str] = []
    """Catalog AI risk ids it instantiates."""

    @model_validator(mode="after")
    def _residual(self) -> RiskSpec:
        if self.residual_likelihood * self.residual_impact > self.likelihood * self.impact:
            raise ValueError("residual score cannot exceed the inherent score")
        return self


class TimelineEntry(Spec):
    """One line of an incident timeline."""

    at: UTCDatetime
    """When."""
    entry: str = Field(min_length=1)
    """What happened."""


class IncidentSpec(Spec):
    """An incident."""

    name: str = Name
    """Short id (``INC-7``)."""
    title: str = Field(min_length=1)
    """What happened, in a line."""
    type: Literal[
        "prompt-injection",
        "model-poisoning",
        "data-leakage",
        "provider-outage",
        "harmful-output",
        "drift",
        "other",
    ]
    """Incident type."""
    severity: Literal["sev1", "sev2", "sev3", "sev4"]
    """Severity, sev1 worst."""
    status: Literal["open", "contained", "resolved", "closed"] = "open"
    """Where it stands."""
    owner: str = Field(min_length=1)
    """Incident owner."""
    system: str | None = None
    """The AI system affected."""
    opened_at: UTCDatetime
    """When it was opened."""
    resolved_at: UTCDatetime | None = None
    """When it was resolved."""
    timeline: list[TimelineEntry] = []
    """What happened when."""
    postmortem: str = ""
    """The postmortem (required to close)."""

    @model_validator(mode="after")
    def _closing(self) -> IncidentSpec:
        if self.status in {"resolved", "closed"} and self.resolved_at is None:
            raise ValueError(f"a {self.status} incident needs resolved_at")
        if self.status == "closed" and not self.postmortem.strip():
            raise ValueError("a closed incident needs a postmortem")
        return self


class PolicySpec(Spec):
    """A policy of the organisation."""

    name: str = Name
    """The template id (``ai-acceptable-use``)."""
    title: str = Field(min_length=1)
    """Title."""
    version: str = Field(min_length=1, max_length=32)
    """Version label."""
    status: Literal["draft", "approved", "retired"] = "draft"
    """Lifecycle status."""
    owner: str = Field(min_length=1)
    """Policy owner."""
    approved_by: str | None = None
    """Approver."""
    approved_on: date | None = None
    """Approval date."""

    @model_validator(mode="after")
    def _approval(self) -> PolicySpec:
        if self.status == "approved" and (self.approved_by is None or self.approved_on is None):
            raise ValueError("an approved policy needs approved_by and approved_on")
        return self


class ChunkSpec(Spec):
    """A chunk of a RAG document, as the vector store names it."""

    id: str = Field(min_length=1, max_length=300)
    """The chunk id in the vector store."""
    content_hash: str | None = None
    """Hash of the chunk text."""


class RagDocumentSpec(Spec):
    """A document in a RAG knowledge base and its provenance."""

    knowledge_base: str = Name
    """The knowledge base (with ``document`` the key)."""
    document: str = Field(min_length=1, max_length=300)
    """The document id."""
    source_uri: str = Field(min_length=1)
    """Where the document came from."""
    version: str = Field(min_length=1)
    """The document version ingested."""
    content_hash: str | None = None
    """Hash of the document content."""
    ingestion_run: str | None = None
    """The run (OpenLineage run id) that ingested it."""
    dataset: str | None = None
    """The registered dataset it belongs to."""
    chunks: list[ChunkSpec] = []
    """Its chunks."""
