"""Guard policies: YAML files, validated, with errors that name the file and line.

A policy says which scanners run on inputs and outputs (with their options, channels
and time budgets), what to do about each finding type, score thresholds, the redaction
mode, overrides per route / tenant / model, and the tool-call policy. Scanners are built
once, when the policy loads, so bad options fail there and not on the first request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from aiattest.errors import ConfigError, ScannerError
from aiattest.guard import registry
from aiattest.guard.interface import Action, Channel, Finding, OptionError, Scanner
from aiattest.guard.tools import ToolPolicy
from aiattest.guard.yamlnodes import LocatedDocument, Location, load_located, read_located

DEFAULT_POLICY = "default.yaml"
DEFAULT_TIMEOUT_MS = 250.0
"""Budget per scanner call; generous because a miss blocks the request (fail closed)."""
INPUT_CHANNELS = (Channel.USER, Channel.TOOL, Channel.DOCUMENT)
OUTPUT_CHANNELS = (Channel.ASSISTANT,)


class RedactionMode(StrEnum):
    """How redacted spans are replaced."""

    MASK = "mask"
    """``<EMAIL_ADDRESS>``: the type only."""
    HASH = "hash"
    """``<EMAIL_ADDRESS:3f9a…>``: HMAC-SHA256 with the deployment key, so equal values
    can be correlated without being revealed."""
    PSEUDONYMISE = "pseudonymise"
    """``<EMAIL_ADDRESS_1>``, restored in the response; the mapping lives only in memory."""


class ScannerSpec(BaseModel):
    """One scanner entry of ``input:`` or ``output:``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    scanner: str
    """Registry name."""
    options: dict[str, Any] = Field(default_factory=dict)
    """Passed to the scanner's ``from_options``."""
    channels: list[Channel] | None = None
    """Channels it runs on; default user/tool/document for input, assistant for output."""
    timeout_ms: float | None = Field(default=None, gt=0)
    """Time budget per call; over it the request is blocked."""

    @field_validator("scanner")
    @classmethod
    def _registered(cls, value: str) -> str:
        if value not in registry.SCANNERS:
            raise ValueError(f"unknown scanner {value!r}; known: {', '.join(registry.names())}")
        return value


class RuleSpec(BaseModel):
    """Settings that the top level defines and overrides may change."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input: list[ScannerSpec] | None = Field(default=None, min_length=1)
    """Scanners for inputs; an override's list replaces the default one."""
    output: list[ScannerSpec] | None = Field(default=None, min_length=1)
    """Scanners for outputs; an override's list replaces the default one."""
    actions: dict[str, Action] = Field(default_factory=dict)
    """Action per finding type (``TYPE`` or ``TYPE:subtype``); merged over the defaults."""
    thresholds: dict[str, float] = Field(default_factory=dict)
    """Minimum score per finding type; lower-scored findings are dropped."""
    default_action: Action | None = None
    """Action for finding types ``actions`` does not name."""
    redaction: RedactionMode | None = None
    """How to redact."""
    timeout_ms: float | None = Field(default=None, gt=0)
    """Default time budget per scanner call."""

    @field_validator("thresholds")
    @classmethod
    def _unit_interval(cls, value: dict[str, float]) -> dict[str, float]:
        for key, score in value.items():
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"threshold of {key} must be within [0, 1]")
        return value


class Match(BaseModel):
    """When an override applies: every given glob must match."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    route: str | None = None
    """Route glob."""
    tenant: str | None = None
    """Tenant glob."""
    model: str | None = None
    """Model glob."""


class OverrideSpec(RuleSpec):
    """Changes to the defaults for matching requests."""

    when: Match
    """Which requests it applies to."""


class PolicySpec(RuleSpec):
    """The whole file."""

    version: Literal[1] = 1
    """Format version."""
    name: str = "policy"
    """A name for logs and evidence."""
    overrides: list[OverrideSpec] = Field(default_factory=list)
    """Applied in order; later ones win."""
    tools: ToolPolicy | None = None
    """Tool-call policy for agents."""


@dataclass(frozen=True, slots=True)
class BoundScanner:
    """A built scanner with where and how long it may run."""

    scanner: Scanner
    """The scanner."""
    channels: frozenset[Channel]
    """Channels it runs on."""
    timeout_s: float
    """Budget per call, in seconds."""

    @property
    def name(self) -> str:
        """Registry name of the scanner."""
        return self.scanner.name


@dataclass(frozen=True, slots=True)
class Rule:
    """The resolved policy for one request."""

    input: tuple[BoundScanner, ...]
    """Input scanners."""
    output: tuple[BoundScanner, ...]
    """Output scanners."""
    actions: Mapping[str, Action]
    """Action per ``TYPE`` or ``TYPE:subtype``."""
    thresholds: Mapping[str, float]
    """Minimum score per type."""
    default_action: Action
    """Action for unnamed types."""
    redaction: RedactionMode
    """Redaction mode."""

    def action_for(self, finding: Finding) -> Action:
        """What to do about ``finding``: subtype rule, then type rule, then the default."""
        if finding.subtype:
            specific = self.actions.get(f"{finding.type}:{finding.subtype}")
            if specific is not None:
                return specific
        return self.actions.get(finding.type, self.default_action)

    def keeps(self, finding: Finding) -> bool:
        """Whether ``finding`` reaches the policy's threshold for its type."""
        return finding.score >= self.thresholds.get(finding.type, 0.0)


