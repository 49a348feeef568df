"""The guard: offline scanners for prompts, outputs and tool calls; policies; redaction.

Public API::

    from aiattest.guard import Guard
    guard = Guard.from_policy("policy.yaml")        # or None for the shipped default
    request = guard.check_input([{"role": "user", "content": "..."}])
    if request.decision is Action.BLOCK: ...
    answer = guard.check_output(model_text, request)  # pseudonyms restored in answer.text
"""

from aiattest.guard.interface import (
    Action,
    Channel,
    Finding,
    Message,
    ScanContext,
    Scanner,
    ScanOutcome,
    Severity,
)
from aiattest.guard.pipeline import MessagesVerdict, Pipeline, ScannerFailure, Stage, Verdict
from aiattest.guard.policy import Policy, RedactionMode, Rule, load_policy, parse_policy
from aiattest.guard.redaction import Redactor
from aiattest.guard.sdk import Guard, InputCheck, OutputCheck
from aiattest.guard.tools import ToolCall, ToolDecision, ToolPolicy, ToolViolation

__all__ = [
    "Action",
    "Channel",
    "Finding",
    "Guard",
    "InputCheck",
    "Message",
    "MessagesVerdict",
    "OutputCheck",
    "Pipeline",
    "Policy",
    "RedactionMode",
    "Redactor",
    "Rule",
    "ScanContext",
    "ScanOutcome",
    "Scanner",
    "ScannerFailure",
    "Severity",
    "Stage",
    "ToolCall",
    "ToolDecision",
    "ToolPolicy",
    "ToolViolation",
    "Verdict",
    "load_policy",
    "parse_policy",
]
