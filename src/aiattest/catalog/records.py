"""Turning YAML documents into typed catalog records that remember where they came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from aiattest.catalog.models import AIRisk, Control, Criterion
from aiattest.catalog.yamlfile import LocatedDict, LocatedList, SourceLocation, parse_yaml
from aiattest.errors import CatalogError

Record = Criterion | AIRisk | Control
"""Any record a catalog file can hold."""

SECTIONS: dict[str, type[Criterion] | type[AIRisk] | type[Control]] = {
    "criteria": Criterion,
    "risks": AIRisk,
    "controls": Control,
}
"""The top-level keys of a catalog file and the record type each holds."""

NOUNS: dict[type[BaseModel], str] = {Criterion: "criterion", AIRisk: "AI risk", Control: "control"}
"""How messages name each kind of record."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the catalog, at a place in a file."""

    where: SourceLocation
    """The file and line."""
    message: str
    """What is wrong, naming the offending id."""

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Entry:
    """A validated record and its source; internal to the loader."""

    record: Record
    """The typed record."""
    where: SourceLocation
    """Where the record's mapping starts."""
    raw: LocatedDict
    """The parsed mapping, kept for the lines of its fields and list items."""
    user: bool
    """Whether it comes from the user's catalog_dir rather than the package."""

    @property
    def noun(self) -> str:
        """``control``, ``criterion`` or ``AI risk``."""
        return NOUNS[type(self.record)]

    def line_of(self, field: str, index: int | None = None) -> SourceLocation:
        """The location of a field, or of one item of a list field."""
        value = self.raw.get(field)
        line = self.raw.line_of(field)
        if index is not None and isinstance(value, LocatedList):
            line = value.line_of(index)
        return SourceLocation(self.where.path, line)


def raise_for(problems: Sequence[Problem]) -> None:
    """Raise CatalogError for the first problem (and count the rest) if there are any."""
    if not problems:
        return
    first, rest = problems[0], problems[1:]
    message = str(first)
    if rest:
        message += f" (and {len(rest)} more problem{'s' if len(rest) > 1 else ''})"
    hint = "; ".join(str(p) for p in rest[:5]) or None
    raise CatalogError(message, hint=hint)


def read_entries(text: str, path: str, *, user: bool) -> tuple[list[Entry], list[Problem]]:
    """Parse one catalog file into entries, collecting schema problems instead of raising.

    Malformed YAML raises CatalogError at once: nothing after it can be trusted.
    """
    document = parse_yaml(text, path)
    if document is None:
        return [], []
    if not isinstance(document, LocatedDict):
        where = SourceLocation(path, 1)
        return [], [Problem(where, "a catalog file must be a mapping of criteria/risks/controls")]
    entries: list[Entry] = []
    problems: list[Problem] = []
    for section, items in document.items():
        where = SourceLocation(path, document.line_of(section))
        if section not in SECTIONS:
            problems.append(
                Problem(where, f"unknown section {section!r} (expected {', '.join(SECTIONS)})")
            )
            continue
        if user and section == "criteria":
            # The 61 criteria are the framework itself; a user catalog maps to them.
            problems.append(Problem(where, "a user catalog may not define criteria"))
            continue
        if not isinstance(items, LocatedList):
            problems.append(Problem(where, f"{section!r} must be a list"))
            continue
        for index, item in enumerate(items):
            item_where = SourceLocation(path, items.line_of(index))
            if not isinstance(item, LocatedDict):
                problems.append(Problem(item_where, f"each item of {section!r} must be a mapping"))
                continue
            entry, problem = _validate_item(SECTIONS[section], item, item_where, user=user)
            if entry is not None:
                entries.append(entry)
            if problem is not None:
                problems.append(problem)
    return entries, problems


def _validate_item(
    model: type[Criterion] | type[AIRisk] | type[Control],
    item: LocatedDict,
    where: SourceLocation,
    *,
    user: bool,
) -> tuple[Entry | None, Problem | None]:
    try:
        record = model.model_validate(item)
    except ValidationError as e:
        error = e.errors()[0]
        loc = error["loc"]
        raw_id = item.get("id")
        label = f"{NOUNS[model]} {raw_id!r}" if isinstance(raw_id, str) else NOUNS[model]
        field = ".".join(str(part) for part in loc) or "record"
        line = _line_for(item, loc)
        detail = f"{label}: {field}: {error['msg']}"
        if isinstance(error.get("input"), str | int | float) and error["type"] != "missing":
            detail += f" (got {error['input']!r})"
        return None, Problem(SourceLocation(where.path, line), detail)
    return Entry(record=record, where=where, raw=item, user=user), None


def _line_for(item: LocatedDict, loc: Sequence[int | str]) -> int:
    """The line of the most specific node along a pydantic error location."""
    node: Any = item
    line = item.line
    for part in loc:
        in_dict = isinstance(node, LocatedDict) and isinstance(part, str) and part in node
        in_list = isinstance(node, LocatedList) and isinstance(part, int) and part < len(node)
        if not (in_dict or in_list):
            break
        line = node.line_of(part)
        node = node[part]
    return line