class Policy:
    """A loaded policy; ``resolve`` gives the rule for a request."""

    def __init__(self, spec: PolicySpec, doc: LocatedDocument, source: str) -> None:
        self.spec = spec
        self.source = source
        self._cache: dict[str, Scanner] = {}
        self._default = self._rule(spec, None, (), doc)
        self._overrides = [
            (o, self._rule(o, self._default, ("overrides", i), doc))
            for i, o in enumerate(spec.overrides)
        ]

    @property
    def name(self) -> str:
        """The policy's name."""
        return self.spec.name

    @property
    def tools(self) -> ToolPolicy:
        """The tool-call policy (an empty one, which allows nothing, when absent)."""
        return self.spec.tools or ToolPolicy()

    @property
    def rules(self) -> list[Rule]:
        """The default rule and each override's rule."""
        return [self._default, *(rule for _, rule in self._overrides)]

    def resolve(
        self, *, route: str | None = None, tenant: str | None = None, model: str | None = None
    ) -> Rule:
        """The rule for a request: the last matching override, else the defaults."""
        chosen = self._default
        for override, rule in self._overrides:
            if _matches(override.when, route=route, tenant=tenant, model=model):
                chosen = rule
        return chosen

    def _rule(self, spec: RuleSpec, base: Rule | None, loc: Location, doc: LocatedDocument) -> Rule:
        # An override's own scanners fall back to the top-level budget, then the default.
        default_timeout = spec.timeout_ms or self.spec.timeout_ms or DEFAULT_TIMEOUT_MS

        def bind(which: str, specs: list[ScannerSpec] | None) -> tuple[BoundScanner, ...] | None:
            if specs is None:
                return None
            defaults = INPUT_CHANNELS if which == "input" else OUTPUT_CHANNELS
            bound = []
            for i, s in enumerate(specs):
                scanner = self._build(s, (*loc, which, i), doc)
                channels = frozenset(s.channels if s.channels is not None else defaults)
                bound.append(
                    BoundScanner(scanner, channels, (s.timeout_ms or default_timeout) / 1e3)
                )
            return tuple(bound)

        inputs = bind("input", spec.input)
        outputs = bind("output", spec.output)
        if base is None:
            if inputs is None or outputs is None:
                missing = "input" if inputs is None else "output"
                raise ConfigError(
                    f"{self.source}:{doc.line_of(())}: policy has no {missing} scanners",
                    hint="an empty policy would let everything through; list scanners",
                )
            return Rule(
                inputs,
                outputs,
                dict(spec.actions),
                dict(spec.thresholds),
                spec.default_action or Action.FLAG,
                spec.redaction or RedactionMode.PSEUDONYMISE,
            )
        return Rule(
            inputs if inputs is not None else base.input,
            outputs if outputs is not None else base.output,
            {**base.actions, **spec.actions},
            {**base.thresholds, **spec.thresholds},
            spec.default_action or base.default_action,
            spec.redaction or base.redaction,
        )

    def _build(self, spec: ScannerSpec, loc: Location, doc: LocatedDocument) -> Scanner:
        # Equal (name, options) pairs share one instance: models load once per policy.
        key = repr((spec.scanner, sorted(spec.options.items(), key=lambda kv: str(kv[0]))))
        if key not in self._cache:
            try:
                self._cache[key] = registry.build(spec.scanner, spec.options)
            except ScannerError as e:
                path = e.path if isinstance(e, OptionError) else ()
                line = doc.line_of((*loc, "options", *path))
                raise ConfigError(f"{self.source}:{line}: {e.message}", hint=e.hint) from e
        return self._cache[key]


def _matches(when: Match, **values: str | None) -> bool:
    for field_name, value in values.items():
        pattern = getattr(when, field_name)
        if pattern is not None and (value is None or not fnmatchcase(value, pattern)):
            return False
    return True


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    """Parse and validate policy YAML; ConfigError names ``source`` and the line."""
    return _from_document(load_located(text, source), source)


def load_policy(path: Path | str | None = None) -> Policy:
    """Load the policy at ``path``, or the one shipped in the package when None."""
    if path is None:
        text = resources.files("aiattest.guard.policies").joinpath(DEFAULT_POLICY).read_text()
        return parse_policy(text, f"<package>/{DEFAULT_POLICY}")
    path = Path(path)
    return _from_document(read_located(path), str(path))


def _from_document(doc: LocatedDocument, source: str) -> Policy:
    if doc.data is None or doc.data == {}:
        raise ConfigError(
            f"{source}:1: policy is empty", hint="an empty policy is an error, not a pass"
        )
    if not isinstance(doc.data, dict):
        raise ConfigError(f"{source}:1: a policy must be a mapping")
    try:
        spec = PolicySpec.model_validate(doc.data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(err["loc"])
        where = ".".join(str(p) for p in loc) or "policy"
        raise ConfigError(f"{source}:{doc.line_of(loc)}: {where}: {err['msg']}") from e
    return Policy(spec, doc, source)
