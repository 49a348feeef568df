"""The ``custom`` scanner: a policy's own regex patterns and deny-lists, run with RE2.

Patterns come from policy files written by people, so they are compiled with RE2
(:mod:`aiattest.guard.patterns`): every accepted pattern runs in linear time and the ones
that would need backtracking are refused when the policy loads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, OptionError, ScanContext, Scanner, Severity
from aiattest.guard.patterns import LinearPattern, compile_linear, literal_alternation, scannable


class PatternSpec(BaseModel):
    """One custom pattern of a policy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    """Finding type it reports, e.g. ``EMPLOYEE_ID`` (upper case, used by ``actions``)."""
    regex: str = Field(min_length=1)
    """RE2 syntax; no back-references or look-around."""
    score: float = Field(default=0.9, ge=0.0, le=1.0)
    """Score of each match."""
    severity: Severity = Severity.MEDIUM
    """Severity of each match."""
    ignore_case: bool = False
    """Match regardless of case."""


class DenyListSpec(BaseModel):
    """Words or phrases that must not pass, matched as whole words, case-insensitively."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: str = Field(default="DENY_LIST", pattern=r"^[A-Z][A-Z0-9_]*$")
    """Finding type it reports."""
    words: list[str] = Field(min_length=1)
    """The denied words or phrases."""
    score: float = Field(default=1.0, ge=0.0, le=1.0)
    """Score of each match."""
    severity: Severity = Severity.HIGH
    """Severity of each match."""


@dataclass(frozen=True, slots=True)
class _Compiled:
    type: str
    pattern: LinearPattern
    score: float
    severity: Severity
    subtype: str


class CustomScanner(Scanner):
    """Reports matches of the policy's patterns and deny-listed words."""

    name = "custom"

    def __init__(
        self,
        patterns: Sequence[PatternSpec] = (),
        deny_lists: Sequence[DenyListSpec] = (),
    ) -> None:
        compiled = [
            _Compiled(
                p.type,
                compile_linear(p.regex, ignore_case=p.ignore_case),
                p.score,
                p.severity,
                "pattern",
            )
            for p in patterns
        ]
        for i, d in enumerate(deny_lists):
            words = [w for w in (w.strip() for w in d.words) if w]
            if not words:
                raise OptionError(
                    f"scanner 'custom': deny list {d.type} has no non-blank words",
                    path=("deny_lists", i, "words"),
                )
            compiled.append(
                _Compiled(d.type, literal_alternation(words), d.score, d.severity, "deny_list")
            )
        self._compiled = tuple(compiled)

    @classmethod
    def from_options(cls, options: Mapping[str, Any]) -> Self:
        """Build from ``{patterns: [...], deny_lists: [...]}``; bad entries raise ScannerError."""
        unknown = set(options) - {"patterns", "deny_lists"}
        if unknown:
            raise OptionError(
                f"scanner 'custom': unknown options {sorted(unknown)}", path=(sorted(unknown)[0],)
            )
        patterns = [
            _validated(PatternSpec, p, ("patterns", i))
            for i, p in enumerate(options.get("patterns") or ())
        ]
        deny = [
            _validated(DenyListSpec, d, ("deny_lists", i))
            for i, d in enumerate(options.get("deny_lists") or ())
        ]
        for i, spec in enumerate(patterns):
            try:
                compile_linear(spec.regex, ignore_case=spec.ignore_case)
            except ScannerError as e:
                raise OptionError(
                    f"scanner 'custom': {e.message}", path=("patterns", i, "regex"), hint=e.hint
                ) from e
        return cls(patterns, deny)

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """Every match of every pattern, in pattern order."""
        findings: list[Finding] = []
        text = scannable(text)
        for c in self._compiled:
            for m in c.pattern.finditer(text):
                start, end = m.span()
                if end > start:  # an empty match marks nothing
                    findings.append(
                        Finding(self.name, c.type, start, end, c.score, c.severity, c.subtype)
                    )
        return findings


def _validated(
    model: type[PatternSpec] | type[DenyListSpec], raw: Any, path: tuple[str | int, ...]
) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        first = e.errors()[0]
        inner = tuple(first["loc"])
        where = ".".join(str(p) for p in (*path, *inner))
        raise OptionError(f"scanner 'custom': {where}: {first['msg']}", path=(*path, *inner)) from e
