"""The governance REST API: FastAPI routers that the gateway's app includes under /api/v1.

Usage (in the app that owns authentication)::

    from aiattest.governance.api import ApiDeps, create_router
    app.include_router(create_router(ApiDeps(principal=..., database=..., recorder=...)))
"""

from fastapi import APIRouter

from aiattest.governance.api.deps import ROLES_KEY, ApiDeps, Principal
from aiattest.governance.api.registers import add_register_routes
from aiattest.governance.api.reviews import add_review_routes
from aiattest.governance.api.workflows import (
    add_change_routes,
    add_lineage_routes,
    add_playbook_routes,
    add_policy_routes,
)
from aiattest.governance.registers import REGISTERS

PREFIX = "/api/v1"


def create_router(deps: ApiDeps) -> APIRouter:
    """Every governance route under ``/api/v1``, each declaring its roles."""
    router = APIRouter(prefix=PREFIX, tags=["governance"])
    # Changes first: "/changes/deployments" must win over "/changes/{name}".
    add_change_routes(router, deps)
    add_lineage_routes(router, deps)
    add_policy_routes(router, deps)
    add_review_routes(router, deps)
    add_playbook_routes(router, deps)
    for kind in REGISTERS.values():
        add_register_routes(router, deps, kind)
    return router


__all__ = ["PREFIX", "ROLES_KEY", "ApiDeps", "Principal", "create_router"]
