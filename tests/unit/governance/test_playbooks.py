"""Every incident type the register accepts has a playbook, and the data is well formed."""

from __future__ import annotations

from typing import get_args

import pytest

from aiattest.errors import NotFoundError
from aiattest.governance.playbooks import playbook_for, playbooks
from aiattest.governance.schemas import IncidentSpec


def test_a_playbook_per_incident_type() -> None:
    types = set(get_args(IncidentSpec.model_fields["type"].annotation))
    assert set(playbooks()) == types
    poisoning = playbook_for("model-poisoning")
    assert poisoning.default_severity == "sev1"
    assert any("lineage" in step for step in poisoning.steps)
    with pytest.raises(NotFoundError, match="no playbook"):
        playbook_for("alien-invasion")
