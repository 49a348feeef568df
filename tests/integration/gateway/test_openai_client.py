"""The official ``openai`` client against the gateway, with fake upstreams behind it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import httpx
import openai
import pytest

from aiattest.config.gateway import GatewaySettings, ProviderSettings, RouteSettings, RouteTarget
from tests.integration.gateway.conftest import RecordingSink, ServedApp
from tests.integration.gateway.fake_upstream import FakeUpstream

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]


def gateway_settings(openai_url: str, anthropic_url: str) -> GatewaySettings:
    return GatewaySettings(
        providers=(
            ProviderSettings(name="oa", kind="openai", base_url=openai_url, api_key="sk-up-oa"),
            ProviderSettings(name="an", kind="anthropic", base_url=anthropic_url, api_key="ak-up"),
        ),
        routes=(
            RouteSettings(
                alias="gpt-test", targets=(RouteTarget(provider="oa", model="up-model"),)
            ),
            RouteSettings(
                alias="claude-test", targets=(RouteTarget(provider="an", model="claude-x"),)
            ),
            RouteSettings(
                alias="embed-test", kind="embeddings", targets=(RouteTarget(provider="oa"),)
            ),
        ),
        max_body_bytes=4096,
    )


@pytest.fixture
def gateway(
    upstreams: Callable[..., FakeUpstream],
    serve: Callable[..., tuple[ServedApp, RecordingSink]],
) -> tuple[ServedApp, RecordingSink, FakeUpstream, FakeUpstream]:
    oa = upstreams(reply="Hello from OpenAI fake.")
    an = upstreams(reply="Hello from Anthropic fake.")
    server, sink = serve(gateway_settings(oa.url, an.url))
    return server, sink, oa, an


_clients: list[openai.OpenAI] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def client(server: ServedApp) -> openai.OpenAI:
    made = openai.OpenAI(base_url=server.url + "/v1", api_key=server.key, max_retries=0)
    _clients.append(made)
    return made


def test_plain_completion_passes_through_and_says_who_served(gateway) -> None:  # type: ignore[no-untyped-def]
    server, sink, oa, _ = gateway
    raw = client(server).chat.completions.with_raw_response.create(
        model="gpt-test",
        messages=[{"role": "user", "content": "hi quokkamarker"}],
        temperature=0.2,
        user="alice@example.com",
        extra_body={"secret_field": "must not go upstream"},
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "Hello from OpenAI fake."
    assert completion.model == "gpt-test"
    assert completion.usage is not None
    assert completion.usage.total_tokens == 12
    assert raw.headers["x-aiattest-provider"] == "oa"
    assert len(raw.headers["x-request-id"]) >= 8
    sent = oa.bodies[-1]
    assert sent["model"] == "up-model"
    assert sent["temperature"] == 0.2
    assert "secret_field" not in sent
    assert sent["user"] != "alice@example.com"
    assert len(sent["user"]) == 32
    assert oa.headers[-1]["authorization"] == "Bearer sk-up-oa"
    (event,) = sink.events
    assert event.provider == "oa"
    assert event.status == 200
    assert event.route == "gpt-test"
    assert event.request_id == raw.headers["x-request-id"]
    assert event.prompt_tokens == 7
    assert event.completion_tokens == 5
    assert event.request_sha256
    assert event.response_sha256
    # Zero retention: no prompt text in the audit event (the prompt carries a marker word).
    assert "quokkamarker" not in json.dumps(event.to_payload())


def test_streaming_completion_yields_the_reply_in_chunks(gateway) -> None:  # type: ignore[no-untyped-def]
    server, sink, _, _ = gateway
    stream = client(server).chat.completions.create(
        model="gpt-test",
        messages=[{"role": "user", "content": "hi"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from OpenAI fake."
    assert chunks[-1].usage is not None
    assert chunks[-1].usage.completion_tokens == 5
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    (event,) = sink.events
    assert event.stream
    assert event.status == 200
    assert event.completion_tokens == 5


def test_tool_calls_pass_through_plain_and_streamed(gateway) -> None:  # type: ignore[no-untyped-def]
    server, _, oa, _ = gateway
    messages = [{"role": "user", "content": "what is the weather in Paris?"}]
    done = client(server).chat.completions.create(
        model="gpt-test",
        messages=messages,
        tools=TOOLS,  # type: ignore[arg-type]
    )
    call = done.choices[0].message.tool_calls[0]  # type: ignore[index]
    assert call.function.name == "get_weather"  # type: ignore[union-attr]
    assert json.loads(call.function.arguments) == {"city": "Paris"}  # type: ignore[union-attr]
    assert done.choices[0].finish_reason == "tool_calls"
    assert oa.bodies[-1]["tools"] == TOOLS
    chunks = list(
        client(server).chat.completions.create(
            model="gpt-test",
            messages=messages,
            tools=TOOLS,
            stream=True,  # type: ignore[arg-type]
        )
    )
    arguments = "".join(
        (c.choices[0].delta.tool_calls or [])[0].function.arguments or ""  # type: ignore[union-attr]
        for c in chunks
        if c.choices and c.choices[0].delta.tool_calls
    )
    assert json.loads(arguments) == {"city": "Paris"}


def test_anthropic_upstream_is_translated_both_ways(gateway) -> None:  # type: ignore[no-untyped-def]
    server, _, _, an = gateway
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
    ]
    raw = client(server).chat.completions.with_raw_response.create(
        model="claude-test",
        messages=messages,
        max_tokens=50,  # type: ignore[arg-type]
    )
    done = raw.parse()
    assert done.choices[0].message.content == "Hello from Anthropic fake."
    assert done.usage is not None
    assert done.usage.prompt_tokens == 9
    assert raw.headers["x-aiattest-provider"] == "an"
    sent = an.bodies[-1]
    assert sent["system"].startswith("Be brief.")
    assert "aiattest-canary-" in sent["system"]  # the guard planted its canary
    assert sent["max_tokens"] == 50
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    assert an.headers[-1]["x-api-key"] == "ak-up"
    streamed = list(
        client(server).chat.completions.create(
            model="claude-test",
            messages=messages,
            stream=True,  # type: ignore[arg-type]
        )
    )
    assert (
        "".join(c.choices[0].delta.content or "" for c in streamed) == "Hello from Anthropic fake."
    )
    tool_chunks = list(
        client(server).chat.completions.create(
            model="claude-test",
            messages=[{"role": "user", "content": "weather in Paris?"}],
            tools=TOOLS,  # type: ignore[arg-type]
            stream=True,
        )
    )
    calls = [c.choices[0].delta.tool_calls for c in tool_chunks if c.choices[0].delta.tool_calls]
    assert calls[0][0].id == "toolu_1"
    assert calls[0][0].function.name == "get_weather"
    args = "".join(tc[0].function.arguments or "" for tc in calls)  # type: ignore[index,union-attr]
    assert json.loads(args) == {"city": "Paris"}
    assert tool_chunks[-1].choices[0].finish_reason == "tool_calls"
    assert an.bodies[-1]["tools"][0]["input_schema"] == TOOLS[0]["function"]["parameters"]  # type: ignore[index]


def test_embeddings_and_models(gateway) -> None:  # type: ignore[no-untyped-def]
    server, _, _, _ = gateway
    c = client(server)
    result = c.embeddings.create(model="embed-test", input=["abc", "hello"])
    assert [d.embedding for d in result.data] == [[3.0, 1.0, 0.5], [5.0, 1.0, 0.5]]
    floats = c.embeddings.create(model="embed-test", input="abcd", encoding_format="float")
    assert floats.data[0].embedding == [4.0, 1.0, 0.5]
    assert sorted(m.id for m in c.models.list()) == ["claude-test", "embed-test", "gpt-test"]


def test_errors_come_back_openai_style(gateway) -> None:  # type: ignore[no-untyped-def]
    server, sink, _, _ = gateway
    with pytest.raises(openai.NotFoundError) as missing:
        client(server).chat.completions.create(
            model="nope", messages=[{"role": "user", "content": "hi"}]
        )
    assert missing.value.code == "model_not_found"
    with pytest.raises(openai.NotFoundError):
        client(server).embeddings.create(model="gpt-test", input="x")  # a chat route
    url = server.url + "/v1/chat/completions"
    bad_json = httpx.post(
        url, content=b"{not json", headers={"content-type": "application/json", **server.auth}
    )
    assert bad_json.status_code == 400
    assert bad_json.json()["error"]["code"] == "invalid_json"
    assert bad_json.json()["error"]["type"] == "invalid_request_error"
    schema = httpx.post(url, headers=server.auth, json={"model": "gpt-test", "messages": []})
    assert schema.status_code == 400
    assert schema.json()["error"]["param"] == "messages"
    big = httpx.post(
        url,
        headers=server.auth,
        json={"model": "gpt-test", "messages": [{"role": "user", "content": "x" * 5000}]},
    )
    assert big.status_code == 413
    assert big.json()["error"]["code"] == "request_too_large"

    def chunked() -> Iterator[bytes]:
        yield b'{"model": "gpt-test", "messages": [{"role": "user", "content": "'
        yield b"y" * 5000
        yield b'"}]}'

    streamed_big = httpx.post(url, content=chunked(), headers=server.auth)
    assert streamed_big.status_code == 413
    assert {e.status for e in sink.events} == {404, 400, 413}
    assert all(e.error_code for e in sink.events)
