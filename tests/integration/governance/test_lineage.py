"""Lineage on the real store: OpenLineage RunEvents built with the openlineage-python client
are ingested, and the three lineage questions are answered from events and declarations."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.serde import Serde

from aiattest.errors import NotFoundError
from aiattest.governance import lineage
from aiattest.governance.apply import apply_document
from aiattest.governance.document import load_document
from aiattest.governance.unit import organisation_id, unit_of_work
from aiattest.store import Database
from tests.integration.governance.conftest import SQLITE_ONLY, ListRecorder

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
PRODUCER = "https://example.invalid/aiattest-tests"


def event(
    job: str,
    inputs: list[tuple[str, str]],
    outputs: list[tuple[str, str]],
    state: RunState = RunState.COMPLETE,
    run_id: str | None = None,
) -> lineage.RunEvent:
    ol = RunEvent(
        eventType=state,
        eventTime=datetime(2026, 9, 1, 12, tzinfo=UTC).isoformat(),
        run=Run(runId=run_id or str(uuid.uuid4())),
        job=Job(namespace="northwind-ml", name=job),
        producer=PRODUCER,
        inputs=[InputDataset(namespace=ns, name=n) for ns, n in inputs],
        outputs=[OutputDataset(namespace=ns, name=n) for ns, n in outputs],
    )
    payload = json.loads(Serde.to_json(ol))
    assert payload["schemaURL"].endswith("spec/2-0-2/OpenLineage.json#/$defs/RunEvent")
    return lineage.RunEvent.model_validate(payload)


def test_ingest_and_query(db: Database, recorder: ListRecorder) -> None:
    apply_document(db, recorder, load_document(EXAMPLE), "dana")
    recorder.changes.clear()
    events = [
        # raw applications -> cleaning job -> curated table
        event("clean-applications", [("postgres://warehouse", "credit.applications_2025")],
              [("s3://northwind-ml", "curated/applications-2025")]),
        # curated table -> training job -> the scorer version
        event("train-precheck", [("s3://northwind-ml", "curated/applications-2025")],
              [(lineage.MODEL_NAMESPACE, "precheck-scorer@4.1")]),
        # a failed run leaves no lineage
        event("train-precheck", [("s3://scratch", "tmp")],
              [(lineage.MODEL_NAMESPACE, "precheck-scorer@4.1")], state=RunState.FAIL),
    ]  # fmt: skip
    with unit_of_work(db, recorder) as (session, journal):
        org = organisation_id(session, "northwind")
        results = []
        for e in events:
            result, change = lineage.ingest(session, org, e, "pipeline")
            journal.add(change)
            results.append(result)
    assert [(r.edges_added, r.ignored) for r in results] == [(2, False), (2, False), (0, True)]
    assert [c.entity_type for c in recorder.changes] == ["lineage_run", "lineage_run"]
    with db.session() as session:  # the same events again add nothing
        again = [lineage.ingest(session, org, e, "pipeline")[0].edges_added for e in events]
    assert again == [0, 0, 0]

    with db.session() as session:
        trained = lineage.trained_on(session, org, "precheck-scorer@4.1")
        used = lineage.models_using(session, org, "loan-applications-2025")
        support = lineage.models_using(session, org, "help-centre-articles")
        origin = lineage.chunk_origin(session, org, "article-1042#1")
        with pytest.raises(NotFoundError, match="no RAG chunk"):
            lineage.chunk_origin(session, org, "nope")
        with pytest.raises(NotFoundError, match="no model"):
            lineage.trained_on(session, org, "ghost@1")
    # Declared training data first, then what the run events add (the curated table), with
    # the raw table reached through lineage recognised as the registered dataset.
    assert [(n.key, n.via, n.register_name) for n in trained] == [
        ("loan-applications-2025", "declared", "loan-applications-2025"),
        ("s3://northwind-ml/curated/applications-2025", "lineage", None),
    ]
    assert [(n.key, n.via) for n in used] == [("precheck-scorer@4.1", "declared:training")]
    assert {n.key for n in support} == {"support-llm@gpt-4o-2024-08-06",
                                        "support-llm-fallback@claude-sonnet-4"}  # fmt: skip
    assert [(o.document, o.version, o.dataset, o.content_hash) for o in origin] == [
        ("article-1042", "2026-09-12", "help-centre-articles", "sha256:5a6b7c8d")
    ]
    assert origin[0].ingestion_run == "7b0c4f4e-3a52-4c1e-9a51-2f6a0d3e8b11"


@SQLITE_ONLY
def test_models_used_only_through_lineage(db: Database, org: uuid.UUID) -> None:
    with db.session() as session:
        for job, model in (("embed", "embedder@1"), ("tune", "tuned@2")):
            run = event(job, [("s3://kb", "faq")], [(lineage.MODEL_NAMESPACE, model)])
            lineage.ingest(session, org, run, "pipeline")
    with db.session() as session:
        used = lineage.models_using(session, org, "s3://kb/faq")
        trained = lineage.trained_on(session, org, "tuned@2")
    assert [(n.key, n.via, n.depth) for n in used] == [("embedder@1", "lineage", 2),
                                                       ("tuned@2", "lineage", 2)]  # fmt: skip
    assert [(n.key, n.depth) for n in trained] == [("s3://kb/faq", 2)]
