"""``apply`` on the real store: the example organisation applies cleanly twice (the second
time with no changes), dry runs write nothing, diffs name fields, bad references refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import delete

from aiattest.catalog import load_catalog
from aiattest.errors import ConflictError, InputError
from aiattest.governance import registers
from aiattest.governance.apply import apply_document
from aiattest.governance.document import load_document, parse_document
from aiattest.governance.export import export_yaml
from aiattest.governance.unit import organisation_id
from aiattest.store import Database
from aiattest.store.models import Organisation
from tests.integration.governance.conftest import SQLITE_ONLY, ListRecorder

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"


def example() -> dict[str, Any]:
    data = yaml.safe_load(EXAMPLE.read_text())
    assert isinstance(data, dict)
    return data


def test_example_applies_twice(db: Database, recorder: ListRecorder) -> None:
    doc = load_document(EXAMPLE)
    catalog = load_catalog()
    first = apply_document(db, recorder, doc, "dana", catalog=catalog)
    assert first.changed
    outcomes = {(i.kind, i.key): i.outcome for i in first.items}
    assert outcomes[("organisation", "northwind")] == "created"
    assert sum(1 for kind, _ in outcomes if kind == "model") == 3
    assert set(outcomes.values()) == {"created"}
    assert len(first.ledger_indices) == len(recorder.changes)
    # Every write is in the ledger: each record created, each change step, each model move.
    kinds = [c.entity_type for c in recorder.changes]
    assert kinds.count("change") == 1 + len(doc.changes[0].steps)
    # Created, then moved by the change: staged at 10% and 50%, production, rolled back, retired.
    assert kinds.count("model") == 3 + 5
    second = apply_document(db, recorder, doc, "dana", catalog=catalog)
    assert not second.changed
    assert {i.outcome for i in second.items} == {"unchanged"}
    assert second.ledger_indices == ()
    with db.session() as session:
        org = organisation_id(session, "northwind")
        scorer = registers.get(
            session, registers.REGISTERS["models"], org, ("precheck-scorer", "4.1")
        )
        assert (scorer.risk_tier, scorer.status) == ("high", "retired")


def test_dry_run_writes_nothing_and_shows_the_diff(db: Database, recorder: ListRecorder) -> None:
    doc = load_document(EXAMPLE)
    dry = apply_document(db, recorder, doc, "dana", dry_run=True)
    assert dry.dry_run
    assert dry.changed
    assert recorder.changes == []
    with db.session() as session, pytest.raises(InputError, match="no organisation"):
        organisation_id(session, "northwind")
    apply_document(db, recorder, doc, "dana")
    data = example()
    data["vendors"][0]["zero_retention"] = False
    data["changes"][0]["description"] = "Retrained scorer."
    edited = parse_document(data)
    before = len(recorder.changes)
    dry = apply_document(db, recorder, edited, "dana", dry_run=True)
    changed = {(i.kind, i.key): i for i in dry.items if i.outcome != "unchanged"}
    assert set(changed) == {("vendor", "openai"), ("change", "CHG-2026-014")}
    assert changed[("vendor", "openai")].fields == {"zero_retention": (True, False)}
    assert changed[("change", "CHG-2026-014")].fields == {
        "description": ("Retrained scorer with 2025 applications.", "Retrained scorer.")
    }
    assert len(recorder.changes) == before
    real = apply_document(db, recorder, edited, "dana")
    assert [(i.kind, i.key) for i in real.items if i.outcome == "configured"] == list(changed)


@SQLITE_ONLY
def test_dangling_references_refuse_the_whole_file(db: Database, recorder: ListRecorder) -> None:
    data = example()
    data["models"][0]["rag_data"] = ["no-such-kb"]
    data["risks"][0]["controls"] = ["no-such-control"]
    data["vendors"][1]["csocs"][0]["criteria"] = ["CC99.1"]
    with pytest.raises(InputError) as info:
        apply_document(db, recorder, parse_document(data), "dana", catalog=load_catalog())
    message = str(info.value)
    assert "no dataset 'no-such-kb'" in message
    assert "no catalog control 'no-such-control'" in message
    assert "no criterion 'CC99.1'" in message
    assert recorder.changes == []
    with db.session() as session, pytest.raises(InputError, match="no organisation"):
        organisation_id(session, "northwind")


@SQLITE_ONLY
def test_illegal_change_step_refuses_the_whole_file(db: Database, recorder: ListRecorder) -> None:
    data = example()
    steps = data["changes"][0]["steps"]
    data["changes"][0]["steps"] = [steps[0], steps[1], steps[3]]  # stage after one approval
    with pytest.raises(ConflictError, match="cannot stage a change that is evaluated"):
        apply_document(db, recorder, parse_document(data), "dana")
    assert recorder.changes == []


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"apiVersion": "v0"}, "apiVersion must be 'aiattest/v1'"),
        ({"models": [{"name": "x"}]}, "models[0].version: Field required"),
        ({"systems": [{"name": "a"}, {"name": "a"}]}, "systems: 'a' is declared twice"),
        ({"datasets": [{"name": "d", "source": "s", "classification": "restricted",
                        "region": "eu", "encryption": "none", "owner": "o"}]},
         "restricted data must be encrypted at rest"),
        ({"colour": "blue"}, "colour: Extra inputs are not permitted"),
    ],
)  # fmt: skip
def test_invalid_documents_name_the_problem(patch: dict[str, Any], message: str) -> None:
    data = {"organisation": {"slug": "o", "name": "O"}, **patch}
    with pytest.raises(InputError) as info:
        parse_document(data, "org.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("org.yaml is not a valid organisation file")


def test_export_round_trips(db: Database, recorder: ListRecorder) -> None:
    apply_document(db, recorder, load_document(EXAMPLE), "dana")
    with db.session() as session:
        exported = export_yaml(session, organisation_id(session, "northwind"))
    doc = parse_document(yaml.safe_load(exported), "export")
    assert len(doc.models) == 3
    assert len(doc.changes[0].steps) == 8
    assert len(doc.rag_documents[0].chunks) == 2
    before = len(recorder.changes)
    again = apply_document(db, recorder, doc, "dana", catalog=load_catalog())
    assert {i.outcome for i in again.items} == {"unchanged"}
    assert len(recorder.changes) == before
    # Into an empty database the export recreates the same registers.
    with db.session() as session:
        session.execute(delete(Organisation))
    apply_document(db, recorder, doc, "dana")
    with db.session() as session:
        assert export_yaml(session, organisation_id(session, "northwind")) == exported
