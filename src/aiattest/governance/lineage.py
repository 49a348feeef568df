"""Lineage: OpenLineage RunEvents in, and the three questions out — what data was a model
trained on, which models used a dataset, where did a RAG chunk come from.

The graph is stored as edges between (kind, key) nodes. A COMPLETE run event adds
``input dataset -> job`` and ``job -> output`` edges; an output in the
:data:`MODEL_NAMESPACE` namespace is a model version (``name@version``), so a training job
links its datasets to the model it produced. Declared references in the inventory
(``training_data``, ``eval_data``, ``rag_data``) answer the same questions without events.
"""

from __future__ import annotations

import json
import uuid
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import UUID4, BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from aiattest.errors import InputError, NotFoundError
from aiattest.governance.recorder import RegisterChange, record_hash
from aiattest.governance.schemas import UTCDatetime
from aiattest.store.models.governance import (
    Dataset,
    LineageEdge,
    ModelVersion,
    RagChunk,
    RagDocument,
)

MODEL_NAMESPACE = "aiattest:model"
"""OpenLineage dataset namespace that marks an output as a model version."""
SPEC_VERSION = "2-0-2"
"""The OpenLineage spec version whose RunEvents are accepted."""
MAX_DEPTH = 20
"""How many hops a lineage walk follows (cycles are cut anyway)."""


class OLDataset(BaseModel):
    """An OpenLineage dataset reference (facets are accepted and not stored)."""

    model_config = ConfigDict(extra="allow", frozen=True)

    namespace: str = Field(min_length=1, max_length=250)
    """Where it lives (``s3://bucket``, ``postgres://host:5432``)."""
    name: str = Field(min_length=1, max_length=250)
    """Its name within the namespace."""

    def key(self) -> str:
        """The node key: ``namespace/name`` (the model namespace keeps just the name)."""
        if self.namespace == MODEL_NAMESPACE:
            return self.name
        return f"{self.namespace.rstrip('/')}/{self.name.lstrip('/')}"


class OLJob(BaseModel):
    """An OpenLineage job."""

    model_config = ConfigDict(extra="allow", frozen=True)

    namespace: str = Field(min_length=1, max_length=250)
    """The job's namespace."""
    name: str = Field(min_length=1, max_length=240)
    """The job's name."""


class OLRun(BaseModel):
    """An OpenLineage run."""

    model_config = ConfigDict(extra="allow", frozen=True)

    runId: UUID4 | uuid.UUID
    """The run's UUID."""


class RunEvent(BaseModel):
    """An OpenLineage RunEvent (spec 2-0-2); unknown fields and facets are tolerated."""

    model_config = ConfigDict(extra="allow", frozen=True)

    eventType: Literal["START", "RUNNING", "COMPLETE", "ABORT", "FAIL", "OTHER"] | None = None
    """What happened to the run."""
    eventTime: UTCDatetime
    """When."""
    run: OLRun
    """The run."""
    job: OLJob
    """The job."""
    inputs: list[OLDataset] = []
    """Datasets read."""
    outputs: list[OLDataset] = []
    """Datasets (or model versions) written."""
    producer: str = Field(min_length=1)
    """The integration that emitted the event."""
    schemaURL: str = Field(min_length=1)
    """The spec the event follows."""


def parse_events(path: Path) -> list[RunEvent]:
    """RunEvents from a file holding one JSON object, a JSON array, or JSON lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    try:
        whole = json.loads(text)
        raw = whole if isinstance(whole, list) else [whole]
    except json.JSONDecodeError:
        # Not one JSON document: read it as JSON lines (one event per line).
        try:
            raw = [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as e:
            raise InputError(f"{path} is not JSON or JSON lines: {e}") from e
    return [parse_event(item, f"{path}[{i}]") for i, item in enumerate(raw)]


def parse_event(data: Any, source: str = "event") -> RunEvent:
    """Validate one RunEvent (raises InputError naming the bad field)."""
    try:
        event = RunEvent.model_validate(data)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(event)"
        raise InputError(f"{source} is not an OpenLineage RunEvent: {where}: {first['msg']}") from e
    if f"/{SPEC_VERSION}/" not in event.schemaURL and "/2-0-" not in event.schemaURL:
        raise InputError(f"{source}: schemaURL {event.schemaURL!r} is not spec 2-0-x")
    return event


@dataclass(frozen=True)
class IngestResult:
    """What one event added."""

    run_id: str
    """The run's id."""
    edges_added: int
    """New edges."""
    ignored: bool
    """True for events that carry no completed lineage (START, RUNNING, FAIL, ...)."""


