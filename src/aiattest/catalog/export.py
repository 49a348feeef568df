"""Serialise the catalog for ``catalog export``: YAML in the data files' schema, or JSON."""

from __future__ import annotations

import json
from enum import StrEnum

import yaml

from aiattest.catalog.catalog import Catalog


class ExportFormat(StrEnum):
    """The formats the catalog can be exported in."""

    YAML = "yaml"
    JSON = "json"


def export_catalog(catalog: Catalog, fmt: ExportFormat) -> str:
    """The whole catalog as text: criteria, risks and controls in the data files' schema."""
    document = catalog.document()
    if fmt is ExportFormat.JSON:
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    # libyaml's emitter when present: the pure-Python one takes about a second here.
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=True, width=100)
