"""All five documents together: valid, consistent with each other, and deterministic."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from aiattest.catalog import Catalog
from aiattest.reports.oscal import OscalJsonExporter, build_documents
from tests.unit.reports.oscal.conftest import GENERATED_AT, TRESTLE_MODELS, inventory, results


def _bytes(catalog: Catalog, at: datetime = GENERATED_AT) -> dict[str, bytes]:
    documents = build_documents(inventory(), catalog, results(), None, at)
    exporter = OscalJsonExporter()
    return {d.filename: exporter.export(d) for d in documents}


def test_five_files_that_trestle_accepts(catalog: Catalog) -> None:
    files = _bytes(catalog)
    assert list(files) == [
        "catalog.json",
        "profile.json",
        "component-definition.json",
        "ssp.json",
        "assessment-results.json",
    ]
    for content in files.values():
        data = json.loads(content)
        (root,) = data
        TRESTLE_MODELS[root].model_validate(data[root])
        assert data[root]["metadata"]["oscal-version"] == "1.1.2"


def test_same_input_same_bytes(catalog: Catalog) -> None:
    assert _bytes(catalog) == _bytes(catalog)


def test_a_new_timestamp_changes_only_last_modified(catalog: Catalog) -> None:
    before = _bytes(catalog)
    after = _bytes(catalog, datetime(2027, 1, 1, tzinfo=UTC))
    for name, content in before.items():
        old, new = content.decode().splitlines(), after[name].decode().splitlines()
        changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
        assert len(changed) == 1, name
        assert '"last-modified"' in changed[0][0]


def test_controls_referenced_anywhere_exist_in_the_catalog(catalog: Catalog) -> None:
    files = {k: json.loads(v) for k, v in _bytes(catalog).items()}
    ids = {c["id"] for g in files["catalog.json"]["catalog"]["groups"] for c in g["controls"]}
    plan = files["ssp.json"]["system-security-plan"]["control-implementation"]
    assert {r["control-id"] for r in plan["implemented-requirements"]} == ids
    for component in files["component-definition.json"]["component-definition"]["components"]:
        for implementation in component["control-implementations"]:
            assert {r["control-id"] for r in implementation["implemented-requirements"]} <= ids
    (outcome,) = files["assessment-results.json"]["assessment-results"]["results"]
    statements = {f"{i}_smt" for i in ids}
    assert {f["target"]["target-id"] for f in outcome["findings"]} <= statements


def test_component_uuids_agree_between_definition_and_plan(catalog: Catalog) -> None:
    files = {k: json.loads(v) for k, v in _bytes(catalog).items()}
    defined = {
        c["title"]: c["uuid"]
        for c in files["component-definition.json"]["component-definition"]["components"]
    }
    planned = {
        c["title"]: c["uuid"]
        for c in files["ssp.json"]["system-security-plan"]["system-implementation"]["components"]
    }
    assert defined.items() <= planned.items()
