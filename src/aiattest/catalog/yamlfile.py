"""YAML parsing that remembers the line of every mapping, key and list item.

Catalog errors must name the file and the line of the offending id, so the loader parses
with a ``SafeLoader`` subclass whose containers carry their source lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

from aiattest.errors import CatalogError


@dataclass(frozen=True, slots=True)
class SourceLocation:
    """A place in a catalog file: the file's path and a 1-based line number."""

    path: str
    """The file, as the user would type it (absolute for shipped files)."""
    line: int
    """1-based line number."""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class LocatedDict(dict[str, Any]):
    """A YAML mapping that knows the line it starts on and the line of each of its keys."""

    line: int = 0
    """Line of the mapping's first key."""
    key_lines: dict[str, int]
    """Line of each key."""

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping when the key is absent."""
        return self.key_lines.get(key, self.line)


class LocatedList(list[Any]):
    """A YAML sequence that knows the line of each item."""

    line: int = 0
    """Line of the sequence's first item."""
    item_lines: list[int]
    """Line of each item, by index."""

    def line_of(self, index: int) -> int:
        """The line of item ``index``, or of the sequence when out of range."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


# libyaml's parser is about ten times faster than the pure-Python one; both keep the marks.
_SAFE_BASE: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_LineLoader: type[yaml.SafeLoader] = type("_LineLoader", (_SAFE_BASE,), {})
"""A safe loader whose mappings and sequences are Located containers."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Iterator[LocatedDict]:
    data = LocatedDict()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    # Yield first so that recursive structures (anchors) resolve the way PyYAML expects.
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise yaml.constructor.ConstructorError(
                None, None, f"keys must be strings, not {key!r}", key_node.start_mark
            )
        if key in data:
            # PyYAML would silently keep the last value; a catalog must not lose data.
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        data[key] = loader.construct_object(value_node, deep=True)
        data.key_lines[key] = key_node.start_mark.line + 1


def _construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> Iterator[LocatedList]:
    data = LocatedList()
    data.line = node.start_mark.line + 1
    data.item_lines = []
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.item_lines.append(item.start_mark.line + 1)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_sequence)


def parse_yaml(text: str, path: str) -> Any:
    """Parse one YAML document; mappings become LocatedDict, sequences LocatedList.

    Raises CatalogError naming ``path`` and the line when the text is not valid YAML.
    """
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark is not None else 1
        problem = e.problem or e.context or "cannot be parsed"
        raise CatalogError(f"{path}:{line}: invalid YAML: {problem}") from e
    except yaml.YAMLError as e:
        raise CatalogError(f"{path}:1: invalid YAML: {e}") from e
