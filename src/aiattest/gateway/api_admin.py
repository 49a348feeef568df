"""The admin API under ``/api/v1``: keys, routes, providers and approvals of the caller's tenant.

Every route declares its roles through a ``RoleGate``; the tenant is the key's, always.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from aiattest.gateway import approvals
from aiattest.gateway.api_openai import read_body
from aiattest.gateway.auth import (
    ADMINS,
    APPROVAL_READERS,
    APPROVERS,
    CONFIG_READERS,
    KEY_READERS,
    KeyCache,
)
from aiattest.gateway.keys import Caller, create_key, list_keys, revoke_key, rotate_key
from aiattest.gateway.schemas import parse_body
from aiattest.gateway.state import GatewayState, StateDep
from aiattest.roles import Role
from aiattest.store import Database

router = APIRouter(prefix="/api/v1")


class NewKey(BaseModel):
    """``POST /api/v1/keys``."""

    model_config = ConfigDict(extra="forbid")

    principal: str = Field(min_length=1, max_length=200)
    """Who the key is for."""
    role: Role
    """Its role."""
    name: str = Field(default="", max_length=200)
    """A label."""


def _db(state: GatewayState) -> Database:
    db = state.extras.get("db")
    assert isinstance(db, Database)
    return db


def _forget_keys(state: GatewayState) -> None:
    keys = state.extras.get("keys")
    if isinstance(keys, KeyCache):
        keys.forget()


def _json(value: Any) -> JSONResponse:
    return JSONResponse(_plain(value))


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(v) for k, v in asdict(value).items()}
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


@router.get("/keys")
async def get_keys(
    state: StateDep, caller: Annotated[Caller, Depends(KEY_READERS)]
) -> JSONResponse:
    """The tenant's keys (metadata only)."""
    keys = await anyio.to_thread.run_sync(lambda: list_keys(_db(state), tenant=caller.tenant))
    return _json({"data": keys})


@router.post("/keys", status_code=201)
async def post_key(
    request: Request, state: StateDep, caller: Annotated[Caller, Depends(ADMINS)]
) -> JSONResponse:
    """Make a key for a principal of the tenant; the key is in this response only."""
    body = parse_body(await read_body(request, state.settings.gateway.max_body_bytes), NewKey)
    key, info = await anyio.to_thread.run_sync(
        lambda: create_key(
            _db(state),
            principal=body.principal,
            role=body.role,
            tenant=caller.tenant,
            name=body.name,
        )
    )
    return JSONResponse({"key": key, **_plain(info)}, status_code=201)


@router.delete("/keys/{key_id}")
async def delete_key(
    key_id: str, state: StateDep, caller: Annotated[Caller, Depends(ADMINS)]
) -> JSONResponse:
    """Revoke a key of the tenant."""
    info = await anyio.to_thread.run_sync(
        lambda: revoke_key(_db(state), key_id, tenant=caller.tenant)
    )
    _forget_keys(state)
    return _json(info)


@router.post("/keys/{key_id}/rotate")
async def post_rotate(
    key_id: str, state: StateDep, caller: Annotated[Caller, Depends(ADMINS)]
) -> JSONResponse:
    """Replace a key with a new one (same binding) and revoke the old one."""
    key, info = await anyio.to_thread.run_sync(
        lambda: rotate_key(_db(state), key_id, tenant=caller.tenant)
    )
    _forget_keys(state)
    return JSONResponse({"key": key, **_plain(info)})


@router.get("/routes")
async def get_routes(
    state: StateDep, _caller: Annotated[Caller, Depends(CONFIG_READERS)]
) -> JSONResponse:
    """Model aliases and their provider chains (including the implicit last resort)."""
    data = [
        {
            "alias": route.alias,
            "kind": route.kind,
            "chain": [
                {"provider": s.provider.name, "model": s.model} for s in state.router.steps(route)
            ],
        }
        for route in state.router.routes.values()
    ]
    return _json({"data": data})


@router.get("/providers")
async def get_providers(
    state: StateDep, _caller: Annotated[Caller, Depends(CONFIG_READERS)]
) -> JSONResponse:
    """Providers with their kind and circuit state (never their credentials or URLs' secrets)."""
    states = state.router.circuit_states()
    data = [
        {"name": name, "kind": getattr(p, "kind", ""), "circuit": states[name].value}
        for name, p in sorted(state.router.providers.items())
    ]
    return _json({"data": data})


@router.get("/approvals")
async def get_approvals(
    state: StateDep,
    caller: Annotated[Caller, Depends(APPROVAL_READERS)],
    status: str | None = None,
) -> JSONResponse:
    """The tenant's approvals, optionally only those with ``status``."""
    rows = await anyio.to_thread.run_sync(
        lambda: approvals.list_approvals(_db(state), caller.organisation_id, status)
    )
    return _json({"data": rows})


async def _decide(
    state: GatewayState, caller: Caller, approval_id: str, approve: bool
) -> JSONResponse:
    info = await anyio.to_thread.run_sync(
        lambda: approvals.decide(
            _db(state), caller.organisation_id, approval_id, approve=approve, by=caller.principal
        )
    )
    return _json(info)


@router.post("/approvals/{approval_id}/approve")
async def approve(
    approval_id: str, state: StateDep, caller: Annotated[Caller, Depends(APPROVERS)]
) -> JSONResponse:
    """Approve a pending request; the client may then resend it with the approval id."""
    return await _decide(state, caller, approval_id, True)


@router.post("/approvals/{approval_id}/deny")
async def deny(
    approval_id: str, state: StateDep, caller: Annotated[Caller, Depends(APPROVERS)]
) -> JSONResponse:
    """Deny a pending request."""
    return await _decide(state, caller, approval_id, False)
