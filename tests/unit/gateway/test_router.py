"""Routing: fallback order, retries, breakers and the last resort, with scripted providers."""

from __future__ import annotations

import asyncio
import random

import pytest

from aiattest.config.gateway import GatewaySettings, ProviderSettings, RouteSettings, RouteTarget
from aiattest.errors import NotFoundError
from aiattest.gateway.interface import ChatRequest, UpstreamError, UpstreamRejected
from aiattest.gateway.router import AllProvidersFailed, RequestRejected, Router
from tests.unit.gateway.conftest import Clock, ScriptedProvider

REQ = ChatRequest(model="alias", messages=({"role": "user", "content": "hi"},), alias="alias")


def _err(reason: str = "upstream_5xx", status: int | None = 500) -> UpstreamError:
    return UpstreamError(reason, "x", retryable=True, status=status)


def router(*providers: ScriptedProvider, retries: int = 1, **extra: object) -> Router:
    settings = GatewaySettings(
        providers=tuple(
            ProviderSettings(name=p.name, kind="openai", base_url="http://x", max_retries=retries)
            for p in providers
        ),
        routes=(
            RouteSettings(
                alias="alias",
                targets=tuple(RouteTarget(provider=p.name, model=f"{p.name}-m") for p in providers),
            ),
        ),
        retry_backoff_s=0.0,
        **extra,  # type: ignore[arg-type]
    )
    return Router(settings, {p.name: p for p in providers}, clock=Clock(), rng=random.Random(0))


def test_retries_then_falls_back_and_records_every_reason() -> None:
    a = ScriptedProvider("a", [_err(), _err("timeout", None)])
    b = ScriptedProvider("b", ["from b"])
    r = router(a, b)
    response, served, attempts = asyncio.run(r.complete(r.route("alias", "chat"), REQ))
    assert (response.content, served) == ("from b", "b")
    assert [(x.provider, x.reason) for x in attempts] == [
        ("a", "upstream_5xx"),
        ("a", "timeout"),
        ("b", None),
    ]
    assert [c.model for c in a.calls] == ["a-m", "a-m"]
    assert b.calls[0].model == "b-m"


def test_non_retryable_errors_skip_retries_and_client_faults_stop_the_chain() -> None:
    a = ScriptedProvider("a", [UpstreamRejected("upstream_4xx", "x", retryable=False, status=401)])
    b = ScriptedProvider("b", ["ok"])
    r = router(a, b)
    _, served, _attempts = asyncio.run(r.complete(r.route("alias", "chat"), REQ))
    assert served == "b"
    assert len(a.calls) == 1
    bad = ScriptedProvider(
        "a", [UpstreamRejected("upstream_4xx", "x", retryable=False, status=400)]
    )
    untouched = ScriptedProvider("b", ["never"])
    r2 = router(bad, untouched)
    with pytest.raises(RequestRejected):
        asyncio.run(r2.complete(r2.route("alias", "chat"), REQ))
    assert untouched.calls == []


def test_last_resort_answers_or_all_fail_without_it() -> None:
    r = router(ScriptedProvider("a", [_err(), _err()]))
    response, served, _ = asyncio.run(r.complete(r.route("alias", "chat"), REQ))
    assert served == "last-resort"
    assert "degraded" in (response.content or "")
    r2 = router(ScriptedProvider("a", [_err(), _err()]), last_resort=False)
    with pytest.raises(AllProvidersFailed) as failed:
        asyncio.run(r2.complete(r2.route("alias", "chat"), REQ))
    assert [a.reason for a in failed.value.attempts] == ["upstream_5xx", "upstream_5xx"]


def test_an_open_circuit_is_skipped_without_a_call() -> None:
    a = ScriptedProvider("a", [_err(), _err(), "never"])
    b = ScriptedProvider("b", ["1", "2", "3"])
    r = router(a, b, retries=0, breaker_failures=2)
    route = r.route("alias", "chat")
    asyncio.run(r.complete(route, REQ))
    asyncio.run(r.complete(route, REQ))
    _, served, attempts = asyncio.run(r.complete(route, REQ))
    assert served == "b"
    assert len(a.calls) == 2
    assert attempts[0].reason == "circuit_open"
    assert r.circuit_states()["a"] == "open"


def test_stream_falls_back_before_the_first_delta() -> None:
    r = router(ScriptedProvider("a", [_err(), _err()]), ScriptedProvider("b", ["hello there"]))

    async def collect() -> tuple[str, list[str]]:
        handle = await r.stream(r.route("alias", "chat"), REQ)
        return handle.provider, [d.content async for d in handle.deltas if d.content]

    assert asyncio.run(collect()) == ("b", ["hello", "there"])


def test_unknown_alias_or_wrong_kind_is_not_found() -> None:
    r = router(ScriptedProvider("a", []))
    with pytest.raises(NotFoundError):
        r.route("other", "chat")
    with pytest.raises(NotFoundError):
        r.route("alias", "embeddings")
