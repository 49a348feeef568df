"""The OSCAL system security plan: the organisation's AI systems as one system, its
information types and impact levels from the registers, users by platform role, the
components, and a by-component statement for every control of the profile."""

from __future__ import annotations

from datetime import datetime

from aiattest.catalog import Catalog
from aiattest.reports.oscal.catalog import PROFILE_FILE
from aiattest.reports.oscal.common import (
    Json,
    Uuids,
    control_token,
    document,
    line,
    metadata,
    prop,
)
from aiattest.reports.oscal.components import (
    Component,
    build_components,
    carriers,
    implementation_statement,
)
from aiattest.reports.oscal.model import Inventory
from aiattest.roles import Role

THIS_SYSTEM = "this-system"
"""Key of the component that stands for the organisation's AI estate as a whole."""
_LEVELS = ("fips-199-low", "fips-199-moderate", "fips-199-high")
_CONFIDENTIALITY = {"public": 0, "internal": 0, "confidential": 1, "personal": 1, "restricted": 2}
"""How much harm disclosure of a data class does (unknown classes count as moderate)."""
_AVAILABILITY = {"critical": 2, "high": 1}
"""SLA tier → availability impact (other tiers are low)."""
_ROLE_TEXT = {
    Role.ADMIN: "Administers the platform: keys, routes, settings and registers.",
    Role.MODEL_DEVELOPER: "Builds and registers models, datasets and evaluations.",
    Role.OPERATOR: "Runs the AI systems in production and handles their incidents.",
    Role.CONSUMER: "Calls the AI systems through the gateway.",
    Role.AUDITOR: "Reads evidence, reports and registers; changes nothing.",
}


def _data_classes(inventory: Inventory) -> list[str]:
    found = {line(c) for s in inventory.systems for c in s.data_classes}
    found |= {d.classification for d in inventory.datasets}
    found.discard("")
    if any(d.contains_pii for d in inventory.datasets):
        found.add("personal")
    return sorted(found)


def _information_types(inventory: Inventory, uuids: Uuids) -> tuple[list[Json], list[int]]:
    """One information type per data class the registers name, and the highest
    confidentiality, integrity and availability impact over all of them."""
    types: list[Json] = []
    highest = [0, 0, 0]
    for data_class in _data_classes(inventory) or ["internal"]:
        systems = [s for s in inventory.systems if data_class in map(line, s.data_classes)]
        confidentiality = _CONFIDENTIALITY.get(data_class, 1)
        # Decisions about people make wrong data harmful, so integrity rises with them.
        integrity = 1 if any(s.automated_decisions for s in systems) else 0
        availability = max((_AVAILABILITY.get(s.sla_tier, 0) for s in systems), default=0)
        impacts = [confidentiality, integrity, availability]
        highest = [max(a, b) for a, b in zip(highest, impacts, strict=True)]
        users = ", ".join(s.name for s in systems) or "the datasets of the registers"
        types.append(
            {
                "uuid": uuids("information-type", data_class),
                "title": line(f"{data_class.capitalize()} data"),
                "description": f"Data classified {data_class}, handled by {users}.",
                "props": [prop("data-class", data_class)],
                "confidentiality-impact": {"base": _LEVELS[confidentiality]},
                "integrity-impact": {"base": _LEVELS[integrity]},
                "availability-impact": {"base": _LEVELS[availability]},
            }
        )
    return types, highest


def _characteristics(inventory: Inventory, uuids: Uuids) -> Json:
    types, highest = _information_types(inventory, uuids)
    names = "; ".join(
        f"{s.name} ({s.description})" if s.description else s.name for s in inventory.systems
    )
    description = (
        f"The AI systems of {inventory.name} in the audit's scope: {names or 'none registered'}. "
        "Every model request passes through the aiattest gateway, which enforces the runtime "
        "controls and writes their evidence to a tamper-evident ledger."
    )
    vendors = ", ".join(f"{v.name} ({v.inclusion})" for v in inventory.vendors)
    boundary = (
        "Inside the boundary: the AI systems above, their registered models and RAG "
        "knowledge bases, the aiattest gateway, its database and its evidence ledger. "
        "Outside: the sub-service organisations"
        + (f" {vendors}" if vendors else "")
        + "; their controls are complementary (CSOCs) and are relied on through their "
        "own SOC 2 reports."
    )
    return {
        "system-ids": [{"identifier-type": "https://ietf.org/rfc/rfc4122", "id": uuids("system")}],
        "system-name": line(f"{inventory.name} AI systems"),
        "system-name-short": line(inventory.slug),
        "description": description,
        "security-sensitivity-level": _LEVELS[max(highest)],
        "system-information": {"information-types": types},
        "security-impact-level": {
            "security-objective-confidentiality": _LEVELS[highest[0]],
            "security-objective-integrity": _LEVELS[highest[1]],
            "security-objective-availability": _LEVELS[highest[2]],
        },
        "status": {"state": "operational" if inventory.systems else "under-development"},
        "authorization-boundary": {"description": boundary},
    }


