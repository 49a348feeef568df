"""Tool-call policy for agents: which tools a route and role may call, with what arguments.

A model's tool calls are checked before any of them runs: a tool outside the allowlist,
arguments that break the tool's JSON Schema or more calls than the cap block the turn; a
tool that needs a person's approval makes the decision ``needs_approval``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

import jsonschema
from jsonschema.validators import validator_for
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aiattest.guard.interface import Action


class ToolGrant(BaseModel):
    """Tools that callers matching ``route`` and ``role`` may use."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tools: list[str] = Field(min_length=1)
    """Tool names (``*`` globs allowed, e.g. ``search_*``)."""
    route: str = "*"
    """Route (model alias) glob the grant applies to."""
    role: str = "*"
    """Caller role glob the grant applies to."""


class ToolPolicy(BaseModel):
    """The ``tools:`` section of a guard policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    allow: list[ToolGrant] = Field(default_factory=list)
    """Grants; a tool no grant names for the route and role is blocked."""
    approval: list[str] = Field(default_factory=list)
    """Tools (globs) that need a person's approval before they run."""
    schemas: dict[str, dict[str, Any]] = Field(default_factory=dict)
    """JSON Schema for each tool's arguments."""
    max_calls: int = Field(default=16, ge=1)
    """Most tool calls one request may make."""

    @field_validator("schemas")
    @classmethod
    def _schemas_are_valid(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        for tool, schema in value.items():
            try:
                validator_for(schema).check_schema(schema)
            except jsonschema.SchemaError as e:
                raise ValueError(
                    f"schema of tool {tool!r} is not a valid JSON Schema: {e.message}"
                ) from e
        return value


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call the model asked for."""

    name: str
    """The tool's name."""
    arguments: str | Mapping[str, Any]
    """Arguments as the provider sent them: a JSON string or an already parsed object."""


@dataclass(frozen=True, slots=True)
class ToolViolation:
    """Why one tool call is not simply allowed."""

    index: int
    """Position of the call in the request."""
    tool: str
    """The tool's name."""
    type: str
    """``TOOL_NOT_ALLOWED``, ``TOOL_ARGUMENTS_INVALID``, ``TOOL_CALL_LIMIT`` or
    ``TOOL_NEEDS_APPROVAL``."""
    action: Action
    """What the policy does about it."""
    detail: str
    """One line for a person (never the argument values themselves)."""


@dataclass(frozen=True, slots=True)
class ToolDecision:
    """The verdict on all tool calls of one request."""

    decision: Action
    """The strongest action among the violations; allow when there are none."""
    violations: tuple[ToolViolation, ...]
    """Every violation found."""


def check_tool_calls(
    policy: ToolPolicy, calls: Sequence[ToolCall], *, role: str, route: str | None = None
) -> ToolDecision:
    """Check ``calls`` against ``policy`` for a caller with ``role`` on ``route``."""
    violations: list[ToolViolation] = []
    grants = [
        g for g in policy.allow if fnmatchcase(route or "", g.route) and fnmatchcase(role, g.role)
    ]
    for index, call in enumerate(calls):
        if index >= policy.max_calls:
            violations.append(
                ToolViolation(
                    index,
                    call.name,
                    "TOOL_CALL_LIMIT",
                    Action.BLOCK,
                    f"more than {policy.max_calls} tool calls in one request",
                )
            )
            break
        violations.extend(_check_one(policy, grants, index, call))
    decision = max((v.action for v in violations), key=lambda a: a.rank, default=Action.ALLOW)
    return ToolDecision(decision, tuple(violations))


def _check_one(
    policy: ToolPolicy, grants: list[ToolGrant], index: int, call: ToolCall
) -> list[ToolViolation]:
    if not any(fnmatchcase(call.name, t) for g in grants for t in g.tools):
        return [
            ToolViolation(
                index, call.name, "TOOL_NOT_ALLOWED", Action.BLOCK, "tool not allowed here"
            )
        ]
    found: list[ToolViolation] = []
    problem = _argument_problem(policy.schemas.get(call.name), call.arguments)
    if problem is not None:
        found.append(
            ToolViolation(index, call.name, "TOOL_ARGUMENTS_INVALID", Action.BLOCK, problem)
        )
    if any(fnmatchcase(call.name, t) for t in policy.approval):
        found.append(
            ToolViolation(
                index,
                call.name,
                "TOOL_NEEDS_APPROVAL",
                Action.NEEDS_APPROVAL,
                "a person must approve this call",
            )
        )
    return found


def _argument_problem(
    schema: dict[str, Any] | None, arguments: str | Mapping[str, Any]
) -> str | None:
    """Why the arguments are unacceptable, or None. Only paths are reported, not values."""
    if isinstance(arguments, str):
        try:
            parsed: Any = json.loads(arguments) if arguments.strip() else {}
        except (ValueError, RecursionError):
            return "arguments are not valid JSON"
    else:
        parsed = dict(arguments)
    if schema is None:
        return None
    try:
        error = jsonschema.exceptions.best_match(validator_for(schema)(schema).iter_errors(parsed))
    except RecursionError:
        return "arguments are nested too deeply"
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(root)"
    return f"arguments do not match the schema at {where} ({error.validator})"
