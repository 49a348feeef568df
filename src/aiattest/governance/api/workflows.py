"""REST routes of the workflows: changes and their steps, the deployment population,
OpenLineage ingest and lineage queries, model cards."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Response
from pydantic import ValidationError
from sqlalchemy import select

from aiattest.errors import InputError
from aiattest.governance import changes, lineage, policies, registers
from aiattest.governance.api.deps import (
    READERS,
    ApiDeps,
    Page,
    Principal,
    allow,
    http_errors,
    page_params,
    roles_extra,
)
from aiattest.governance.model_card import build_card, to_cyclonedx, to_markdown
from aiattest.governance.playbooks import playbooks
from aiattest.governance.schemas import VendorSpec
from aiattest.governance.unit import unit_of_work
from aiattest.governance.vendors import vendor_findings
from aiattest.governance.workflow_specs import ChangeSpec, ChangeStep
from aiattest.roles import Role
from aiattest.store.models.governance import Change

PROPOSERS = (Role.ADMIN, Role.MODEL_DEVELOPER)
"""Who may propose a change or record its evaluation."""
STEP_ROLES: dict[str, tuple[Role, ...]] = {
    "evaluate": (Role.ADMIN, Role.MODEL_DEVELOPER),
    "approve": (Role.ADMIN, Role.OPERATOR, Role.MODEL_DEVELOPER),
    "stage": (Role.ADMIN, Role.OPERATOR),
    "promote": (Role.ADMIN, Role.OPERATOR),
    "rollback": (Role.ADMIN, Role.OPERATOR),
    "retire": (Role.ADMIN, Role.OPERATOR),
}
"""Who may take each step; segregation of duties is enforced on top, per change."""
LINEAGE_WRITERS = (Role.ADMIN, Role.MODEL_DEVELOPER, Role.OPERATOR)
"""Who may send lineage events (pipelines run as one of these)."""


def parse_body(model: type[Any], body: dict[str, Any], what: str) -> Any:
    try:
        return model.model_validate(body)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(body)"
        raise InputError(f"{what}: {where}: {first['msg']}") from e


def add_change_routes(router: APIRouter, deps: ApiDeps) -> None:
    """Changes: list, show, propose, take a step; the production deployment population."""
    read = allow(deps, *READERS)

    @router.get("/changes", name="list_changes", openapi_extra=roles_extra(*READERS))
    def list_changes(
        state: str | None = None,
        page: Page = Depends(page_params),  # noqa: B008
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> dict[str, Any]:
        query = select(Change).where(Change.organisation_id == caller.organisation_id)
        if state is not None:
            query = query.where(Change.state == state)
        with http_errors(), db.session() as session:
            rows = list(session.scalars(query.order_by(Change.name)))
            items = [changes.view(c) for c in rows[page.offset : page.offset + page.limit]]
        return {"total": len(rows), "offset": page.offset, "limit": page.limit, "items": items}

    @router.get("/changes/deployments", name="list_deployments",
                openapi_extra=roles_extra(*READERS))  # fmt: skip
    def deployments(
        start: datetime = Query(..., alias="from"),  # noqa: B008
        end: datetime = Query(..., alias="to"),  # noqa: B008
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> list[dict[str, Any]]:
        with http_errors():
            if start.tzinfo is None or end.tzinfo is None:
                raise InputError("from and to need a time zone (e.g. 2026-10-01T00:00:00Z)")
            with db.session() as session:
                found = changes.production_deployments(session, caller.organisation_id,
                                                       start, end)  # fmt: skip
        return [{"change": d.change, "subject": d.subject, "risk_tier": d.risk_tier,
                 "at": d.at.isoformat(), "actor": d.actor} for d in found]  # fmt: skip

    @router.get("/changes/{name}", name="show_change", openapi_extra=roles_extra(*READERS))
    def show_change(
        name: str,
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors(), db.session() as session:
            return changes.view(changes.get_change(session, caller.organisation_id, name))

    @router.post("/changes", name="propose_change", status_code=201,
                 openapi_extra=roles_extra(*PROPOSERS))  # fmt: skip
    def propose(
        body: dict[str, Any] = Body(...),  # noqa: B008
        caller: Principal = Depends(allow(deps, *PROPOSERS)),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
    ) -> dict[str, Any]:
        # The requester is the caller; steps are taken one by one through /steps.
        with http_errors():
            spec = parse_body(ChangeSpec, {**body, "requester": caller.principal}, "change")
            if spec.steps:
                raise InputError("propose a change without steps; take them via /steps")
            with unit_of_work(db, recorder) as (session, journal):
                if changes.plan_change(session, caller.organisation_id, spec).action != "create":
                    raise InputError(f"change {spec.name} exists already")
                journal.add(*changes.declare_change(session, caller.organisation_id, spec,
                                                    caller.principal)[1])  # fmt: skip
                return changes.view(changes.get_change(session, caller.organisation_id,
                                                       spec.name))  # fmt: skip

    all_steppers = sorted({r for roles in STEP_ROLES.values() for r in roles})

    @router.post("/changes/{name}/steps", name="take_change_step",
                 openapi_extra={**roles_extra(*all_steppers), "x-roles-by-action": {
                     a: sorted(r.value for r in rs) for a, rs in STEP_ROLES.items()}})  # fmt: skip
    def take_step(
        name: str,
        body: dict[str, Any] = Body(...),  # noqa: B008
        caller: Principal = Depends(allow(deps, *all_steppers)),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors():
            step = parse_body(ChangeStep, {**body, "actor": caller.principal}, "step")
            if caller.role not in STEP_ROLES[step.action]:
                message = f"role {caller.role!s} may not {step.action} a change"
                raise HTTPException(403, {"message": message})
            with unit_of_work(db, recorder) as (session, journal):
                change = changes.get_change(session, caller.organisation_id, name)
                journal.add(*changes.take_step(session, caller.organisation_id, change, step))
                return changes.view(change)


def add_lineage_routes(router: APIRouter, deps: ApiDeps) -> None:
    """``POST /lineage`` (OpenLineage RunEvents) and the three lineage questions."""
    read = allow(deps, *READERS)

    @router.post("/lineage", name="ingest_lineage", openapi_extra=roles_extra(*LINEAGE_WRITERS))
    def ingest(
        body: dict[str, Any] = Body(...),  # noqa: B008
        caller: Principal = Depends(allow(deps, *LINEAGE_WRITERS)),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors():
            event = lineage.parse_event(body)
            with unit_of_work(db, recorder) as (session, journal):
                result, change = lineage.ingest(session, caller.organisation_id, event,
                                                caller.principal)  # fmt: skip
                journal.add(change)
        return {"run_id": result.run_id, "edges_added": result.edges_added,
                "ignored": result.ignored}  # fmt: skip

    @router.get("/lineage/models/{model}/datasets", name="lineage_trained_on",
                openapi_extra=roles_extra(*READERS))  # fmt: skip
    def trained_on(
        model: str,
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> list[dict[str, Any]]:
        with http_errors(), db.session() as session:
            return [n.to_json() for n in lineage.trained_on(session, caller.organisation_id, model)]

    @router.get("/lineage/datasets/{dataset:path}/models", name="lineage_models_using",
                openapi_extra=roles_extra(*READERS))  # fmt: skip
    def models_using(
        dataset: str,
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> list[dict[str, Any]]:
        with http_errors(), db.session() as session:
            nodes = lineage.models_using(session, caller.organisation_id, dataset)
            return [n.to_json() for n in nodes]

    @router.get("/lineage/chunks/{chunk:path}", name="lineage_chunk_origin",
                openapi_extra=roles_extra(*READERS))  # fmt: skip
    def chunk_origin(
        chunk: str,
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> list[dict[str, Any]]:
        with http_errors(), db.session() as session:
            return [o.to_json() for o in lineage.chunk_origin(session, caller.organisation_id,
                                                              chunk)]  # fmt: skip

    @router.get("/model-cards/{model:path}", name="model_card",
                openapi_extra=roles_extra(*READERS))  # fmt: skip
    def model_card(
        model: str,
        fmt: Literal["markdown", "cyclonedx"] = Query("markdown", alias="format"),
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> Response:
        with http_errors():
            with db.session() as session:
                card = build_card(session, caller.organisation_id, model)
            if fmt == "cyclonedx":
                return Response(to_cyclonedx(card), media_type="application/vnd.cyclonedx+json")
            return Response(to_markdown(card), media_type="text/markdown; charset=utf-8")


def add_policy_routes(router: APIRouter, deps: ApiDeps) -> None:
    """Rendered policy documents, and acknowledgements by the caller themself."""
    everyone = tuple(Role)

    @router.get("/policy-documents/{name}", name="policy_document",
                openapi_extra=roles_extra(*everyone))  # fmt: skip
    def document(
        name: str,
        fmt: Literal["markdown", "html"] = Query("markdown", alias="format"),
        caller: Principal = Depends(allow(deps, *everyone)),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> Response:
        with http_errors(), db.session() as session:
            rendered = policies.render_policy(session, caller.organisation_id, name)
        headers = {"x-policy-sha256": rendered.sha256, "x-policy-version": rendered.version}
        if fmt == "html":
            return Response(policies.render_html(rendered.markdown, name), headers=headers,
                            media_type="text/html; charset=utf-8")  # fmt: skip
        return Response(rendered.markdown, media_type="text/markdown; charset=utf-8",
                        headers=headers)  # fmt: skip

    @router.post("/policy-documents/{name}/acknowledgements", name="acknowledge_policy",
                 openapi_extra=roles_extra(*everyone))  # fmt: skip
    def acknowledge(
        name: str,
        caller: Principal = Depends(allow(deps, *everyone)),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
    ) -> dict[str, Any]:
        # Each person acknowledges for themself: the principal is the caller, never the body.
        with http_errors(), unit_of_work(db, recorder) as (session, journal):
            change = policies.acknowledge(session, caller.organisation_id, name,
                                          caller.principal, datetime.now(UTC))  # fmt: skip
            journal.add(change)
        return {"policy": name, "principal": caller.principal, "new": change is not None}


def add_playbook_routes(router: APIRouter, deps: ApiDeps) -> None:
    """The AI incident-response playbooks (data shipped with aiattest)."""
    read = allow(deps, *READERS)

    @router.get("/incident-playbooks", name="incident_playbooks",
                openapi_extra=roles_extra(*READERS))  # fmt: skip
    def list_playbooks(_caller: Principal = Depends(read)) -> dict[str, Any]:  # noqa: B008
        return {name: p.model_dump(mode="json") for name, p in playbooks().items()}

    @router.get("/vendor-findings", name="vendor_findings", openapi_extra=roles_extra(*READERS))
    def findings(
        caller: Principal = Depends(read),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> list[dict[str, str]]:
        kind = registers.REGISTERS["vendors"]
        today = datetime.now(UTC).date()
        with http_errors(), db.session() as session:
            rows, _ = registers.page(session, kind, caller.organisation_id, limit=10_000)
            specs = [registers.spec_of(kind, r) for r in rows]
        vendors = [s for s in specs if isinstance(s, VendorSpec)]
        return [f.__dict__ for v in vendors for f in vendor_findings(v, today)]
