"""``aiattest serve``: run the OpenAI-compatible gateway with uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from aiattest.cli.state import CliState, settings_from


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to bind.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.", min=1)] = 1,
) -> None:
    """Serve the gateway (/v1 OpenAI-compatible API, /api/v1 admin API, /metrics)."""
    settings = settings_from(ctx)  # fail here, with exit code 2, on bad settings
    if workers > 1 and settings.redis_url is None:
        from aiattest.cli.output import err_console

        err_console.print("note: without redis_url each worker keeps its own rate-limit buckets")
    from aiattest.gateway.serve import run

    state = ctx.find_root().obj
    assert isinstance(state, CliState)
    run(host, port, workers, state.config)
