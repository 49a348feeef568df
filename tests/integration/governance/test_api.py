"""The governance REST API mounted on a FastAPI app: every route with every role, register
writes through PUT/PATCH/DELETE, the change workflow, lineage ingest and queries, cards.

Authentication belongs to the gateway; here the principal comes from test headers through
the same ``ApiDeps.principal`` seam the gateway fills.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI, Header, HTTPException
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from openlineage.client.event_v2 import InputDataset, Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.serde import Serde
from sqlalchemy import select

from aiattest.catalog import load_catalog
from aiattest.governance.api import ROLES_KEY, ApiDeps, create_router
from aiattest.roles import Role
from aiattest.store import Database
from aiattest.store.models import Principal, PrincipalRole
from tests.integration.governance.conftest import SQLITE_ONLY, ListRecorder


@dataclass(frozen=True)
class Caller:
    principal: str
    role: Role
    organisation_id: uuid.UUID


@pytest.fixture
def client(db: Database, org: uuid.UUID, recorder: ListRecorder) -> Iterator[TestClient]:
    def principal(x_role: str = Header(), x_principal: str = Header("tester")) -> Caller:
        try:
            return Caller(x_principal, Role(x_role), org)
        except ValueError:
            raise HTTPException(401, "unknown role") from None

    app = FastAPI()
    catalog = load_catalog()
    router = create_router(ApiDeps(principal, lambda: db, lambda: recorder, lambda: catalog))
    app.include_router(router)
    with TestClient(app) as test_client:
        test_client.governance_routes = [  # type: ignore[attr-defined]
            r for r in router.routes if isinstance(r, APIRoute)
        ]
        yield test_client


def as_(role: Role, who: str = "tester") -> dict[str, str]:
    return {"x-role": role.value, "x-principal": who}


MODEL = {"name": "bot", "version": "1", "provider": "openai", "purpose": "answers",
         "risk_assessment": {"user_population": "public"}}  # fmt: skip


@SQLITE_ONLY
def test_every_route_with_every_role(client: TestClient) -> None:
    routes: list[APIRoute] = client.governance_routes  # type: ignore[attr-defined]
    assert len(routes) > 50
    for route in routes:
        allowed = set(route.openapi_extra[ROLES_KEY])
        assert allowed <= {r.value for r in Role}
        path = route.path.replace("{key:path}", "x@y").replace("{dataset:path}", "d")
        path = path.replace("{chunk:path}", "c").replace("{model:path}", "m@1")
        path = path.replace("{name}", "x").replace("{model}", "m@1")
        for method in route.methods:
            for role in Role:
                response = client.request(method, path, headers=as_(role), json={},
                                          params={"from": "2026-01-01T00:00:00Z",
                                                  "to": "2026-02-01T00:00:00Z"})  # fmt: skip
                denied = response.status_code == 403
                assert denied == (role.value not in allowed), (method, path, role, response.text)
    # Consumers use the AI; the only governance routes open to them are their own policies.
    consumer_routes = {r.path for r in routes if Role.CONSUMER.value in r.openapi_extra[ROLES_KEY]}
    assert consumer_routes == {"/api/v1/policy-documents/{name}",
                               "/api/v1/policy-documents/{name}/acknowledgements"}  # fmt: skip


def test_register_writes_are_ledgered(client: TestClient, recorder: ListRecorder) -> None:
    created = client.put("/api/v1/models", json=MODEL, headers=as_(Role.MODEL_DEVELOPER, "ana"))
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["outcome"] == "create"
    assert (body["record"]["risk_tier"], body["record"]["risk_rule"]) == ("medium", "M4")
    again = client.put("/api/v1/models", json=MODEL, headers=as_(Role.ADMIN))
    assert again.json()["outcome"] == "unchanged"
    patched = client.patch("/api/v1/models/bot@1", json={"purpose": "drafts"},
                           headers=as_(Role.ADMIN))  # fmt: skip
    assert patched.json()["fields"] == {"purpose": {"from": "answers", "to": "drafts"}}
    managed = client.put("/api/v1/models", json={**MODEL, "status": "production"},
                         headers=as_(Role.ADMIN))  # fmt: skip
    assert managed.status_code == 422
    assert "set by change management" in managed.json()["detail"]["message"]
    dangling = client.put("/api/v1/models", json={**MODEL, "version": "2", "system": "ghost",
                                                  "training_data": ["nope"]},
                          headers=as_(Role.ADMIN))  # fmt: skip
    assert dangling.status_code == 422
    assert "no system 'ghost'" in dangling.json()["detail"]["message"]
    assert "no dataset 'nope'" in dangling.json()["detail"]["message"]
    risk = {
        "name": "R1",
        "title": "t",
        "likelihood": 2,
        "impact": 2,
        "residual_likelihood": 1,
        "residual_impact": 1,
        "treatment": "mitigate",
        "owner": "o",
        "controls": ["bogus"],
    }
    refused = client.put("/api/v1/risks", json=risk, headers=as_(Role.ADMIN))
    assert "no catalog control 'bogus'" in refused.json()["detail"]["message"]
    accepted = client.put("/api/v1/risks", json={**risk, "likelihood": 3, "impact": 4,
                                                 "controls": ["model-change-management"]},
                          headers=as_(Role.ADMIN)).json()["record"]  # fmt: skip
    assert (accepted["inherent_score"], accepted["residual_score"]) == (12, 1)
    bad = client.put("/api/v1/models", json={"name": "x"}, headers=as_(Role.ADMIN))
    assert bad.status_code == 422
    assert bad.json()["detail"]["message"] == "model: version: Field required"
    for i in range(3):
        client.put("/api/v1/systems", json={"name": f"s{i}", "sla_tier": "high"},
                   headers=as_(Role.ADMIN))  # fmt: skip
    page = client.get("/api/v1/systems", params={"sla_tier": "high", "limit": 2, "offset": 1},
                      headers=as_(Role.AUDITOR)).json()  # fmt: skip
    assert (page["total"], [s["name"] for s in page["items"]]) == (3, ["s1", "s2"])
    unknown = client.get("/api/v1/systems", params={"colour": "red"}, headers=as_(Role.AUDITOR))
    assert unknown.status_code == 404
    assert client.delete("/api/v1/systems/s0", headers=as_(Role.ADMIN)).status_code == 200
    assert client.get("/api/v1/systems/s0", headers=as_(Role.ADMIN)).status_code == 404
    assert [(c.entity_type, c.action, c.actor) for c in recorder.changes] == [
        ("model", "create", "ana"), ("model", "update", "tester"), ("risk", "create", "tester"),
        ("system", "create", "tester"), ("system", "create", "tester"),
        ("system", "create", "tester"), ("system", "delete", "tester"),
    ]  # fmt: skip


def test_change_workflow_over_http(client: TestClient, recorder: ListRecorder) -> None:
    client.put("/api/v1/models", json=MODEL, headers=as_(Role.ADMIN))
    run = {"name": "ev", "suite": "qa", "suite_version": "1", "dataset_hash": "abc",
           "target": "bot@1", "metrics": {"f1": 0.9}, "thresholds": {"f1": 0.8},
           "run_at": "2026-10-01T00:00:00Z"}  # fmt: skip
    assert client.put("/api/v1/eval_runs", json=run, headers=as_(Role.ADMIN)).json()["record"][
        "passed"
    ]
    proposal = {"name": "CHG-1", "subject_kind": "model", "subject": "bot@1",
                "proposed_at": "2026-10-01T01:00:00Z", "requester": "someone-else"}  # fmt: skip
    proposed = client.post("/api/v1/changes", json=proposal,
                           headers=as_(Role.MODEL_DEVELOPER, "rita"))  # fmt: skip
    assert proposed.status_code == 201, proposed.text
    assert proposed.json()["requester"] == "rita"  # from the principal, not the body

    def step(action: str, role: Role, who: str, **extra: Any) -> Any:
        body = {"action": action, "at": "2026-10-02T00:00:00Z", "actor": "ignored", **extra}
        return client.post("/api/v1/changes/CHG-1/steps", json=body, headers=as_(role, who))

    assert step("evaluate", Role.MODEL_DEVELOPER, "rita", eval_run="ev").status_code == 200
    own = step("approve", Role.MODEL_DEVELOPER, "rita")
    assert own.status_code == 409
    assert "segregation of duties" in own.json()["detail"]["hint"]
    assert step("stage", Role.MODEL_DEVELOPER, "rita", rollout_percent=5).status_code == 403
    assert step("approve", Role.OPERATOR, "omar").json()["state"] == "approved"
    assert step("stage", Role.OPERATOR, "ops", rollout_percent=5).json()["state"] == "staged"
    assert step("promote", Role.OPERATOR, "ops").json()["state"] == "production"
    assert step("rollback", Role.OPERATOR, "ops").status_code == 422  # no reason
    assert step("retire", Role.OPERATOR, "ops").json()["state"] == "retired"
    window = {"from": "2026-10-01T00:00:00Z", "to": "2026-11-01T00:00:00Z"}
    found = client.get("/api/v1/changes/deployments", headers=as_(Role.AUDITOR), params=window)
    assert [d["change"] for d in found.json()] == ["CHG-1"]
    change_actions = [(c.action, c.actor) for c in recorder.changes if c.entity_type == "change"]
    assert change_actions == [("create", "rita"), ("evaluate", "rita"), ("approve", "omar"),
                              ("stage", "ops"), ("promote", "ops"), ("retire", "ops")]  # fmt: skip


@SQLITE_ONLY
def test_lineage_and_model_card_over_http(client: TestClient) -> None:
    client.put("/api/v1/datasets", headers=as_(Role.ADMIN), json={
        "name": "faq", "uri": "s3://kb/faq", "source": "cms", "classification": "public",
        "region": "eu", "encryption": "AES-256-GCM", "owner": "kb-team"})  # fmt: skip
    client.put("/api/v1/models", json=MODEL, headers=as_(Role.ADMIN))
    event = RunEvent(eventType=RunState.COMPLETE, eventTime=datetime(2026, 9, 1, tzinfo=UTC)
                     .isoformat(), run=Run(runId=str(uuid.uuid4())),
                     job=Job(namespace="ml", name="tune"), producer="https://example.invalid",
                     inputs=[InputDataset(namespace="s3://kb", name="faq")],
                     outputs=[OutputDataset(namespace="aiattest:model", name="bot@1")])  # fmt: skip
    payload = json.loads(Serde.to_json(event))
    sent = client.post("/api/v1/lineage", json=payload, headers=as_(Role.OPERATOR))
    assert sent.json()["edges_added"] == 2
    broken = client.post("/api/v1/lineage", json={**payload, "run": {}}, headers=as_(Role.ADMIN))
    assert broken.status_code == 422
    assert "run.runId" in broken.json()["detail"]["message"]
    trained = client.get("/api/v1/lineage/models/bot@1/datasets", headers=as_(Role.AUDITOR))
    assert [(n["key"], n["register_name"]) for n in trained.json()] == [("s3://kb/faq", "faq")]
    used = client.get("/api/v1/lineage/datasets/faq/models", headers=as_(Role.AUDITOR))
    assert [n["key"] for n in used.json()] == ["bot@1"]
    card = client.get("/api/v1/model-cards/bot@1", headers=as_(Role.AUDITOR))
    assert card.headers["content-type"].startswith("text/markdown")
    assert "# Model Card for bot" in card.text
    client.put("/api/v1/policies", headers=as_(Role.ADMIN), json={
        "name": "encryption", "title": "Encryption Policy", "version": "1", "status": "approved",
        "owner": "ciso", "approved_by": "ceo", "approved_on": "2026-01-01"})  # fmt: skip
    html = client.get("/api/v1/policy-documents/encryption", params={"format": "html"},
                      headers=as_(Role.CONSUMER))  # fmt: skip
    assert "<h1>Encryption Policy</h1>" in html.text
    assert len(html.headers["x-policy-sha256"]) == 64
    ack = client.post("/api/v1/policy-documents/encryption/acknowledgements",
                      headers=as_(Role.CONSUMER, "kim"))  # fmt: skip
    assert ack.json() == {"policy": "encryption", "principal": "kim", "new": True}
    client.put("/api/v1/vendors", headers=as_(Role.ADMIN), json={
        "name": "llm", "kind": "llm-provider", "soc2_report_type": "none"})  # fmt: skip
    findings = client.get("/api/v1/vendor-findings", headers=as_(Role.AUDITOR)).json()
    assert {f["code"] for f in findings} == {"V1", "V6", "V7", "V8", "V10"}
    bom = client.get("/api/v1/model-cards/bot@1", params={"format": "cyclonedx"},
                     headers=as_(Role.AUDITOR))  # fmt: skip
    assert bom.json()["components"][0]["type"] == "machine-learning-model"


@SQLITE_ONLY
def test_access_review_over_http(client: TestClient, db: Database, org: uuid.UUID) -> None:
    with db.session() as session:
        for name in ("ana", "bo"):
            person = Principal(id=uuid.uuid4(), organisation_id=org, kind="person", name=name)
            person.roles.append(PrincipalRole(role="operator"))
            session.add(person)
    admin = as_(Role.ADMIN, "ana")
    opened = client.post(
        "/api/v1/access-reviews",
        headers=admin,
        json={"name": "Q4", "reviewer": "ana", "due_on": "2026-12-31"},
    )
    assert opened.status_code == 201, opened.text
    assert [i["subject"] for i in opened.json()["items"]] == ["ana", "bo"]
    own = client.post(
        "/api/v1/access-reviews/Q4/decisions",
        headers=admin,
        json={"kind": "principal", "subject": "ana", "decision": "keep"},
    )
    assert own.status_code == 409
    client.post(
        "/api/v1/access-reviews/Q4/decisions",
        headers=as_(Role.ADMIN, "ceo"),
        json={"kind": "principal", "subject": "ana", "decision": "keep"},
    )
    client.post(
        "/api/v1/access-reviews/Q4/decisions",
        headers=admin,
        json={"kind": "principal", "subject": "bo", "decision": "revoke", "reason": "moved teams"},
    )
    closed = client.post("/api/v1/access-reviews/Q4/close", headers=admin)
    assert closed.json()["status"] == "closed"
    shown = client.get("/api/v1/access-reviews/Q4", headers=as_(Role.AUDITOR)).json()
    assert [(i["subject"], i["decision"], i["applied"]) for i in shown["items"]] == [
        ("ana", "keep", False),
        ("bo", "revoke", True),
    ]
    with db.session() as session:
        bo = session.scalars(select(Principal).where(Principal.name == "bo")).one()
        assert bo.active is False
