"""datasets-legal-basis and rag-provenance over the dataset and RAG document registers,
written through ``apply`` (the example organisation included)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update

from aiattest.assess import Outcome, Period
from aiattest.evidence.checks.data import DatasetsLegalBasis, RagProvenance
from aiattest.store.models.governance import Dataset
from tests.integration.evidence.builders_registers import apply, apply_example, as_of, dataset
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

DATASETS = DatasetsLegalBasis()
RAG = RagProvenance()


def _day(at: datetime) -> Period:
    return Period(at.date(), at.date())


def _doc(document: str, **fields: object) -> dict[str, object]:
    return {"knowledge_base": "help-centre", "document": document,
            "source_uri": f"https://help.example/{document}", "version": "3",
            "content_hash": "sha256:0f0f", "ingestion_run": "run-7",
            "chunks": [{"id": f"{document}#0"}], **fields}  # fmt: skip


@SQLITE_ONLY
def test_example_organisation(env: EvidenceEnv) -> None:
    apply_example(env)
    at = as_of()
    datasets = DATASETS.run(env.context(at), _day(at))
    assert datasets.status is Outcome.PASS, datasets.items
    assert len(datasets.items) == 4
    loans = next(i for i in datasets.items if i.ref == "loan-applications-2025")
    assert loans.note == "restricted, AES-256-GCM, basis contract"
    # article-2001 of the example records no content hash: its provenance is incomplete.
    rag = RAG.run(env.context(at), _day(at))
    assert rag.status is Outcome.FAIL
    assert [(i.ref, i.kind, i.ok, i.note) for i in rag.items] == [
        ("help-centre/article-1042", "rag-document", True,
         "v2026-09-12, run 7b0c4f4e-3a52-4c1e-9a51-2f6a0d3e8b11"),
        ("help-centre/article-2001", "rag-document", False, "no content hash"),
    ]  # fmt: skip


@SQLITE_ONLY
def test_unencrypted_and_unfounded_datasets_fail(env: EvidenceEnv) -> None:
    apply(
        env,
        datasets=[
            dataset("faq", classification="public", encryption="none"),
            dataset("crm-export", contains_pii=True, legal_basis="contract"),
            dataset("web-scrape", encryption="None "),
        ],
    )
    at = as_of()
    result = DATASETS.run(env.context(at), _day(at))
    assert result.status is Outcome.FAIL
    assert {i.ref: i.note for i in result.failures} == {
        "faq": "not encrypted at rest (none)",
        "web-scrape": "not encrypted at rest (None )",
    }
    # The dataset spec refuses personal data without a legal basis, but rows written
    # before that rule (or by a migration) can lack one: the check reads what is stored.
    with env.db.session() as session:
        session.execute(
            update(Dataset).where(Dataset.name == "crm-export").values(legal_basis=None)
        )
    crm = next(i for i in DATASETS.run(env.context(at), _day(at)).items if i.ref == "crm-export")
    assert (crm.ok, crm.note) == (False, "personal data without a legal basis")


@SQLITE_ONLY
def test_rag_documents_need_source_hash_and_run(env: EvidenceEnv) -> None:
    apply(
        env,
        datasets=[dataset("help-articles")],
        rag_documents=[
            _doc("a-1", dataset="help-articles"),
            _doc("a-2", ingestion_run=None, content_hash=None),
            _doc("a-3", ingestion_run=" "),
        ],
    )
    at = as_of()
    result = RAG.run(env.context(at), _day(at))
    assert result.status is Outcome.FAIL
    assert [(i.ref, i.ok, i.note) for i in result.items] == [
        ("help-centre/a-1", True, "v3, run run-7"),
        ("help-centre/a-2", False, "no content hash; no ingestion run"),
        ("help-centre/a-3", False, "no ingestion run"),
    ]
    assert result.summary == "2 of 3 rag documents failed"


@SQLITE_ONLY
def test_empty_registers_pass_with_a_note_and_later_rows_are_ignored(env: EvidenceEnv) -> None:
    at = as_of()
    assert DATASETS.run(env.context(at), _day(at)).summary == "no datasets registered"
    assert RAG.run(env.context(at), _day(at)).summary == "no RAG documents registered"
    apply(env, datasets=[dataset("faq", encryption="none")], rag_documents=[_doc("a-2")])
    earlier = at - timedelta(hours=2)
    assert DATASETS.run(env.context(earlier), _day(earlier)).status is Outcome.PASS
    assert RAG.run(env.context(earlier), _day(earlier)).items == ()
    assert DATASETS.run(env.context(at), _day(at)).status is Outcome.FAIL
