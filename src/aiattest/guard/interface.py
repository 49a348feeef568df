"""The guard's seam: the ``Scanner`` ABC and the immutable values that cross it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Self

from aiattest.errors import ScannerError


class Channel(StrEnum):
    """Where a text came from; thresholds and scanners differ per channel."""

    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"
    """Output of a tool call fed back to the model (indirect injection surface)."""
    DOCUMENT = "document"
    """A retrieved RAG document (indirect injection surface)."""


class Severity(StrEnum):
    """How bad a finding is."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Action(StrEnum):
    """What the policy does about a finding; the pipeline's decision is the strongest one."""

    ALLOW = "allow"
    FLAG = "flag"
    REDACT = "redact"
    NEEDS_APPROVAL = "needs_approval"
    BLOCK = "block"

    @property
    def rank(self) -> int:
        """Strength of the action: a stronger one wins when findings disagree."""
        return _ACTION_RANK[self]


_ACTION_RANK = {
    Action.ALLOW: 0,
    Action.FLAG: 1,
    Action.REDACT: 2,
    Action.NEEDS_APPROVAL: 3,
    Action.BLOCK: 4,
}


class OptionError(ScannerError):
    """A scanner option is invalid; ``path`` points at it inside the options mapping, so a
    policy error can name the exact line (e.g. ``("patterns", 2, "regex")``)."""

    def __init__(
        self, message: str, *, path: tuple[str | int, ...] = (), hint: str | None = None
    ) -> None:
        super().__init__(message, hint=hint)
        self.path = path


@dataclass(frozen=True, slots=True)
class Finding:
    """Something a scanner found, with character offsets into the original text."""

    scanner: str
    """Name of the scanner that found it."""
    type: str
    """What was found, e.g. ``EMAIL_ADDRESS``, ``SECRET``, ``PROMPT_INJECTION``."""
    start: int
    """Offset of the first character, in the original (not normalised) text."""
    end: int
    """Offset one past the last character."""
    score: float
    """Confidence in [0, 1]."""
    severity: Severity = Severity.MEDIUM
    """How bad it is."""
    subtype: str | None = None
    """A finer type, e.g. ``openai`` for a SECRET or ``instruction_override``."""


@dataclass(frozen=True, slots=True)
class ScanContext:
    """What a scanner may know about the text besides the text itself."""

    channel: Channel = Channel.USER
    """Which channel the text came through."""
    route: str | None = None
    """The gateway route (model alias), if any."""
    tenant: str | None = None
    """The tenant the request belongs to."""
    system_prompt: str | None = None
    """The request's system prompt, for leakage checks on outputs."""
    canary: str | None = None
    """A per-request canary token planted in the system prompt."""
    rag_context: tuple[str, ...] = field(default_factory=tuple)
    """Retrieved documents an answer should be grounded in."""
    model: str | None = None
    """The model the request goes to, if known."""
    output_schema: Mapping[str, Any] | None = None
    """A JSON Schema the answer must follow (structured outputs), if the caller set one."""


@dataclass(frozen=True, slots=True)
class Message:
    """One chat message as the guard sees it: the text and the channel it came through."""

    channel: Channel
    """Where the text came from."""
    text: str
    """The message content."""


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    """A scanner's findings and its overall score for the text (0 when it has none)."""

    findings: tuple[Finding, ...]
    """What was found."""
    score: float
    """The scanner's raw score in [0, 1], reported even when below the threshold."""


class Scanner(ABC):
    """Finds things in one text. Implementations must run in linear time and never raise
    on any Unicode input; a scanner that does raise makes the pipeline block (fail closed).
    """

    name: ClassVar[str]
    """Registry name of the scanner."""

    @abstractmethod
    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """Return the findings in ``text``, offsets into ``text`` itself."""

    def assess(self, text: str, context: ScanContext) -> ScanOutcome:
        """Findings plus a raw score; scanners with a score below threshold override this."""
        findings = tuple(self.scan(text, context))
        return ScanOutcome(findings, max((f.score for f in findings), default=0.0))

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Self:
        """Build the scanner from a policy's options; unknown options raise ScannerError."""
        try:
            return cls(**options)
        except TypeError as e:
            raise ScannerError(f"scanner {cls.name!r}: bad options {dict(options)!r}: {e}") from e


__all__ = [
    "Action",
    "Channel",
    "Finding",
    "Message",
    "OptionError",
    "ScanContext",
    "ScanOutcome",
    "Scanner",
    "ScannerError",
    "Severity",
]
