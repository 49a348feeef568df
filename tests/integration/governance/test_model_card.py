"""Model cards from the example organisation: Hugging Face Markdown layout and a CycloneDX
1.6 ML-BOM that validates with cyclonedx-python-lib."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

from aiattest.errors import NotFoundError
from aiattest.governance.apply import apply_document
from aiattest.governance.document import load_document
from aiattest.governance.model_card import ModelCard, build_card, to_cyclonedx, to_markdown
from aiattest.governance.unit import organisation_id
from aiattest.store import Database, upgrade
from tests.integration.governance.conftest import ListRecorder

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
HF_SECTIONS = ["## Model Details", "## Uses", "### Direct Use", "### Out-of-Scope Use",
               "## Bias, Risks, and Limitations", "## Training Details", "## Evaluation",
               "### Results", "## Model Card Contact"]  # fmt: skip


@pytest.fixture
def cards(sqlite_url: str) -> dict[str, ModelCard]:
    db = Database(sqlite_url)
    upgrade(db)
    try:
        apply_document(db, ListRecorder(), load_document(EXAMPLE), "dana")
        with db.session() as session:
            org = organisation_id(session, "northwind")
            with pytest.raises(NotFoundError, match="no model"):
                build_card(session, org, "ghost@1")
            return {m: build_card(session, org, m)
                    for m in ("precheck-scorer@4.1", "support-llm@gpt-4o-2024-08-06")}  # fmt: skip
    finally:
        db.dispose()


def test_markdown_follows_the_hugging_face_layout(cards: dict[str, ModelCard]) -> None:
    text = to_markdown(cards["precheck-scorer@4.1"])
    front, _, body = text.removeprefix("---\n").partition("\n---\n")
    meta = yaml.safe_load(front)
    assert meta["model_name"] == "precheck-scorer"
    assert meta["datasets"] == ["loan-applications-2025"]
    assert "risk-high" in meta["tags"]
    positions = [body.index(section) for section in HF_SECTIONS]
    assert positions == sorted(positions)
    assert "Risk tier **high** (H1: makes automated decisions about individuals)" in body
    assert "| precheck-quality v3 | f1 | 0.87 | 0.85 | 2026-10-01 | yes |" in body
    assert "Changes need 2 approval(s)" in body


def test_cyclonedx_ml_bom_validates(cards: dict[str, ModelCard]) -> None:
    validator = JsonStrictValidator(SchemaVersion.V1_6)
    for card in cards.values():
        text = to_cyclonedx(card)
        assert validator.validate_str(text) is None
        assert to_cyclonedx(card) == text  # reproducible
    bom = json.loads(to_cyclonedx(cards["precheck-scorer@4.1"]))
    assert bom["specVersion"] == "1.6"
    (component,) = bom["components"]
    assert component["type"] == "machine-learning-model"
    assert component["hashes"] == [{"alg": "SHA-256", "content": "5d41402abc4b2a76b9719d911017c5"
                                    "92ae8f2c6e1b4c5d6e7f8a9b0c1d2e3f4a"}]  # fmt: skip
    card = component["modelCard"]
    assert [d["name"] for d in card["modelParameters"]["datasets"]] == [
        "loan-applications-2025", "precheck-eval-set"]  # fmt: skip
    metrics = {m["type"]: m["value"] for m in card["quantitativeAnalysis"]["performanceMetrics"]}
    assert metrics["f1"] == "0.87"
    # The validator is real: a field the schema does not know is refused.
    card["approvedBy"] = "someone"
    assert validator.validate_str(json.dumps(bom)) is not None