def ingest(
    session: Session, org: uuid.UUID, event: RunEvent, actor: str
) -> tuple[IngestResult, RegisterChange | None]:
    """Add the edges of a COMPLETE run event (idempotent: known edges are refreshed)."""
    run_id = str(event.run.runId)
    if event.eventType != "COMPLETE":
        return IngestResult(run_id, 0, ignored=True), None
    job = f"{event.job.namespace}/{event.job.name}"
    wanted = [("dataset", d.key(), "job", job) for d in event.inputs] + [
        ("job", job, _kind(d), d.key()) for d in event.outputs
    ]
    added = 0
    for source_kind, source_key, target_kind, target_key in wanted:
        edge = session.scalar(
            select(LineageEdge).where(
                LineageEdge.organisation_id == org,
                LineageEdge.source_kind == source_kind,
                LineageEdge.source_key == source_key,
                LineageEdge.target_kind == target_kind,
                LineageEdge.target_key == target_key,
            )
        )
        if edge is None:
            session.add(LineageEdge(id=uuid.uuid4(), organisation_id=org, source_kind=source_kind,
                                    source_key=source_key, target_kind=target_kind,
                                    target_key=target_key, run_id=run_id,
                                    event_time=event.eventTime))  # fmt: skip
            added += 1
        elif edge.event_time < event.eventTime:
            edge.run_id, edge.event_time = run_id, event.eventTime
    session.flush()
    change = None
    if added:
        after = record_hash({"run": run_id, "edges": sorted(map(list, wanted))})
        change = RegisterChange(org, actor, "lineage_run", run_id, "ingest", None, after)
    return IngestResult(run_id, added, ignored=False), change


def _kind(dataset: OLDataset) -> str:
    return "model" if dataset.namespace == MODEL_NAMESPACE else "dataset"


@dataclass(frozen=True)
class Node:
    """A node reached by a lineage query."""

    kind: str
    """``dataset``, ``job`` or ``model``."""
    key: str
    """Its key (a dataset URI, ``namespace/job``, ``name@version``)."""
    via: str
    """``declared`` (the inventory says so) or ``lineage`` (run events say so)."""
    depth: int
    """Hops from the start (declared references are one hop)."""
    register_name: str | None = None
    """The dataset's name in the register, when it is registered."""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.kind, "key": self.key, "via": self.via, "depth": self.depth,
                "register_name": self.register_name}  # fmt: skip


def _walk(session: Session, org: uuid.UUID, kind: str, key: str, upstream: bool) -> list[Node]:
    # Breadth-first over the edges, one query per frontier node; cycles are cut by `seen`.
    seen = {(kind, key)}
    queue = deque([(kind, key, 0)])
    found: list[Node] = []
    while queue:
        node_kind, node_key, depth = queue.popleft()
        if depth >= MAX_DEPTH:
            continue
        near, far = (LineageEdge.target_kind, LineageEdge.target_key), (
            LineageEdge.source_kind, LineageEdge.source_key)  # fmt: skip
        if not upstream:
            near, far = far, near
        rows = session.execute(
            select(*far).where(
                LineageEdge.organisation_id == org, near[0] == node_kind, near[1] == node_key
            )
        )
        for next_kind, next_key in rows:
            if (next_kind, next_key) in seen:
                continue
            seen.add((next_kind, next_key))
            found.append(Node(next_kind, next_key, "lineage", depth + 1))
            queue.append((next_kind, next_key, depth + 1))
    return found


def _dataset_names(session: Session, org: uuid.UUID) -> dict[str, str]:
    """Registered datasets by URI and by name -> register name."""
    names: dict[str, str] = {}
    for name, uri in session.execute(
        select(Dataset.name, Dataset.uri).where(Dataset.organisation_id == org)
    ):
        names[name] = name
        if uri:
            names[uri] = name
    return names


