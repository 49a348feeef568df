"""Anthropic translation and request minimisation are pure functions of their input."""

from __future__ import annotations

import json

import pytest

from aiattest.gateway.api_errors import ApiError
from aiattest.gateway.interface import ChatRequest
from aiattest.gateway.providers.anthropic import from_anthropic, to_anthropic
from aiattest.gateway.schemas import ChatCompletionBody, EmbeddingBody, hash_user, parse_body


def test_openai_conversation_with_tools_becomes_a_messages_api_body() -> None:
    request = ChatRequest(
        model="claude-x",
        messages=(
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "weather?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": "c1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "c1", "content": "sunny"},
            {"role": "user", "content": [{"type": "text", "text": "thanks"}]},
        ),
        params={
            "max_tokens": 20,
            "stop": "END",
            "tool_choice": "required",
            "tools": [
                {
                    "type": "function",
                    "function": {"name": "get_weather", "parameters": {"type": "object"}},
                }
            ],
        },
    )
    body = to_anthropic(request, stream=True)
    assert body["system"] == "Be brief."
    assert body["max_tokens"] == 20
    assert body["stream"]
    assert body["stop_sequences"] == ["END"]
    assert body["tool_choice"] == {"type": "any"}
    assert body["tools"] == [{"name": "get_weather", "input_schema": {"type": "object"}}]
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["user", "assistant", "user"]  # the tool result and the next turn merged
    assert body["messages"][1]["content"] == [
        {"type": "tool_use", "id": "c1", "name": "get_weather", "input": {"city": "Paris"}}
    ]
    assert body["messages"][2]["content"] == [
        {"type": "tool_result", "tool_use_id": "c1", "content": "sunny"},
        {"type": "text", "text": "thanks"},
    ]


def test_messages_api_reply_becomes_an_openai_reply() -> None:
    reply = from_anthropic(
        {
            "content": [
                {"type": "text", "text": "Let me check."},
                {"type": "tool_use", "id": "t1", "name": "f", "input": {"a": 1}},
            ],
            "stop_reason": "tool_use",
            "usage": {"input_tokens": 3, "output_tokens": 2},
        },
        "m",
    )
    assert reply.content == "Let me check."
    assert reply.finish_reason == "tool_calls"
    assert json.loads(reply.tool_calls[0]["function"]["arguments"]) == {"a": 1}
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (3, 2)


def test_only_allowlisted_fields_go_upstream_and_users_are_pseudonymised() -> None:
    body = parse_body(
        json.dumps(
            {
                "model": "m",
                "messages": [{"role": "user", "content": "hi", "x": 1}],
                "temperature": 0.5,
                "user": "bob",
                "metadata": {"pii": "x"},
                "logit_bias": {"1": 2},
            }
        ).encode(),
        ChatCompletionBody,
    )
    params = body.upstream_params()
    assert params == {"temperature": 0.5, "user": hash_user("bob")}
    assert body.message_dicts() == ({"role": "user", "content": "hi"},)
    assert hash_user("bob") != hash_user("bob2")
    assert "bob" not in hash_user("bob")


@pytest.mark.parametrize(
    ("raw", "code", "param"),
    [
        (b"{", "invalid_json", None),
        (b"[1]", "invalid_request", None),
        (
            b'{"model": "m", "messages": [{"role": "robot", "content": "x"}]}',
            "invalid_request",
            "messages.0.role",
        ),
        (b'{"model": "m", "messages": [{"role": "user"}], "n": 2}', "invalid_request", "n"),
    ],
)
def test_bad_bodies_are_400_with_the_offending_field(
    raw: bytes, code: str, param: str | None
) -> None:
    with pytest.raises(ApiError) as caught:
        parse_body(raw, ChatCompletionBody)
    assert caught.value.status == 400
    assert caught.value.code == code
    assert caught.value.param == param


def test_embedding_inputs() -> None:
    assert EmbeddingBody(model="e", input="a").inputs() == ("a",)
    assert EmbeddingBody(model="e", input=["a", "b"]).inputs() == ("a", "b")
