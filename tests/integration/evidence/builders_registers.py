"""Builders of governance fixtures for the evidence checks: every record goes through the
real services (``apply``, policy acknowledgements, lineage ingest, gateway keys) with the
ledger recorder, as the CLI and the API write them.

Rows get ``created_at`` from the wall clock, so tests take their as-of time from
:func:`as_of` (a little after now) and express every date relative to it.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiattest.governance import lineage, policies
from aiattest.governance.apply import ApplyResult, apply_document
from aiattest.governance.document import API_VERSION, OrganisationRef, OrgDocument, load_document
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.governance.unit import unit_of_work
from aiattest.store.models import Principal
from tests.integration.evidence.conftest import EvidenceEnv

ACTOR = "evidence-tests"
EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
SHA = "ab" * 32


def as_of() -> datetime:
    """An as-of time one hour from now: every row a test writes is visible at it."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)


def days_before(at: datetime, days: int) -> date:
    """The date ``days`` before ``at``'s date."""
    return at.date() - timedelta(days=days)


def apply(env: EvidenceEnv, **sections: list[dict[str, Any]]) -> ApplyResult:
    """Apply an organisation document for ``acme`` holding ``sections`` (register -> records)."""
    data: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "organisation": {"slug": "acme", "name": "Acme"},
        **sections,
    }
    return apply_document(
        env.db, LedgerRecorder(env.ledger), OrgDocument.model_validate(data), ACTOR
    )


def apply_example(env: EvidenceEnv) -> ApplyResult:
    """Apply ``examples/org.yaml`` to the test organisation (``acme``)."""
    doc = load_document(EXAMPLE).model_copy(
        update={"organisation": OrganisationRef(slug="acme", name="Acme")}
    )
    return apply_document(env.db, LedgerRecorder(env.ledger), doc, ACTOR)


def person(env: EvidenceEnv, name: str, *, active: bool = True) -> None:
    """A person principal of ``acme``. No service creates people (they come from the
    identity provider), so the row is added as that sync would add it."""
    with env.db.session() as session:
        session.add(
            Principal(id=uuid.uuid4(), organisation_id=env.org, kind="person", name=name,
                      active=active)
        )  # fmt: skip


def acknowledge(env: EvidenceEnv, policy: str, principal: str, at: datetime) -> None:
    """``principal`` acknowledges the current version of ``policy`` at ``at``."""
    with unit_of_work(env.db, LedgerRecorder(env.ledger)) as (session, journal):
        journal.add(policies.acknowledge(session, env.org, policy, principal, at))


def ingest(env: EvidenceEnv, job: str, inputs: list[str], outputs: list[str], at: datetime) -> None:
    """Ingest a COMPLETE OpenLineage run of ``job``; names with ``@`` are model versions,
    others ``s3://bucket/path`` datasets."""

    def ref(name: str) -> dict[str, str]:
        if "@" in name:
            return {"namespace": lineage.MODEL_NAMESPACE, "name": name}
        namespace, _, path = name.rpartition("/")
        return {"namespace": namespace, "name": path}

    raw = {
        "eventType": "COMPLETE",
        "eventTime": at.isoformat(),
        "run": {"runId": str(uuid.uuid4())},
        "job": {"namespace": "acme-ml", "name": job},
        "inputs": [ref(n) for n in inputs],
        "outputs": [ref(n) for n in outputs],
        "producer": "https://example.invalid/evidence-tests",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
    }
    event = lineage.parse_event(json.loads(json.dumps(raw)))
    with unit_of_work(env.db, LedgerRecorder(env.ledger)) as (session, journal):
        _, change = lineage.ingest(session, env.org, event, ACTOR)
        journal.add(change)


def vendor(name: str, at: datetime, **fields: Any) -> dict[str, Any]:
    """A vendor whose assurance is current at ``at``, with ``fields`` replaced."""
    return {
        "name": name,
        "kind": "cloud",
        "soc2_report_type": "type2",
        "soc2_period_end": days_before(at, 120).isoformat(),
        "soc2_report_sha256": SHA,
        "dpa_signed_on": days_before(at, 500).isoformat(),
        "regions": ["eu"],
        "owner": "vendor-management",
        **fields,
    }


def incident(name: str, opened: datetime, **fields: Any) -> dict[str, Any]:
    """An open sev3 incident opened at ``opened``, with ``fields`` replaced."""
    return {"name": name, "title": f"incident {name}", "type": "other", "severity": "sev3",
            "owner": "security-team", "opened_at": opened.isoformat(), **fields}  # fmt: skip


def policy(name: str, approved_on: date | None, **fields: Any) -> dict[str, Any]:
    """A policy approved on ``approved_on`` (None: a draft), with ``fields`` replaced."""
    approval: dict[str, Any] = {"status": "draft"}
    if approved_on is not None:
        approval = {"status": "approved", "approved_by": "ceo",
                    "approved_on": approved_on.isoformat()}  # fmt: skip
    return {"name": name, "title": name.replace("-", " ").title(), "version": "1.0",
            "owner": "ciso", **approval, **fields}  # fmt: skip


def system(name: str, **fields: Any) -> dict[str, Any]:
    """A fully described AI system, with ``fields`` replaced."""
    return {"name": name, "description": f"{name} for customers",
            "components": ["gateway", "llm"], "owners": ["platform-team"], **fields}  # fmt: skip


def model(name: str, version: str, system_name: str, **fields: Any) -> dict[str, Any]:
    """A provider-hosted model version with purpose, owners and retrieval data."""
    return {"name": name, "version": version, "system": system_name, "provider": "openai",
            "purpose": "Draft answers", "owners": ["platform-team"], **fields}  # fmt: skip


def dataset(name: str, **fields: Any) -> dict[str, Any]:
    """An internal, encrypted dataset without personal data, with ``fields`` replaced."""
    return {"name": name, "uri": f"s3://acme-data/{name}", "source": "in-house",
            "classification": "internal", "region": "eu-west-1", "encryption": "AES-256-GCM",
            "owner": "data-team", **fields}  # fmt: skip


def promotion(
    change: str, subject: str, promoted: datetime, *, approvers: int = 1, retired: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A passing eval run of ``subject`` and a change that takes it to production at
    ``promoted`` (and retires it an hour later when ``retired``): (eval run, change)."""
    run = {"name": f"{change}-gate", "suite": "quality", "suite_version": "1",
           "dataset_hash": "sha256:00", "target": subject, "metrics": {"accuracy": 0.9},
           "thresholds": {"accuracy": 0.8},
           "run_at": (promoted - timedelta(hours=6)).isoformat()}  # fmt: skip
    steps: list[dict[str, Any]] = [
        {"action": "evaluate", "actor": "ci", "at": (promoted - timedelta(hours=5)).isoformat(),
         "eval_run": run["name"]},
        *({"action": "approve", "actor": f"approver-{n}",
           "at": (promoted - timedelta(hours=4)).isoformat()} for n in range(approvers)),
        {"action": "stage", "actor": "release-bot",
         "at": (promoted - timedelta(hours=2)).isoformat(), "rollout_percent": 10},
        {"action": "promote", "actor": "release-bot", "at": promoted.isoformat()},
    ]  # fmt: skip
    if retired:
        steps.append(
            {
                "action": "retire",
                "actor": "ml-lead",
                "at": (promoted + timedelta(hours=1)).isoformat(),
            }
        )
    spec = {"name": change, "subject_kind": "model", "subject": subject, "requester": "dev",
            "steps": steps}  # fmt: skip
    return run, spec
