"""The OSCAL catalog of our controls, grouped by TSC category plus an AI governance
group, and the profile that selects all of them."""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources

import yaml

from aiattest.catalog import Catalog, Control, Crosswalks, TscCategory
from aiattest.catalog.models import category_of
from aiattest.reports.oscal.common import (
    NS,
    Json,
    Uuids,
    control_token,
    document,
    metadata,
    prop,
    props,
    statement_id,
)

CATALOG_FILE = "catalog.json"
"""File name of the catalog; the profile imports it by this relative href."""
PROFILE_FILE = "profile.json"
"""File name of the profile; component definitions and the plan import it."""
AI_GOVERNANCE = "ai-governance"
"""Id of the group of AI governance controls."""
_GOVERNANCE_FILE = "70-ai-governance.yaml"
"""The shipped catalog file that holds the AI governance controls."""

_CATEGORY_TITLES = {
    TscCategory.SECURITY: "Security (common criteria)",
    TscCategory.AVAILABILITY: "Availability",
    TscCategory.PROCESSING_INTEGRITY: "Processing integrity",
    TscCategory.CONFIDENTIALITY: "Confidentiality",
    TscCategory.PRIVACY: "Privacy",
}
_CROSSWALK_PROPS = (
    ("owasp_llm", "owasp-llm-2025"),
    ("nist_ai_rmf", "nist-ai-rmf-1.0"),
    ("iso42001", "iso-iec-42001-2023"),
    ("eu_ai_act", "eu-ai-act-2024-1689"),
)
"""Crosswalk field → property name, the name carrying the framework's edition."""


@functools.cache
def governance_control_ids() -> frozenset[str]:
    """Ids of the controls the shipped catalog files under AI governance.

    The catalog keeps no file of origin on a control, so the group is read from the
    shipped file itself: the file is the catalog's own statement of what AI governance is.
    """
    source = resources.files("aiattest.catalog") / "data" / "controls" / _GOVERNANCE_FILE
    loaded = yaml.safe_load(source.read_text(encoding="utf-8"))
    return frozenset(str(entry["id"]) for entry in loaded.get("controls", []))


def group_of(control: Control) -> str:
    """The group a control sits in: AI governance, else the TSC category of its first
    (primary) criterion."""
    if control.id in governance_control_ids():
        return AI_GOVERNANCE
    return _group_id(category_of(control.criteria[0]))


def _group_id(category: TscCategory) -> str:
    return category.value.replace("_", "-")


def control_json(control: Control) -> Json:
    """One control: id, title, properties, and statement, guidance and evidence parts."""
    token = control_token(control.id)
    properties = [
        prop("label", control.id),
        prop("frequency", control.frequency.value),
        prop("automation", control.automation.value),
        prop("owner-role", control.owner_role.value),
        prop("nature", control.nature.value),
        *props("tsc-criterion", control.criteria, cls="soc2-tsc-2017"),
        *props("ai-risk", control.risks),
        *_crosswalk_props(control.crosswalks),
        *props("check", control.checks),
    ]
    parts: list[Json] = [
        {"id": statement_id(control.id), "name": "statement", "prose": control.description},
        {"id": f"{token}_gdn", "name": "guidance", "prose": control.guidance},
        {
            "id": f"{token}_evd",
            "name": "evidence",
            "ns": NS,
            "prose": "\n".join(f"- {e}" for e in control.evidence),
        },
    ]
    return {
        "id": token,
        "class": "aiattest-control",
        "title": control.title,
        "props": properties,
        "parts": parts,
    }


def _crosswalk_props(crosswalks: Crosswalks) -> list[Json]:
    found: list[Json] = []
    for field, name in _CROSSWALK_PROPS:
        found += props(name, getattr(crosswalks, field))
    return found


def catalog_document(catalog: Catalog, organisation: str, generated_at: datetime) -> Json:
    """The OSCAL catalog: one group per TSC category and one for AI governance, each
    control in exactly one group, in catalog order."""
    uuids = Uuids(organisation)
    members: dict[str, list[Json]] = {}
    for control in catalog.controls:
        members.setdefault(group_of(control), []).append(control_json(control))
    order = [*(_group_id(c) for c in TscCategory), AI_GOVERNANCE]
    titles = {_group_id(c): t for c, t in _CATEGORY_TITLES.items()} | {
        AI_GOVERNANCE: "AI governance"
    }
    groups = [
        {
            "id": g,
            "class": "tsc-category" if g != AI_GOVERNANCE else "ai-governance",
            "title": titles[g],
            "controls": members[g],
        }
        for g in order
        if members.get(g)
    ]
    body: Json = {"groups": groups}
    meta = metadata(f"aiattest controls for {organisation}", generated_at, body)
    return document("catalog", uuids("catalog"), meta, body)


def profile_document(organisation: str, generated_at: datetime) -> Json:
    """The profile: imports ``catalog.json`` and selects every control, as is."""
    uuids = Uuids(organisation)
    body: Json = {
        "imports": [{"href": CATALOG_FILE, "include-all": {}}],
        "merge": {"as-is": True},
    }
    meta = metadata(f"aiattest baseline for {organisation}: all controls", generated_at, body)
    return document("profile", uuids("profile"), meta, body)
