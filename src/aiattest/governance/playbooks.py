"""AI incident-response playbooks, as data (``data/playbooks.yaml``), one per incident type."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from aiattest.errors import CatalogError, NotFoundError


class Playbook(BaseModel):
    """What responders do for one type of AI incident."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1)
    """Name of the incident type."""
    default_severity: Literal["sev1", "sev2", "sev3", "sev4"]
    """Severity to start from."""
    steps: tuple[str, ...] = Field(min_length=1)
    """What to do, in order."""
    evidence: tuple[str, ...] = ()
    """What to keep for the auditor."""
    notify: tuple[str, ...] = ()
    """Who to tell."""


@cache
def playbooks() -> dict[str, Playbook]:
    """Every shipped playbook by incident type (raises CatalogError if the data is bad)."""
    path = resources.files("aiattest.governance") / "data" / "playbooks.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return {name: Playbook.model_validate(body) for name, body in raw.items()}
    except ValidationError as e:
        raise CatalogError(f"playbooks.yaml is invalid: {e.errors()[0]['msg']}") from e


def playbook_for(incident_type: str) -> Playbook:
    """The playbook of ``incident_type`` (raises NotFoundError)."""
    found = playbooks().get(incident_type)
    if found is None:
        raise NotFoundError(f"no playbook for incident type {incident_type!r}")
    return found