def trained_on(session: Session, org: uuid.UUID, model: str) -> list[Node]:
    """Datasets model ``name@version`` was trained on: declared, then upstream lineage."""
    name, _, version = model.partition("@")
    row = session.scalar(select(ModelVersion).where(
        ModelVersion.organisation_id == org, ModelVersion.name == name,
        ModelVersion.version == version))  # fmt: skip
    walked = [n for n in _walk(session, org, "model", model, upstream=True) if n.kind == "dataset"]
    if row is None and not walked:
        raise NotFoundError(f"no model {model!r} in the inventory or the lineage")
    registered = _dataset_names(session, org)
    declared = [Node("dataset", d, "declared", 1, registered.get(d)) for d in
                (row.training_data if row else [])]  # fmt: skip
    known = {registered.get(n.key, n.key) for n in declared}
    lineage = [
        Node(n.kind, n.key, n.via, n.depth, registered.get(n.key))
        for n in walked
        if registered.get(n.key, n.key) not in known
    ]
    return declared + lineage


def models_using(session: Session, org: uuid.UUID, dataset: str) -> list[Node]:
    """Model versions that used ``dataset`` (a register name or a URI), declared or lineage."""
    named = or_(Dataset.name == dataset, Dataset.uri == dataset)
    row = session.scalar(select(Dataset).where(Dataset.organisation_id == org, named))
    name = row.name if row else dataset
    start = (row.uri or row.name) if row else dataset
    out: dict[str, Node] = {}
    for model in session.scalars(select(ModelVersion).where(ModelVersion.organisation_id == org)):
        uses = [role for role, refs in (("training", model.training_data),
                ("eval", model.eval_data), ("rag", model.rag_data)) if name in refs]  # fmt: skip
        if uses:
            key = f"{model.name}@{model.version}"
            out[key] = Node("model", key, "declared:" + ",".join(uses), 1)
    for node in _walk(session, org, "dataset", start, upstream=False):
        if node.kind == "model" and node.key not in out:
            out[node.key] = node
    if row is None and not out:
        raise NotFoundError(f"no dataset {dataset!r} in the register or the lineage")
    return sorted(out.values(), key=lambda n: (n.depth, n.key))


@dataclass(frozen=True)
class ChunkOrigin:
    """Where a RAG chunk came from."""

    chunk: str
    """The chunk id."""
    knowledge_base: str
    """Its knowledge base."""
    document: str
    """Its document."""
    source_uri: str
    """Where the document came from."""
    version: str
    """The document version."""
    content_hash: str | None
    """Hash of the chunk's content (or the document's when the chunk has none)."""
    ingestion_run: str | None
    """The run that ingested it."""
    dataset: str | None
    """The registered dataset the document belongs to."""
    upstream: tuple[Node, ...]
    """Datasets and jobs upstream of that dataset."""
    ingested_at: datetime
    """When the document was recorded."""

    def to_json(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "chunk": self.chunk,
            "knowledge_base": self.knowledge_base,
            "document": self.document,
            "source_uri": self.source_uri,
            "version": self.version,
            "content_hash": self.content_hash,
            "ingestion_run": self.ingestion_run,
            "dataset": self.dataset,
            "upstream": [n.to_json() for n in self.upstream],
            "ingested_at": self.ingested_at.isoformat(),
        }


def chunk_origin(session: Session, org: uuid.UUID, chunk: str) -> list[ChunkOrigin]:
    """Every document holding chunk ``chunk`` and its provenance (raises NotFoundError)."""
    rows = session.execute(
        select(RagChunk, RagDocument).join(RagDocument)
        .where(RagDocument.organisation_id == org, RagChunk.chunk == chunk)
    ).all()  # fmt: skip
    if not rows:
        raise NotFoundError(f"no RAG chunk {chunk!r}")
    registered = session.execute(
        select(Dataset.name, Dataset.uri).where(Dataset.organisation_id == org)
    )
    uri_of = {r.name: r.uri for r in registered}
    origins = []
    for chunk_row, doc in rows:
        upstream: tuple[Node, ...] = ()
        if doc.dataset:
            start = uri_of.get(doc.dataset) or doc.dataset
            upstream = tuple(_walk(session, org, "dataset", start, upstream=True))
        content_hash = chunk_row.content_hash or doc.content_hash
        origins.append(ChunkOrigin(chunk, doc.knowledge_base, doc.document, doc.source_uri,
                                   doc.version, content_hash, doc.ingestion_run, doc.dataset,
                                   upstream, doc.updated_at))  # fmt: skip
    return origins
