"""Load the shipped catalog (package data) and a user's catalog_dir, and validate both.

Shipped files are read with importlib.resources so that they work from a wheel as well
as from a source checkout.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TypeVar

from aiattest.catalog.catalog import Catalog
from aiattest.catalog.models import AIRisk, Control, Criterion
from aiattest.catalog.records import Entry, Problem, raise_for, read_entries
from aiattest.catalog.validate import (
    CROSSWALK_NAMES,
    duplicate_ids,
    merge,
    uncovered,
    unresolved_references,
)
from aiattest.catalog.yamlfile import LocatedDict, parse_yaml
from aiattest.errors import CatalogError

_YAML_SUFFIXES = (".yaml", ".yml")
_R = TypeVar("_R", Criterion, AIRisk, Control)


def load_catalog(user_dir: Path | None = None, *, require_coverage: bool = True) -> Catalog:
    """Load and validate the catalog, extended or overridden by the YAML files in ``user_dir``.

    A user file may hold ``risks`` and ``controls``; an entry whose id matches a shipped one
    of the same kind replaces it, a new id extends the catalog. With ``require_coverage``
    (the default) every criterion and AI risk must have a control; ``catalog coverage``
    turns it off to report gaps instead. Raises CatalogError naming file, line and id.
    """
    shipped = _shipped_entries()
    user: list[Entry] = []
    if user_dir is not None:
        user = _read_all(_user_files(user_dir), user=True)
    return build_catalog(shipped, user, require_coverage=require_coverage)


def build_catalog(
    shipped: Iterable[Entry], user: Iterable[Entry], *, require_coverage: bool = True
) -> Catalog:
    """Validate shipped and user entries together and build the Catalog."""
    shipped, user = list(shipped), list(user)
    raise_for(duplicate_ids(shipped) + duplicate_ids(user))
    merged, problems = merge(shipped, user)
    raise_for(problems)
    raise_for(unresolved_references(merged, known_crosswalk_ids()))
    if require_coverage:
        raise_for(uncovered(merged))
    return Catalog(
        criteria=tuple(_records(merged.criteria, Criterion)),
        risks=tuple(_records(merged.risks, AIRisk)),
        controls=tuple(_records(merged.controls, Control)),
    )


def _records(entries: Iterable[Entry], kind: type[_R]) -> Iterator[_R]:
    for entry in entries:
        assert isinstance(entry.record, kind)
        yield entry.record


def _data_dir() -> Traversable:
    return resources.files("aiattest.catalog") / "data"


def _shipped_files() -> list[tuple[str, str]]:
    data = _data_dir()
    files = [data / "criteria.yaml", data / "risks.yaml"]
    files += sorted(
        (f for f in (data / "controls").iterdir() if f.name.endswith(_YAML_SUFFIXES)),
        key=lambda f: f.name,
    )
    return [(str(f), f.read_text(encoding="utf-8")) for f in files]


@functools.cache
def _shipped_entries() -> tuple[Entry, ...]:
    # Parsed once per process: the records are frozen and the loader never mutates raw.
    return tuple(_read_all(_shipped_files(), user=False))


def _user_files(user_dir: Path) -> list[tuple[str, str]]:
    if not user_dir.is_dir():
        raise CatalogError(f"catalog_dir {user_dir} is not a directory")
    paths = sorted(p for p in user_dir.rglob("*") if p.is_file() and p.suffix in _YAML_SUFFIXES)
    try:
        return [(str(p), p.read_text(encoding="utf-8")) for p in paths]
    except (OSError, UnicodeDecodeError) as e:
        raise CatalogError(f"cannot read the user catalog in {user_dir}: {e}") from e


def _read_all(files: Iterable[tuple[str, str]], *, user: bool) -> list[Entry]:
    entries: list[Entry] = []
    problems: list[Problem] = []
    for path, text in files:
        found, wrong = read_entries(text, path, user=user)
        entries += found
        problems += wrong
    raise_for(problems)
    return entries


@functools.cache
def known_crosswalk_ids() -> dict[str, frozenset[str]]:
    """The ids each checked crosswalk framework defines (from ``data/frameworks.yaml``)."""
    source = _data_dir() / "frameworks.yaml"
    document = parse_yaml(source.read_text(encoding="utf-8"), str(source))
    if not isinstance(document, LocatedDict) or set(document) != set(CROSSWALK_NAMES):
        raise CatalogError(f"{source}:1: expected the keys {', '.join(CROSSWALK_NAMES)}")
    return {name: frozenset(str(i) for i in document[name]) for name in CROSSWALK_NAMES}
