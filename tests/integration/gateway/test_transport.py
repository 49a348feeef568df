"""The pooled HTTP/1.1 transport against uvicorn: lengths, chunked bodies, reuse, timeouts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from aiattest.gateway.transport import PooledTransport
from tests.integration.gateway.conftest import ServedApp, closed_port_url

PEERS: list[str] = []


async def echo(request: Request) -> Response:
    PEERS.append(f"{request.client.host}:{request.client.port}" if request.client else "")
    return JSONResponse({"got": (await request.json())["n"]})


async def chunks(_request: Request) -> Response:
    async def parts() -> AsyncIterator[bytes]:
        for i in range(5):
            yield f"part{i};".encode()
            await asyncio.sleep(0)

    return StreamingResponse(parts(), media_type="text/plain")


async def slow(_request: Request) -> Response:
    await asyncio.sleep(2)
    return Response(b"late")


APP = Starlette(
    routes=[Route("/echo", echo, methods=["POST"]), Route("/chunks", chunks), Route("/slow", slow)]
)


@pytest.fixture(scope="module")
def served() -> Iterator[ServedApp]:
    server = ServedApp(APP)
    yield server
    server.stop()


def test_bodies_reuse_and_errors(served: ServedApp) -> None:
    async def run() -> None:
        async with httpx.AsyncClient(transport=PooledTransport(), base_url=served.url) as c:
            PEERS.clear()
            for n in range(5):
                r = await c.post("/echo", json={"n": n})
                assert r.status_code == 200
                assert r.json() == {"got": n}
            assert len(set(PEERS)) == 1  # one kept-alive connection served all five
            streamed = b""
            async with c.stream("GET", "/chunks") as r:
                assert r.headers.get("transfer-encoding") == "chunked"
                async for data in r.aiter_bytes():
                    streamed += data
            assert streamed == b"part0;part1;part2;part3;part4;"
            assert (await c.post("/echo", json={"n": 9})).json() == {"got": 9}
            with pytest.raises(httpx.ReadTimeout):
                await c.get("/slow", timeout=httpx.Timeout(0.2))
            assert (await c.post("/echo", json={"n": 10})).json() == {"got": 10}
            with pytest.raises(httpx.ConnectError):
                await c.get(closed_port_url())
            with pytest.raises(httpx.UnsupportedProtocol):
                await c.get("https://127.0.0.1:1/")

    asyncio.run(run())
