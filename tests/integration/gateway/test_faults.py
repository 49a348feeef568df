"""Faults at the upstream: fallback, retries, circuit breakers and the rule-based last resort."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable

import httpx
import openai
import pytest

from aiattest.config.gateway import (
    CannedAnswer,
    GatewaySettings,
    ProviderSettings,
    RouteSettings,
    RouteTarget,
)
from tests.integration.gateway.conftest import RecordingSink, ServedApp, closed_port_url
from tests.integration.gateway.fake_upstream import FAULTS, FakeUpstream

Serve = Callable[..., tuple[ServedApp, RecordingSink]]
Upstreams = Callable[..., FakeUpstream]


def chain(*providers: ProviderSettings, **extra: object) -> GatewaySettings:
    return GatewaySettings(
        providers=providers,
        routes=(
            RouteSettings(
                alias="m", targets=tuple(RouteTarget(provider=p.name) for p in providers)
            ),
        ),
        retry_backoff_s=0.005,
        **extra,  # type: ignore[arg-type]
    )


def http(name: str, url: str, **extra: object) -> ProviderSettings:
    options: dict[str, object] = {"timeout_s": 0.25, "connect_timeout_s": 0.25, **extra}
    return ProviderSettings(name=name, kind="openai", base_url=url, **options)  # type: ignore[arg-type]


async def _fire(
    url: str, count: int, concurrency: int, headers: dict[str, str]
) -> list[tuple[int, str, str]]:
    """Send ``count`` requests (every fifth streamed); return status, provider, text."""
    semaphore = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, timeout=10, limits=limits, headers=headers
    ) as client:

        async def one(i: int) -> tuple[int, str, str]:
            body = {"model": "m", "messages": [{"role": "user", "content": f"q{i}"}]}
            async with semaphore:
                if i % 5:
                    r = await client.post("/v1/chat/completions", json=body)
                    text = r.json()["choices"][0]["message"]["content"] if r.is_success else ""
                    return r.status_code, r.headers.get("x-aiattest-provider", ""), text
                body["stream"] = True
                async with client.stream("POST", "/v1/chat/completions", json=body) as r:
                    raw = (await r.aread()).decode()
                    ok = r.is_success and raw.rstrip().endswith("data: [DONE]")
                    return (
                        (r.status_code if ok else 599),
                        r.headers.get("x-aiattest-provider", ""),
                        raw,
                    )

        return await asyncio.gather(*(one(i) for i in range(count)))


@pytest.mark.slow
def test_no_client_sees_a_failure_at_30_percent_primary_faults(
    upstreams: Upstreams, serve: Serve
) -> None:
    primary = upstreams(reply="primary answer", fault_rate=0.3, seed=7, hang_s=2.0)
    backup = upstreams(reply="backup answer")
    server, sink = serve(
        chain(
            # Generous enough that a loaded CI machine does not stall a healthy stream.
            http("primary", primary.url, timeout_s=1.0),
            http("backup", backup.url, timeout_s=5.0),
            breaker_failures=50,
            key_requests_per_min=None,
            key_tokens_per_min=None,
        ),
        scan=False,  # this test is about fallback; the guard has tests of its own
    )
    results = asyncio.run(_fire(server.url, 1000, 48, server.auth))
    statuses = Counter(status for status, _, _ in results)
    assert statuses == {200: 1000}
    served = Counter(provider for _, provider, _ in results)
    degraded = [[(a.provider, a.reason) for a in e.attempts] for e in sink.events if e.degraded]
    assert degraded == []
    assert set(served) == {"primary", "backup"}
    assert served["backup"] > 50  # about 0.3 * 0.3 of requests: the retry failed too
    wrong = [
        (p, text)
        for _, p, text in results
        if "answer" not in text or ("primary" if p == "primary" else "backup") not in text
    ]
    assert wrong == []
    # Every fault kind really happened at the primary, at about the configured rate.
    assert set(FAULTS) <= set(primary.counts)
    faults = sum(v for k, v in primary.counts.items() if k != "ok")
    assert 0.2 < faults / sum(primary.counts.values()) < 0.4
    assert len(sink.events) == 1000
    reasons = Counter(a.reason for e in sink.events for a in e.attempts if a.reason)
    assert {
        "timeout",
        "connect_error",
        "upstream_5xx",
        "upstream_429",
        "malformed_response",
    } <= set(reasons)
    assert not any(e.degraded for e in sink.events)


def test_every_upstream_down_gets_the_rule_based_answer(upstreams: Upstreams, serve: Serve) -> None:
    failing = upstreams(fault_rate=1.0, faults=("500",))
    rules = ProviderSettings(
        name="faq",
        kind="rules",
        canned=(CannedAnswer(keywords=("opening", "hours"), answer="We are open 9-17 ({model})."),),
    )
    server, sink = serve(
        chain(http("dead", closed_port_url()), http("failing", failing.url), rules)
    )
    with openai.OpenAI(base_url=server.url + "/v1", api_key=server.key, max_retries=0) as c:
        raw = c.chat.completions.with_raw_response.create(
            model="m", messages=[{"role": "user", "content": "What are your opening hours?"}]
        )
        assert raw.parse().choices[0].message.content == "We are open 9-17 (m)."
        assert raw.headers["x-aiattest-provider"] == "faq"
        degraded = c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "Write me a poem"}], stream=True
        )
        text = "".join(ch.choices[0].delta.content or "" for ch in degraded if ch.choices)
    assert "temporarily degraded" in text
    assert "not a model's answer" in text
    first = sink.events[0]
    assert first.degraded
    assert first.provider == "faq"
    assert first.status == 200
    assert [(a.provider, a.reason) for a in first.attempts] == [
        ("dead", "connect_error"),
        ("dead", "connect_error"),
        ("failing", "upstream_5xx"),
        ("failing", "upstream_5xx"),
        ("faq", None),
    ]


def test_the_implicit_last_resort_answers_when_nothing_else_does(serve: Serve) -> None:
    server, sink = serve(chain(http("dead", closed_port_url(), max_retries=0)))
    r = httpx.post(
        server.url + "/v1/chat/completions",
        headers=server.auth,
        json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert r.status_code == 200
    assert r.headers["x-aiattest-provider"] == "last-resort"
    assert "temporarily degraded" in r.json()["choices"][0]["message"]["content"]
    assert sink.events[0].degraded


def test_upstream_error_bodies_and_keys_do_not_leak(upstreams: Upstreams, serve: Serve) -> None:
    failing = upstreams(fault_rate=1.0, faults=("500",))
    server, sink = serve(
        chain(
            http("failing", failing.url, api_key="sk-upstream-KEY", max_retries=0),
            last_resort=False,
        )
    )
    r = httpx.post(
        server.url + "/v1/chat/completions",
        headers=server.auth,
        json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
    )
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "upstream_unavailable"
    assert "sk-upstream" not in r.text
    assert "internal detail" not in r.text
    assert sink.events[0].status == 503
    assert sink.events[0].attempts[0].reason == "upstream_5xx"


def test_a_stream_that_stalls_midway_ends_with_a_clear_error_event(
    upstreams: Upstreams, serve: Serve
) -> None:
    stalling = upstreams(fault_rate=1.0, faults=("stall",), stall_midway=True, hang_s=2.0)
    server, sink = serve(chain(http("stalling", stalling.url, max_retries=0)))
    with openai.OpenAI(base_url=server.url + "/v1", api_key=server.key, max_retries=0) as c:
        stream = c.chat.completions.create(
            model="m", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        with pytest.raises(openai.APIError, match="stream failed midway"):
            list(stream)
    (event,) = sink.events
    assert event.status == 502
    assert event.error_code == "upstream_stream_failed"
    assert [a.reason for a in event.attempts] == [None, "stream_stalled"]


def test_the_circuit_opens_then_a_half_open_probe_closes_it(
    upstreams: Upstreams, serve: Serve
) -> None:
    flaky = upstreams(reply="recovered", fault_rate=1.0, faults=("500",))
    server, sink = serve(
        chain(http("flaky", flaky.url, max_retries=0), breaker_failures=2, breaker_cooldown_s=0.3)
    )

    def ask() -> httpx.Response:
        return httpx.post(
            server.url + "/v1/chat/completions",
            headers=server.auth,
            json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
        )

    assert ask().headers["x-aiattest-provider"] == "last-resort"
    assert ask().headers["x-aiattest-provider"] == "last-resort"
    calls_before = sum(flaky.counts.values())
    assert ask().headers["x-aiattest-provider"] == "last-resort"
    assert sum(flaky.counts.values()) == calls_before  # the open circuit kept it away
    assert sink.events[-1].attempts[0].reason == "circuit_open"
    flaky.fault_rate = 0.0
    time.sleep(0.35)
    probe = ask()
    assert probe.headers["x-aiattest-provider"] == "flaky"
    assert probe.json()["choices"][0]["message"]["content"] == "recovered"
    assert ask().headers["x-aiattest-provider"] == "flaky"
