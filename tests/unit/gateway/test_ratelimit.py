"""Token buckets in process: refill, all-or-nothing takes, corrections and the 429."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from aiattest.config.gateway import GatewaySettings
from aiattest.gateway.api_errors import ApiError
from aiattest.gateway.keys import Caller
from aiattest.gateway.limits import Limits
from aiattest.gateway.ratelimit import LocalRateLimiter, Take, retry_after_header
from aiattest.roles import Role
from tests.unit.gateway.conftest import Clock

CALLER = Caller("aiat_k1", "acme", uuid.uuid4(), "svc", Role.CONSUMER)


def test_bucket_refills_continuously_up_to_its_capacity() -> None:
    clock = Clock()
    limiter = LocalRateLimiter(clock)
    take = Take("b", capacity=60, cost=1)  # one per second
    for _ in range(60):
        assert asyncio.run(limiter.take([take])).allowed
    denied = asyncio.run(limiter.take([take]))
    assert not denied.allowed
    assert denied.retry_after_s == pytest.approx(1.0)
    assert denied.limited_by == "b"
    clock.now = 1.0
    assert asyncio.run(limiter.take([take])).allowed
    clock.now = 10_000.0
    assert limiter.level(take) == 60  # never above capacity


def test_takes_are_all_or_nothing() -> None:
    limiter = LocalRateLimiter(Clock())
    small = Take("small", capacity=1, cost=1)
    big = Take("big", capacity=100, cost=10)
    assert asyncio.run(limiter.take([small, big])).allowed
    refused = asyncio.run(limiter.take([small, big]))
    assert not refused.allowed
    assert refused.limited_by == "small"
    assert limiter.level(big) == 90  # untouched by the refused take


def test_adjust_can_put_a_bucket_in_debt_or_refund() -> None:
    clock = Clock()
    limiter = LocalRateLimiter(clock)
    take = Take("t", capacity=120, cost=20)
    asyncio.run(limiter.take([take]))
    asyncio.run(limiter.adjust(take, 150))  # the real count was 150 more than estimated
    assert limiter.level(take) == -50
    assert not asyncio.run(limiter.take([Take("t", 120, 1)])).allowed
    asyncio.run(limiter.adjust(take, -500))  # refunds never exceed the capacity
    assert limiter.level(take) == 120


def test_limits_raise_an_openai_style_429_with_retry_after() -> None:
    settings = GatewaySettings(
        key_requests_per_min=2,
        key_tokens_per_min=None,
        tenant_requests_per_min=None,
        tenant_tokens_per_min=1000,
    )
    limits = Limits(settings, LocalRateLimiter(Clock()))
    asyncio.run(limits.admit(CALLER, 10))
    asyncio.run(limits.admit(CALLER, 10))
    with pytest.raises(ApiError) as caught:
        asyncio.run(limits.admit(CALLER, 10))
    assert caught.value.status == 429
    assert caught.value.code == "rate_limit_exceeded"
    assert caught.value.headers == {"retry-after": "30"}
    assert "requests per minute for this key" in caught.value.message


def test_token_estimates_are_corrected_after_the_call() -> None:
    settings = GatewaySettings(
        key_requests_per_min=None,
        key_tokens_per_min=100,
        tenant_requests_per_min=None,
        tenant_tokens_per_min=None,
    )
    limiter = LocalRateLimiter(Clock())
    limits = Limits(settings, limiter)
    reservation = asyncio.run(limits.admit(CALLER, 30))
    asyncio.run(limits.settle(reservation, 90))
    assert limiter.level(Take("key:aiat_k1:tok", 100, 0)) == 10
    with pytest.raises(ApiError, match="tokens per minute for this key"):
        asyncio.run(limits.admit(CALLER, 20))


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after_header(0.01) == "1"
    assert retry_after_header(1.2) == "2"
