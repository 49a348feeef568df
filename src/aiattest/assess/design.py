"""Type I: is a control designed? Five criteria judged from the catalog, the organisation's
approved policies and the evidence stored for the control.

The evidence arrives as plain values (:class:`ControlEvidence`) built by the I/O edge
(``aiattest.evidence.assessment``), so everything here is pure and testable without a
database or a clock: the assessment day is always passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from importlib import resources

import yaml

from aiattest.assess.model import DesignResult
from aiattest.assess.operation import Outcome
from aiattest.assess.periods import Period
from aiattest.catalog import Control
from aiattest.errors import CatalogError


@dataclass(frozen=True, slots=True)
class StoredItem:
    """One population member of a stored check result."""

    ref: str
    """Its stable id (a key id, a change, a vendor)."""
    ok: bool
    """Whether it met the control."""
    at: datetime | None = None
    """When the event happened, or None for a state examined as of the run."""


@dataclass(frozen=True, slots=True)
class StoredResult:
    """One stored run of one check for one period, as evidence for one control."""

    check_id: str
    """The check that ran."""
    status: Outcome
    """PASS, FAIL or EXCEPTION."""
    period: Period
    """The period the run was about."""
    as_of: datetime
    """The time the check looked at."""
    ref: str
    """Where it is: ``ledger:<index>``."""
    items: tuple[StoredItem, ...] = ()
    """The population the check examined."""


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An uploaded artefact for a control."""

    ref: str
    """Where it is: ``file:<sha256 prefix>``."""
    covers_from: date
    """First day it is evidence for."""
    expires_on: date
    """Last day it counts."""
    uploaded_on: date
    """Day it was uploaded (files uploaded after the assessment day are ignored)."""


@dataclass(frozen=True, slots=True)
class ControlEvidence:
    """Everything the store holds about one control's operation."""

    results: tuple[StoredResult, ...] = ()
    """Stored check results naming the control."""
    files: tuple[StoredFile, ...] = ()
    """Uploaded artefacts for it."""
    requested: bool = False
    """Whether manual evidence was ever requested from its owner."""


PolicyMap = Mapping[str, tuple[str, ...]]
"""Policy template name to the control ids it covers."""

CRITERIA: tuple[str, ...] = (
    "described",
    "owner_assigned",
    "policy_linked",
    "evidence_defined",
    "operated",
)
"""The design criteria, in the order reports list them (``DesignResult`` field names)."""


@cache
def policy_map() -> PolicyMap:
    """The shipped mapping of policy templates to the controls they cover
    (``assess/data/policy_controls.yaml``)."""
    path = resources.files("aiattest.assess") / "data" / "policy_controls.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(c, str) for c in v)
        for k, v in data.items()
    ):
        raise CatalogError(f"{path}: must map template names to lists of control ids")
    return {name: tuple(controls) for name, controls in sorted(data.items())}


def templates_for(control_id: str, mapping: PolicyMap | None = None) -> tuple[str, ...]:
    """The policy templates that cover ``control_id``, sorted."""
    mapping = policy_map() if mapping is None else mapping
    return tuple(sorted(name for name, ids in mapping.items() if control_id in ids))


def operated_by(evidence: ControlEvidence, as_of: date) -> bool:
    """Whether the control has operated at least once by ``as_of``: a passing check result
    collected by then, or an uploaded artefact that is valid on that day."""
    if any(r.status is Outcome.PASS and r.as_of.date() <= as_of for r in evidence.results):
        return True
    return any(
        f.uploaded_on <= as_of and f.covers_from <= as_of <= f.expires_on for f in evidence.files
    )


def design(
    control: Control,
    evidence: ControlEvidence,
    approved_policies: Collection[str],
    as_of: date,
    mapping: PolicyMap | None = None,
) -> DesignResult:
    """Judge the five design criteria of ``control`` on ``as_of``.

    ``approved_policies`` are the names (template ids) of the organisation's policies that
    were approved on or before ``as_of``.
    """
    files = tuple(f for f in evidence.files if f.uploaded_on <= as_of)
    return DesignResult(
        described=bool(control.description.strip() and control.guidance.strip()),
        # The catalog names an organisational role for every control; the role is the
        # accountable owner, so a set role counts as an assigned owner.
        owner_assigned=bool(control.owner_role),
        policy_linked=any(t in approved_policies for t in templates_for(control.id, mapping)),
        evidence_defined=bool(control.checks) or evidence.requested or bool(files),
        operated=operated_by(evidence, as_of),
    )


def unmet(result: DesignResult) -> tuple[str, ...]:
    """Names of the design criteria ``result`` does not meet, in :data:`CRITERIA` order."""
    return tuple(name for name in CRITERIA if not getattr(result, name))
