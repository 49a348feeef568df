"""The guard in the request path: input before the call, output after it, tool calls too.

Streamed output goes through ``StreamGuard``: text is emitted only once a scan of everything
so far has passed, and the last ``lookbehind`` characters are held back, so that a secret or
a card number split across chunks is seen whole before any of it leaves.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from aiattest.gateway.audit import FindingSummary
from aiattest.gateway.interface import JsonObject, content_text
from aiattest.guard.interface import Action, Finding
from aiattest.guard.sdk import Guard, InputCheck, OutputCheck
from aiattest.guard.tools import ToolCall, ToolDecision

BLOCKED_REPLY = "The answer was withheld because it did not pass this service's content policy."
_SCAN_EVERY = 256


def guard_messages(messages: Sequence[JsonObject]) -> list[JsonObject]:
    """The messages as the guard reads them: role and text (tool-call-only turns are empty)."""
    return [{"role": m.get("role"), "content": content_text(m.get("content"))} for m in messages]


def sendable(messages: Sequence[JsonObject], checked: InputCheck) -> tuple[JsonObject, ...]:
    """The original messages with the guard's text (redacted, canary planted) swapped in."""
    out: list[JsonObject] = []
    for original, guarded in zip(messages, checked.messages, strict=True):
        message = dict(original)
        before = content_text(original.get("content"))
        if guarded.text != before or isinstance(original.get("content"), str):
            message["content"] = guarded.text
        out.append(message)
    return tuple(out)


def summarise(findings: Iterable[Finding], stage: str) -> list[FindingSummary]:
    """Counts and strongest score per (scanner, type): what the audit event keeps."""
    grouped: dict[tuple[str, str], list[float]] = defaultdict(list)
    for f in findings:
        grouped[(f.scanner, f.type)].append(f.score)
    return [
        FindingSummary(scanner, kind, len(scores), round(max(scores), 4), stage)
        for (scanner, kind), scores in sorted(grouped.items())
    ]


def input_findings(checked: InputCheck) -> list[FindingSummary]:
    """Summary of the input verdict."""
    return summarise((f for v in checked.verdict.messages for f in v.findings), "input")


def tool_calls_of(calls: Sequence[JsonObject]) -> list[ToolCall]:
    """OpenAI tool calls as the tool policy reads them."""
    out = []
    for call in calls:
        function = call.get("function") or {}
        out.append(ToolCall(str(function.get("name", "")), function.get("arguments") or "{}"))
    return out


def tool_findings(decision: ToolDecision) -> list[FindingSummary]:
    """Tool-policy violations as findings of the ``tools`` stage."""
    grouped: dict[str, int] = defaultdict(int)
    for v in decision.violations:
        grouped[v.type] += 1
    return [FindingSummary("tool_policy", t, n, 1.0, "tool") for t, n in sorted(grouped.items())]


def strongest(*actions: Action) -> Action:
    """The strongest of ``actions``."""
    return max(actions, key=lambda a: a.rank, default=Action.ALLOW)


@dataclass
class StreamGuard:
    """Scans a streamed answer incrementally and releases only text that passed."""

    guard: Guard
    """The guard."""
    request: InputCheck
    """The request's input check (context, canary, pseudonyms)."""
    lookbehind: int
    """Characters held back from the end of the scanned text."""
    raw: list[str] = field(default_factory=list)
    """Everything the model wrote so far."""
    emitted: int = 0
    """Characters of the shown text already released."""
    scanned_at: int = 0
    """Raw length at the last scan."""
    last: OutputCheck | None = None
    """The latest verdict."""

    def _scan(self) -> OutputCheck:
        text = "".join(self.raw)
        self.scanned_at = len(text)
        self.last = self.guard.check_output(text, self.request)
        return self.last

    def feed(self, delta: str) -> tuple[str, bool]:
        """Add model text; return ``(text safe to release now, blocked)``."""
        self.raw.append(delta)
        size = sum(len(part) for part in self.raw)
        if size - self.scanned_at < max(_SCAN_EVERY, self.lookbehind):
            return "", False
        check = self._scan()
        if check.decision is Action.BLOCK:
            return "", True
        stable = max(self.emitted, len(check.text) - self.lookbehind)
        out = check.text[self.emitted : stable]
        self.emitted = stable
        return out, False

    def finish(self) -> tuple[str, bool]:
        """At the end of the answer: scan all of it, release the rest or report a block."""
        check = self._scan()
        if check.decision is Action.BLOCK:
            return "", True
        out = check.text[self.emitted :]
        self.emitted = len(check.text)
        return out, False

    def findings(self) -> list[FindingSummary]:
        """Summary of the final output verdict."""
        if self.last is None:
            return []
        return summarise(self.last.verdict.findings, "output")


def merge_tool_deltas(fragments: Sequence[JsonObject]) -> list[JsonObject]:
    """Whole tool calls from streamed fragments (joined arguments, by index)."""
    calls: dict[int, JsonObject] = {}
    for fragment in fragments:
        index = int(fragment.get("index", 0))
        call = calls.setdefault(
            index,
            {
                "index": index,
                "id": "",
                "type": "function",
                "function": {"name": "", "arguments": ""},
            },
        )
        if fragment.get("id"):
            call["id"] = fragment["id"]
        function = fragment.get("function") or {}
        if function.get("name"):
            call["function"]["name"] = function["name"]
        call["function"]["arguments"] += str(function.get("arguments") or "")
    return [calls[i] for i in sorted(calls)]


def approval_reasons(findings: Sequence[FindingSummary]) -> tuple[str, ...]:
    """Finding types that can hold a request for approval (never text)."""
    return tuple(sorted({f.type for f in findings}))


def dumps(value: object) -> str:
    """Compact JSON."""
    return json.dumps(value, separators=(",", ":"))
