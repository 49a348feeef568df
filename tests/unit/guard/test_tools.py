"""Tool-call policy: allowlists per route and role, argument schemas, approval, a cap."""

from __future__ import annotations

from aiattest.guard.interface import Action
from aiattest.guard.tools import ToolCall, ToolPolicy, check_tool_calls

POLICY = ToolPolicy.model_validate(
    {
        "max_calls": 3,
        "allow": [
            {"tools": ["search", "get_*"], "role": "*"},
            {"tools": ["send_email", "delete_record"], "role": "operator", "route": "support-*"},
        ],
        "approval": ["send_email"],
        "schemas": {
            "search": {
                "type": "object",
                "properties": {"query": {"type": "string", "maxLength": 100}},
                "required": ["query"],
                "additionalProperties": False,
            }
        },
    }
)


def types(calls: list[ToolCall], role: str = "consumer", route: str | None = None) -> list[str]:
    return [v.type for v in check_tool_calls(POLICY, calls, role=role, route=route).violations]


def test_allowed_calls_pass() -> None:
    calls = [
        ToolCall("search", '{"query": "refund policy"}'),
        ToolCall("get_weather", {"city": "Oslo"}),
    ]
    decision = check_tool_calls(POLICY, calls, role="consumer")
    assert decision.decision is Action.ALLOW
    assert decision.violations == ()


def test_tool_outside_the_allowlist_blocks() -> None:
    decision = check_tool_calls(POLICY, [ToolCall("delete_record", {})], role="consumer")
    assert decision.decision is Action.BLOCK
    assert [(v.index, v.tool, v.type) for v in decision.violations] == [
        (0, "delete_record", "TOOL_NOT_ALLOWED")
    ]


def test_grants_depend_on_role_and_route() -> None:
    call = [ToolCall("delete_record", {})]
    assert types(call, role="operator", route="support-eu") == []
    assert types(call, role="operator", route="sales") == ["TOOL_NOT_ALLOWED"]
    assert types(call, role="operator") == ["TOOL_NOT_ALLOWED"]


def test_arguments_must_match_the_schema() -> None:
    assert types([ToolCall("search", {"query": 3})]) == ["TOOL_ARGUMENTS_INVALID"]
    assert types([ToolCall("search", '{"query": "x", "limit": 5}')]) == ["TOOL_ARGUMENTS_INVALID"]
    assert types([ToolCall("search", "{not json")]) == ["TOOL_ARGUMENTS_INVALID"]
    decision = check_tool_calls(POLICY, [ToolCall("search", {"query": "x" * 101})], role="r")
    assert "query" in decision.violations[0].detail
    assert "xxx" not in decision.violations[0].detail  # values never echoed


def test_approval_needed() -> None:
    decision = check_tool_calls(
        POLICY, [ToolCall("send_email", {"to": "a"})], role="operator", route="support-1"
    )
    assert decision.decision is Action.NEEDS_APPROVAL
    assert [v.type for v in decision.violations] == ["TOOL_NEEDS_APPROVAL"]


def test_block_beats_approval() -> None:
    calls = [ToolCall("send_email", {}), ToolCall("rm_rf", {})]
    decision = check_tool_calls(POLICY, calls, role="operator", route="support-1")
    assert decision.decision is Action.BLOCK


def test_call_cap() -> None:
    calls = [ToolCall("search", {"query": str(i)}) for i in range(5)]
    decision = check_tool_calls(POLICY, calls, role="consumer")
    assert decision.decision is Action.BLOCK
    assert [(v.index, v.type) for v in decision.violations] == [(3, "TOOL_CALL_LIMIT")]


def test_empty_policy_allows_no_tool() -> None:
    decision = check_tool_calls(ToolPolicy(), [ToolCall("search", {})], role="admin")
    assert decision.decision is Action.BLOCK
