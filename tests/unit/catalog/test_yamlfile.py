"""The line-aware YAML parser."""

from __future__ import annotations

import pytest

from aiattest.catalog.yamlfile import LocatedDict, LocatedList, SourceLocation, parse_yaml
from aiattest.errors import CatalogError


def test_lines_of_mappings_keys_and_items() -> None:
    doc = parse_yaml(
        "a: 1\nb:\n  - x\n  - {c: 2}\n  - [3]\nd: &anchor {e: 1}\nf: *anchor\n", "f.yaml"
    )
    assert isinstance(doc, LocatedDict)
    assert doc == {"a": 1, "b": ["x", {"c": 2}, [3]], "d": {"e": 1}, "f": {"e": 1}}
    assert doc.line == 1
    assert doc.key_lines == {"a": 1, "b": 2, "d": 6, "f": 7}
    items = doc["b"]
    assert isinstance(items, LocatedList)
    assert items.item_lines == [3, 4, 5]
    assert items[1].line == 4
    assert items.line_of(9) == items.line == 3
    assert doc.line_of("missing") == 1


def test_duplicate_keys_are_an_error() -> None:
    with pytest.raises(CatalogError, match=r"^f\.yaml:3: invalid YAML: duplicate key 'a'$"):
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")


def test_non_string_keys_are_an_error() -> None:
    with pytest.raises(CatalogError, match=r"^f\.yaml:2: invalid YAML: keys must be strings"):
        parse_yaml("a: 1\n1: 2\n", "f.yaml")


def test_unsafe_tags_are_refused() -> None:
    with pytest.raises(CatalogError, match=r"^f\.yaml:1: invalid YAML"):
        parse_yaml("a: !!python/object/apply:os.system ['true']\n", "f.yaml")


def test_empty_document_is_none_and_location_prints() -> None:
    assert parse_yaml("# nothing\n", "f.yaml") is None
    assert str(SourceLocation("f.yaml", 3)) == "f.yaml:3"
