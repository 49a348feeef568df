"""Checks over datasets and RAG knowledge bases: legal basis, classification, provenance."""

from __future__ import annotations

from sqlalchemy import select

from aiattest.assess import Period
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.store.models.governance import Dataset, RagDocument

UNENCRYPTED = frozenset({"", "none", "no", "false", "plaintext", "unencrypted"})
"""Encryption values (lower-cased, trimmed) that mean the data is not encrypted at rest."""


def dataset_gaps(dataset: Dataset) -> list[str]:
    """What ``dataset`` lacks: a legal basis for personal data, a classification, encryption.

    The register's spec already refuses most of these, but rows may predate a rule or come
    from elsewhere, so the check reads what is stored rather than trusting the spec.
    """
    gaps: list[str] = []
    if dataset.contains_pii and not (dataset.legal_basis or "").strip():
        gaps.append("personal data without a legal basis")
    if not (dataset.classification or "").strip():
        gaps.append("no classification")
    if (dataset.encryption or "").strip().lower() in UNENCRYPTED:
        gaps.append(f"not encrypted at rest ({dataset.encryption or 'empty'})")
    return gaps


class DatasetsLegalBasis(Check):
    """Reads the dataset register as of ``at`` (datasets created later are ignored).

    Passes when every dataset holding personal data records its legal basis, and every
    dataset has a classification and an encryption-at-rest value other than none or empty.
    Fails on any dataset that misses one; no datasets registered is a pass with a note.
    """

    id = "datasets-legal-basis"
    title = "Datasets have a legal basis, a classification and encryption"
    population = "datasets"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per dataset, its note naming each gap."""
        with context.db.session() as session:
            rows = session.scalars(
                select(Dataset)
                .where(Dataset.organisation_id == context.organisation_id)
                .where(Dataset.created_at <= context.at)
                .order_by(Dataset.name)
            )
            items = []
            for row in rows:
                gaps = dataset_gaps(row)
                basis = f", basis {row.legal_basis}" if row.contains_pii else ""
                note = "; ".join(gaps) or f"{row.classification}, {row.encryption}{basis}"
                items.append(Item(row.name, "dataset", not gaps, None, note))
        return self.result(period, items, ok=None if items else "no datasets registered")


def document_gaps(document: RagDocument) -> list[str]:
    """What ``document`` lacks to be traced: a source URI, a content hash, an ingestion run."""
    wanted = {
        "source URI": document.source_uri,
        "content hash": document.content_hash,
        "ingestion run": document.ingestion_run,
    }
    return [f"no {name}" for name, value in wanted.items() if not (value or "").strip()]


class RagProvenance(Check):
    """Reads the RAG document register as of ``at`` (documents recorded later are ignored).

    Passes when every document in every knowledge base records the URI it came from, the
    hash of its content and the ingestion run that put it in the index. Fails on any
    document missing one; no RAG documents is a pass with a note.
    """

    id = "rag-provenance"
    title = "RAG documents traceable to source, content hash and ingestion run"
    population = "rag documents"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per document (``knowledge_base/document``)."""
        with context.db.session() as session:
            rows = session.scalars(
                select(RagDocument)
                .where(RagDocument.organisation_id == context.organisation_id)
                .where(RagDocument.created_at <= context.at)
                .order_by(RagDocument.knowledge_base, RagDocument.document)
            )
            items = []
            for row in rows:
                gaps = document_gaps(row)
                note = "; ".join(gaps) or f"v{row.version}, run {row.ingestion_run}"
                ref = f"{row.knowledge_base}/{row.document}"
                items.append(Item(ref, "rag-document", not gaps, None, note))
        return self.result(period, items, ok=None if items else "no RAG documents registered")


CHECKS: tuple[type[Check], ...] = (DatasetsLegalBasis, RagProvenance)
