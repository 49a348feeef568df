"""Load YAML while remembering the line of every node, so errors can name file and line."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aiattest.errors import ConfigError

MAX_NODES = 100_000
"""More nodes than any real policy has; stops alias bombs (``&a [*a, *a, …]``) expanding."""

Location = tuple[str | int, ...]
"""A path into the document: mapping keys and sequence indexes."""


@dataclass
class LocatedDocument:
    """Plain YAML data plus the 1-based line where each path starts."""

    data: Any
    """The document as dicts, lists and scalars."""
    lines: dict[Location, int] = field(default_factory=dict)
    """Line of each node, by its path; ``()`` is the document itself."""

    def line_of(self, loc: Location) -> int:
        """Line of the deepest existing node along ``loc`` (pydantic error locations)."""
        for cut in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:cut]))
            if line is not None:
                return line
        return 1


def load_located(text: str, source: str) -> LocatedDocument:
    """Parse ``text`` (one YAML document); ConfigError names ``source`` and the line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError as e:
        raise ConfigError(f"{source}:1: not valid YAML: nested too deeply") from e
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{source}:{line}: not valid YAML: {problem}") from e
    doc = LocatedDocument(data=None)
    if node is None:
        return doc
    loader = yaml.SafeLoader("")
    try:
        doc.data = _walk(node, (), doc.lines, loader)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise ConfigError(f"{source}:{line}: not valid YAML: {e}") from e
    except RecursionError as e:
        raise ConfigError(f"{source}:1: not valid YAML: nested too deeply") from e
    finally:
        loader.dispose()
    return doc


def read_located(path: Path) -> LocatedDocument:
    """Read and parse the YAML file at ``path``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise ConfigError(f"policy file {path} does not exist") from e
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"policy file {path} cannot be read: {e}") from e
    return load_located(text, str(path))


def _walk(node: yaml.Node, loc: Location, lines: dict[Location, int], loader: Any) -> Any:
    lines[loc] = node.start_mark.line + 1
    if len(lines) > MAX_NODES:
        raise yaml.constructor.ConstructorError(
            None, None, f"more than {MAX_NODES} nodes (an alias bomb?)", node.start_mark
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise yaml.constructor.ConstructorError(
                    None, None, "keys must be scalars", key_node.start_mark
                )
            if key in out:
                # PyYAML silently keeps the last duplicate; a policy with two `actions:`
                # blocks is almost certainly a mistake, so say so.
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            out[key] = _walk(value_node, (*loc, key), lines, loader)
            # Point at the key: for a block value the value node starts a line later.
            lines[(*loc, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(item, (*loc, i), lines, loader) for i, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
