"""Operations endpoints without authentication: liveness, readiness and Prometheus metrics.

They say nothing about tenants or content; put ``/metrics`` behind the network boundary.
"""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from sqlalchemy import text

from aiattest.gateway.metrics import CONTENT_TYPE
from aiattest.gateway.state import GatewayState, StateDep
from aiattest.store import Database, current_revision, head_revision

router = APIRouter()


@router.get("/healthz")
async def healthz() -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


def _database_ready(db: Database) -> str | None:
    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision(db)
    except Exception as e:  # any failure means "not ready", named
        return f"database unreachable ({e.__class__.__name__})"
    if revision != head_revision():
        return "database schema is not at the newest revision; run `aiattest db upgrade`"
    return None


async def _problems(state: GatewayState) -> list[str]:
    problems: list[str] = []
    db = state.extras.get("db")
    if isinstance(db, Database):
        problem = await anyio.to_thread.run_sync(_database_ready, db)
        if problem:
            problems.append(problem)
    redis_check = state.extras.get("redis_ping")
    if redis_check is not None:
        try:
            await redis_check()
        except Exception as e:  # any failure means "not ready"
            problems.append(f"redis unreachable ({e.__class__.__name__})")
    if not state.router.routes:
        problems.append("no routes are configured")
    return problems


@router.get("/readyz")
async def readyz(state: StateDep) -> JSONResponse:
    """Ready to serve: database at the newest schema, Redis reachable, routes configured."""
    problems = await _problems(state)
    if problems:
        return JSONResponse({"status": "unavailable", "problems": problems}, status_code=503)
    return JSONResponse({"status": "ready"})


@router.get("/metrics")
async def metrics(state: StateDep) -> Response:
    """Prometheus text exposition of this worker's metrics."""
    body = state.metrics.render() if state.metrics is not None else b""
    return Response(body, media_type=CONTENT_TYPE)
