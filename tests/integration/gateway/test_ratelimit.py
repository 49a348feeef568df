"""Rate limits on real Redis (shared by several limiters, as by several workers) and over HTTP."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import openai
import pytest
import redis

from aiattest.config.gateway import GatewaySettings, ProviderSettings, RouteSettings, RouteTarget
from aiattest.gateway.ratelimit import RedisRateLimiter, Take
from tests.integration.gateway.conftest import RecordingSink, ServedApp


def _prefix() -> str:
    return f"aiattest-test:{uuid.uuid4().hex}:"


def _cleanup(url: str, prefix: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        for key in client.scan_iter(match=prefix + "*"):
            client.delete(key)
    finally:
        client.close()


@pytest.mark.redis
def test_redis_buckets_hold_across_limiters_atomically(redis_url: str) -> None:
    prefix = _prefix()

    async def run() -> list[bool]:
        workers = [RedisRateLimiter(redis_url, prefix) for _ in range(3)]
        take = [Take("key:k:req", capacity=10, cost=1), Take("tenant:t:req", 1000, 1)]
        try:
            results = await asyncio.gather(*(workers[i % 3].take(take) for i in range(40)))
            return [r.allowed for r in results]
        finally:
            for w in workers:
                await w.aclose()

    try:
        allowed = asyncio.run(run())
        assert allowed.count(True) == 10
        client = redis.Redis.from_url(redis_url)
        try:
            # The tenant bucket was taken from only for the admitted requests (all or nothing).
            tenant = float(client.hget(prefix + "tenant:t:req", "tokens") or 0)
        finally:
            client.close()
        assert 989.5 < tenant <= 991
    finally:
        _cleanup(redis_url, prefix)


@pytest.mark.redis
def test_redis_denial_says_when_to_retry_and_adjust_corrects(redis_url: str) -> None:
    prefix = _prefix()

    async def run() -> None:
        limiter = RedisRateLimiter(redis_url, prefix)
        try:
            tokens = Take("key:k:tok", capacity=600, cost=500)
            assert (await limiter.take([tokens])).allowed
            denied = await limiter.take([tokens])
            assert not denied.allowed
            assert denied.limited_by == "key:k:tok"
            assert 39 < denied.retry_after_s <= 40.1  # 400 missing at 10 per second
            await limiter.adjust(tokens, -400)  # the call used 400 fewer than estimated
            assert (await limiter.take([tokens])).allowed
        finally:
            await limiter.aclose()

    try:
        asyncio.run(run())
    finally:
        _cleanup(redis_url, prefix)


def _settings(**limits: object) -> GatewaySettings:
    return GatewaySettings(
        providers=(ProviderSettings(name="faq", kind="rules"),),
        routes=(RouteSettings(alias="m", targets=(RouteTarget(provider="faq"),)),),
        **limits,  # type: ignore[arg-type]
    )


def _exhaust_then_429(server: ServedApp, sink: RecordingSink, allowed: int) -> None:
    with openai.OpenAI(base_url=server.url + "/v1", api_key=server.key, max_retries=0) as c:
        for _ in range(allowed):
            c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(openai.RateLimitError) as caught:
            c.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
    response = caught.value.response
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["error"]["type"] == "rate_limit_error"
    assert response.json()["error"]["code"] == "rate_limit_exceeded"
    assert sink.events[-1].status == 429


def test_requests_per_minute_over_http_in_process(
    serve: Callable[..., tuple[ServedApp, RecordingSink]],
) -> None:
    server, sink = serve(_settings(key_requests_per_min=3))
    _exhaust_then_429(server, sink, 3)


@pytest.mark.redis
def test_requests_per_minute_over_http_with_redis(
    serve: Callable[..., tuple[ServedApp, RecordingSink]], redis_url: str
) -> None:
    prefix = _prefix()
    try:
        first, sink = serve(
            _settings(tenant_requests_per_min=4, redis_prefix=prefix), redis_url=redis_url
        )
        # A second worker with the same Redis and database shares the tenant's bucket.
        second, _ = serve(
            _settings(tenant_requests_per_min=4, redis_prefix=prefix), redis_url=redis_url
        )
        with openai.OpenAI(base_url=second.url + "/v1", api_key=second.key, max_retries=0) as c:
            for _ in range(2):
                c.chat.completions.create(model="m", messages=[{"role": "user", "content": "x"}])
        _exhaust_then_429(first, sink, 2)
    finally:
        _cleanup(redis_url, prefix)


def test_tokens_per_minute_count_the_estimate_first(
    serve: Callable[..., tuple[ServedApp, RecordingSink]],
) -> None:
    server, _ = serve(_settings(key_tokens_per_min=100))
    with openai.OpenAI(base_url=server.url + "/v1", api_key=server.key, max_retries=0) as c:
        c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], max_tokens=60
        )
        with pytest.raises(openai.RateLimitError, match="tokens per minute"):
            c.chat.completions.create(
                model="m", messages=[{"role": "user", "content": "hi"}], max_tokens=80
            )
