"""REST routes of the plain registers under ``/api/v1/<register>``: list (filters, pages),
show, declare (PUT: create or replace), patch (a JSON merge patch), delete.

Records are keyed by name (models ``name@version``, RAG documents ``base@document``).
Bodies are validated against the register's spec; the caller's organisation and name come
from the authenticated principal, never from the body.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, Depends, Request
from pydantic import ValidationError

from aiattest.errors import InputError
from aiattest.governance import registers
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
from aiattest.governance.references import dangling
from aiattest.governance.registers import RegisterKind
from aiattest.governance.schemas import Spec
from aiattest.governance.unit import unit_of_work
from aiattest.roles import Role

WRITERS: dict[str, tuple[Role, ...]] = {
    "systems": (Role.ADMIN,),
    "vendors": (Role.ADMIN,),
    "policies": (Role.ADMIN,),
    "risks": (Role.ADMIN,),
    "models": (Role.ADMIN, Role.MODEL_DEVELOPER),
    "datasets": (Role.ADMIN, Role.MODEL_DEVELOPER),
    "rag_documents": (Role.ADMIN, Role.MODEL_DEVELOPER),
    "eval_runs": (Role.ADMIN, Role.MODEL_DEVELOPER),
    "incidents": (Role.ADMIN, Role.OPERATOR),
}
"""Roles that may write each register."""


def public(kind: RegisterKind, row: Any) -> dict[str, Any]:
    """The Public view of a record: its spec plus id, timestamps and derived fields."""
    data = {"id": str(row.id), **registers.spec_json(registers.spec_of(kind, row))}
    for extra in ("risk_tier", "risk_rule", "risk_rationale", "passed"):
        if hasattr(row, extra):
            data[extra] = getattr(row, extra)
    data["created_at"] = row.created_at.isoformat()
    if kind.name == "risk":
        data["inherent_score"] = row.likelihood * row.impact
        data["residual_score"] = row.residual_likelihood * row.residual_impact
    # AI systems are foundation rows, which keep no update time.
    data["updated_at"] = getattr(row, "updated_at", row.created_at).isoformat()
    return data


def _validate(kind: RegisterKind, body: dict[str, Any]) -> Spec:
    try:
        spec = kind.spec.model_validate(body)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(body)"
        raise InputError(f"{kind.name}: {where}: {first['msg']}") from e
    managed = [name for name in sorted(kind.managed) if getattr(spec, name) is not None]
    if managed:
        raise InputError(
            f"{kind.name}: {', '.join(managed)} are set by change management",
            hint="propose a change (POST /api/v1/changes) instead",
        )
    return spec


def _key(kind: RegisterKind, key: str) -> tuple[str, ...]:
    parts = tuple(key.split("@", len(kind.key) - 1))
    if len(parts) != len(kind.key):
        raise InputError(f"a {kind.name} is named {'@'.join(kind.key)}, got {key!r}")
    return parts


def add_register_routes(router: APIRouter, deps: ApiDeps, kind: RegisterKind) -> None:
    """Add the five routes of one register to ``router``."""
    writers = WRITERS[kind.plural]
    read_gate, write_gate = allow(deps, *READERS), allow(deps, *writers)
    path = f"/{kind.plural}"
    catalog_dep = deps.catalog if deps.catalog is not None else _no_catalog
    schema = {"requestBody": {"content": {"application/json": {
        "schema": kind.spec.model_json_schema()}}}}  # fmt: skip

    def list_records(
        request: Request,
        page: Page = Depends(page_params),  # noqa: B008
        caller: Principal = Depends(read_gate),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> dict[str, Any]:
        filters = {k: v for k, v in request.query_params.items() if k not in {"offset", "limit"}}
        with http_errors(), db.session() as session:
            rows, total = registers.page(session, kind, caller.organisation_id, filters=filters,
                                         offset=page.offset, limit=page.limit)  # fmt: skip
            items = [public(kind, r) for r in rows]
        return {"total": total, "offset": page.offset, "limit": page.limit, "items": items}

    def show_record(
        key: str,
        caller: Principal = Depends(read_gate),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors(), db.session() as session:
            return public(
                kind, registers.get(session, kind, caller.organisation_id, _key(kind, key))
            )

    def declare_record(
        body: dict[str, Any] = Body(...),  # noqa: B008
        caller: Principal = Depends(write_gate),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
        catalog: Any = Depends(catalog_dep),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors():
            return _declare(db, recorder, kind, caller, _validate(kind, body), catalog=catalog)

    def patch_record(
        key: str,
        *,
        body: dict[str, Any] = Body(...),  # noqa: B008
        caller: Principal = Depends(write_gate),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
        catalog: Any = Depends(catalog_dep),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors():
            with db.session() as session:
                row = registers.get(session, kind, caller.organisation_id, _key(kind, key))
                current = registers.spec_json(registers.spec_of(kind, row))
            merged = _merge(current, body)
            for name in kind.managed:
                if name not in body:
                    merged[name] = None  # unchanged managed fields are not a write of them
            if {k: merged[k] for k in kind.key} != {k: current[k] for k in kind.key}:
                raise InputError(f"a {kind.name}'s {', '.join(kind.key)} cannot be patched")
            return _declare(db, recorder, kind, caller, _validate(kind, merged), catalog=catalog)

    def delete_record(
        key: str,
        caller: Principal = Depends(write_gate),  # noqa: B008
        db: Any = Depends(deps.database),  # noqa: B008
        recorder: Any = Depends(deps.recorder),  # noqa: B008
    ) -> dict[str, Any]:
        with http_errors(), unit_of_work(db, recorder) as (session, journal):
            journal.add(registers.delete(session, kind, caller.organisation_id,
                                         _key(kind, key), caller.principal))  # fmt: skip
        return {"deleted": key}

    read, write = roles_extra(*READERS), roles_extra(*writers)
    router.add_api_route(path, list_records, methods=["GET"], name=f"list_{kind.plural}",
                         openapi_extra=read)  # fmt: skip
    router.add_api_route(path + "/{key:path}", show_record, methods=["GET"],
                         name=f"show_{kind.name}", openapi_extra=read)  # fmt: skip
    router.add_api_route(path, declare_record, methods=["PUT"], name=f"declare_{kind.name}",
                         openapi_extra={**write, **schema})  # fmt: skip
    router.add_api_route(path + "/{key:path}", patch_record, methods=["PATCH"],
                         name=f"patch_{kind.name}", openapi_extra=write)  # fmt: skip
    router.add_api_route(path + "/{key:path}", delete_record, methods=["DELETE"],
                         name=f"delete_{kind.name}", openapi_extra=write)  # fmt: skip


def _no_catalog() -> None:
    return None


def _declare(
    db: Any, recorder: Any, kind: RegisterKind, caller: Principal, spec: Spec, *, catalog: Any
) -> dict[str, Any]:
    with unit_of_work(db, recorder) as (session, journal):
        diff, change = registers.declare(session, kind, caller.organisation_id, spec,
                                         caller.principal)  # fmt: skip
        problems = dangling(session, caller.organisation_id, [spec], catalog)
        if problems:
            raise InputError("refers to things that do not exist: " + "; ".join(problems))
        journal.add(change)
        row = registers.get(session, kind, caller.organisation_id, kind.key_of(spec))
        record = public(kind, row)
    fields = {k: {"from": a, "to": b} for k, (a, b) in diff.fields.items()}
    return {"outcome": diff.action, "fields": fields, "record": record}


def _merge(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """RFC 7386 JSON merge patch: null removes (resets to the default), objects merge."""
    out = dict(target)
    for name, value in patch.items():
        if value is None:
            out.pop(name, None)
        elif isinstance(value, dict) and isinstance(out.get(name), dict):
            out[name] = _merge(out[name], value)
        else:
            out[name] = value
    return out
