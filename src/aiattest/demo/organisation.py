"""The demo organisation: its registers (applied from a template whose dates follow the
day the demo runs), its people and their API keys, and the workflows they go through over
the gateway's REST API (policy acknowledgements, an access review)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from importlib import resources
from typing import Any

import httpx
import yaml

from aiattest.gateway.keys import create_key
from aiattest.governance.apply import ApplyResult, apply_document
from aiattest.governance.document import OrgDocument, parse_document
from aiattest.governance.ledger_recorder import LedgerRecorder
from aiattest.ledger import Ledger
from aiattest.roles import Role
from aiattest.store import Database

SLUG = "demo-ai-co"

PEOPLE: tuple[tuple[str, Role], ...] = (
    ("lena", Role.ADMIN),
    ("ines", Role.ADMIN),
    ("omar", Role.OPERATOR),
    ("dana", Role.MODEL_DEVELOPER),
    ("priya", Role.MODEL_DEVELOPER),
    ("external-auditor", Role.AUDITOR),
)
"""People of the demo organisation and their platform roles."""

SERVICES: tuple[str, ...] = ("support-assistant", "order-agent")
"""Applications that call the gateway with consumer keys."""

_DAY = re.compile(r"\{\{D([+-])(\d+)\}\}")
_TIME = re.compile(r"\{\{T-(\d+) (\d\d:\d\d)\}\}")


def render_document(today: date) -> OrgDocument:
    """The demo organisation file with its relative dates resolved against ``today``."""
    text = (resources.files("aiattest.demo") / "data" / "org.yaml").read_text(encoding="utf-8")

    def day(match: re.Match[str]) -> str:
        offset = int(match.group(2)) * (1 if match.group(1) == "+" else -1)
        return (today + timedelta(days=offset)).isoformat()

    def moment(match: re.Match[str]) -> str:
        return f"{(today - timedelta(days=int(match.group(1)))).isoformat()}T{match.group(2)}:00Z"

    text = _TIME.sub(moment, _DAY.sub(day, text))
    return parse_document(yaml.safe_load(text), "aiattest demo organisation")


def apply_registers(db: Database, ledger: Ledger, today: date) -> ApplyResult:
    """Make the registers match the demo organisation (idempotent)."""
    return apply_document(db, LedgerRecorder(ledger), render_document(today), "demo-setup")


@dataclass(frozen=True)
class DemoKeys:
    """API keys handed to the demo's people and applications (plaintext: shown once)."""

    people: dict[str, str]
    """Person name to key."""
    services: dict[str, str]
    """Application name to key."""


def issue_keys(db: Database) -> DemoKeys:
    """One key per person (with their role) and per application (consumer)."""
    people = {
        name: create_key(db, principal=name, role=role, tenant=SLUG, name=f"{name} laptop")[0]
        for name, role in PEOPLE
    }
    services = {
        name: create_key(db, principal=name, role=Role.CONSUMER, tenant=SLUG, name=name)[0]
        for name in SERVICES
    }
    return DemoKeys(people, services)


def run_workflows(client: httpx.Client, keys: DemoKeys, quarter: str) -> dict[str, Any]:
    """Over the REST API: every person acknowledges the approved policies, and an access
    review of the quarter is opened, decided (never by the holder) and closed."""
    acknowledged = 0
    policies = _get(client, "/api/v1/policies", keys.people["lena"])["items"]
    approved = [p["name"] for p in policies if p.get("status") == "approved"]
    for person, _role in PEOPLE:
        if person == "external-auditor":
            continue  # the auditor is not an employee
        for name in approved:
            _post(client, f"/api/v1/policy-documents/{name}/acknowledgements", keys.people[person])
            acknowledged += 1
    review = f"access-{quarter}"
    existing = _get(client, "/api/v1/access-reviews", keys.people["lena"])
    if any(r["name"] == review for r in existing):
        return {"acknowledgements": acknowledged, "access_review": review, "decisions": 0}
    opened = _post(client, "/api/v1/access-reviews", keys.people["lena"],
                   {"name": review, "reviewer": "lena"})  # fmt: skip
    decisions = 0
    for item in opened["items"]:
        # Segregation of duties: lena reviews everyone else, ines reviews lena's access.
        decider = "ines" if item.get("holder") == "lena" or item["subject"] == "lena" else "lena"
        body = {"kind": item["kind"], "subject": item["subject"], "decision": "keep"}
        _post(client, f"/api/v1/access-reviews/{review}/decisions", keys.people[decider], body)
        decisions += 1
    _post(client, f"/api/v1/access-reviews/{review}/close", keys.people["lena"])
    return {"acknowledgements": acknowledged, "access_review": review, "decisions": decisions}


def _get(client: httpx.Client, path: str, key: str) -> Any:
    response = client.get(path, headers={"authorization": f"Bearer {key}"})
    response.raise_for_status()
    return response.json()


def _post(client: httpx.Client, path: str, key: str, body: dict[str, Any] | None = None) -> Any:
    response = client.post(path, json=body or {}, headers={"authorization": f"Bearer {key}"})
    if response.status_code >= 400:
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text[:300]}")
    return response.json()