def _component_json(component: Component, uuids: Uuids) -> Json:
    return {
        "uuid": uuids("component", *component.key),
        "type": component.type,
        "title": line(component.title),
        "description": component.description,
        "purpose": line(component.purpose),
        **({"props": list(component.props)} if component.props else {}),
        "status": {"state": component.state},
    }


def _implementation(
    inventory: Inventory, uuids: Uuids, components: list[Component]
) -> tuple[list[Json], Json]:
    this_system: Json = {
        "uuid": uuids("component", THIS_SYSTEM),
        "type": THIS_SYSTEM,
        "title": line(f"{inventory.name} AI systems"),
        "description": "The organisation's AI estate as a whole: people, policies and "
        "processes that carry the controls no single component does.",
        "status": {"state": "operational"},
    }
    vendors = [
        {
            "uuid": uuids("component", "vendor", v.name),
            "type": "service",
            "title": line(v.name),
            "description": f"Sub-service organisation ({v.kind}): {', '.join(v.services)}."
            if v.services
            else f"Sub-service organisation ({v.kind}).",
            "props": [prop("vendor-kind", v.kind), prop("inclusion", v.inclusion)],
            "status": {"state": "operational"},
        }
        for v in inventory.vendors
    ]
    users = [
        {
            "uuid": uuids("user", role),
            "title": role,
            "description": _ROLE_TEXT[Role(role)],
            "props": [prop("active-principals", count)],
            "role-ids": [role],
        }
        for role, count in inventory.role_counts
    ]
    return users, {
        **({"users": users} if users else {}),
        "components": [this_system, *(_component_json(c, uuids) for c in components), *vendors],
    }


def _requirements(
    inventory: Inventory, uuids: Uuids, catalog: Catalog, components: list[Component]
) -> list[Json]:
    by_control = carriers(components)
    requirements = []
    for control in catalog.controls:
        statements = [
            {
                "component-uuid": uuids("component", *c.key),
                "uuid": uuids("by-component", control.id, *c.key),
                "description": implementation_statement(c, catalog, control.id),
            }
            for c in by_control.get(control.id, [])
        ] or [
            {
                "component-uuid": uuids("component", THIS_SYSTEM),
                "uuid": uuids("by-component", control.id, THIS_SYSTEM),
                "description": f"{inventory.name} carries this control organisation-wide, "
                f"owned by the {control.owner_role.value}: {control.description}",
            }
        ]
        requirements.append(
            {
                "uuid": implemented_requirement_uuid(uuids, control.id),
                "control-id": control_token(control.id),
                "props": [prop("owner-role", control.owner_role.value)],
                "by-components": statements,
            }
        )
    return requirements


def implemented_requirement_uuid(uuids: Uuids, control_id: str) -> str:
    """The UUID of the plan's statement for a control (findings point back to it)."""
    return uuids("implemented-requirement", control_id)


def ssp_document(inventory: Inventory, catalog: Catalog, generated_at: datetime) -> Json:
    """The system security plan of the organisation's AI systems."""
    uuids = Uuids(inventory.slug)
    components = build_components(inventory, catalog)
    users, implementation = _implementation(inventory, uuids, components)
    body: Json = {
        "import-profile": {"href": PROFILE_FILE},
        "system-characteristics": _characteristics(inventory, uuids),
        "system-implementation": implementation,
        "control-implementation": {
            "description": "How each control of the aiattest profile is implemented, by "
            "component; controls no component carries are the organisation's as a whole.",
            "implemented-requirements": _requirements(inventory, uuids, catalog, components),
        },
    }
    # The users' role-ids must name roles defined in the metadata.
    roles = {"roles": [{"id": u["title"], "title": u["title"]} for u in users]} if users else {}
    party = {
        "uuid": uuids("party", "organisation"),
        "type": "organization",
        "name": line(inventory.name),
    }
    meta = metadata(
        f"{inventory.name}: AI system security plan", generated_at, body, **roles, parties=[party]
    )
    return document("system-security-plan", uuids("system-security-plan"), meta, body)
