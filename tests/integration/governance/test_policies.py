"""Policies of the example organisation: rendered with register facts, acknowledged per
version, acknowledgements ledgered."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from aiattest.errors import ConflictError
from aiattest.governance import policies, registers
from aiattest.governance.apply import apply_document
from aiattest.governance.document import load_document
from aiattest.governance.schemas import PolicySpec
from aiattest.governance.unit import organisation_id, unit_of_work
from aiattest.store import Database
from tests.integration.governance.conftest import SQLITE_ONLY, ListRecorder

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
AT = datetime(2026, 11, 2, 9, tzinfo=UTC)


@SQLITE_ONLY
def test_render_and_acknowledge(db: Database, recorder: ListRecorder) -> None:
    apply_document(db, recorder, load_document(EXAMPLE), "dana")
    recorder.changes.clear()
    with db.session() as session:
        org = organisation_id(session, "northwind")
        rendered = policies.render_policy(session, org, "ai-acceptable-use")
        governance = policies.render_policy(session, org, "model-governance")
    assert "Northwind Lending" in rendered.markdown
    assert "**credit-precheck**" in rendered.markdown
    assert "anthropic (zero retention), openai (zero retention)" in rendered.markdown
    assert "| Approved | 2026-01-15 by ceo |" in rendered.markdown
    assert "| high | 2 | 10.0% of outputs |" in governance.markdown
    assert len(rendered.sha256) == 64

    with unit_of_work(db, recorder) as (session, journal):
        journal.add(policies.acknowledge(session, org, "ai-acceptable-use", "sam", AT))
        journal.add(policies.acknowledge(session, org, "ai-acceptable-use", "sam", AT))
    assert [(c.entity_type, c.actor) for c in recorder.changes] == [
        ("policy_acknowledgement", "sam")
    ]
    with db.session() as session:
        assert policies.outstanding(session, org, "ai-acceptable-use", ["sam", "kim"]) == ["kim"]
        # A new version needs everyone to acknowledge again.
        spec = PolicySpec(name="ai-acceptable-use", title="AI Acceptable Use Policy",
                          version="1.3", status="draft", owner="ciso")  # fmt: skip
        registers.declare(session, registers.REGISTERS["policies"], org, spec, "ciso")
        with pytest.raises(ConflictError, match="only approved policies"):
            policies.acknowledge(session, org, "ai-acceptable-use", "sam", AT)
        assert policies.outstanding(session, org, "ai-acceptable-use", ["sam"]) == ["sam"]
