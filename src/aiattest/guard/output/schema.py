"""Structured outputs: the answer must be JSON that follows a JSON Schema."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jsonschema
from jsonschema.validators import validator_for

from aiattest.errors import ScannerError
from aiattest.guard.interface import Finding, ScanContext, Scanner, Severity

VIOLATION = "SCHEMA_VIOLATION"
_MAX_ERRORS = 20
"""Findings reported per answer; past that, more of them say nothing new."""


def _checked(schema: Any) -> Any:
    try:
        cls = validator_for(schema)
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        raise ScannerError(f"scanner 'json_schema': invalid JSON Schema: {e.message}") from e
    return cls(schema)


class JsonSchemaScanner(Scanner):
    """Validates the answer against ``schema`` (or the request's ``output_schema``).

    With neither, it has nothing to check and finds nothing. A fenced block
    (```` ```json … ``` ````) around the JSON is accepted, as models often add one.
    """

    name = "json_schema"

    def __init__(self, schema: Mapping[str, Any] | None = None) -> None:
        self._validator = _checked(schema) if schema is not None else None

    def scan(self, text: str, context: ScanContext) -> list[Finding]:
        """One finding for unparsable JSON, else one per schema error (up to 20)."""
        validator = (
            _checked(context.output_schema)
            if context.output_schema is not None
            else self._validator
        )
        if validator is None:
            return []
        start, end = _json_span(text)
        try:
            document = json.loads(text[start:end])
        except (ValueError, RecursionError):
            return [Finding(self.name, VIOLATION, start, end, 1.0, Severity.HIGH, "invalid_json")]
        findings = []
        try:
            for error in validator.iter_errors(document):
                findings.append(
                    Finding(
                        self.name, VIOLATION, start, end, 1.0, Severity.MEDIUM, str(error.validator)
                    )
                )
                if len(findings) >= _MAX_ERRORS:
                    break
        except RecursionError:
            return [Finding(self.name, VIOLATION, start, end, 1.0, Severity.HIGH, "too_deep")]
        return findings


def _json_span(text: str) -> tuple[int, int]:
    """Offsets of the JSON in ``text``: inside a code fence if there is one, else trimmed."""
    start, end = 0, len(text)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if text.startswith("```", start):
        newline = text.find("\n", start)
        close = text.rfind("```", start + 3, end)
        if newline != -1 and close > newline and close == end - 3:
            start, end = newline + 1, close
            while end > start and text[end - 1].isspace():
                end -= 1
    return start, end
