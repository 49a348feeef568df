"""The components of the export (the aiattest gateway, AI systems, models, RAG knowledge
bases, sub-service organisations), which controls each carries, and the OSCAL component
definition built from them."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

from aiattest import __version__
from aiattest.catalog import Catalog
from aiattest.errors import CatalogError
from aiattest.reports.oscal.catalog import PROFILE_FILE
from aiattest.reports.oscal.common import (
    Json,
    Uuids,
    control_token,
    document,
    line,
    metadata,
    prop,
    props,
)
from aiattest.reports.oscal.model import Inventory, KnowledgeBaseFacts, ModelFacts, SystemFacts

GATEWAY = "aiattest-gateway"
"""Key of the aiattest gateway component."""
_MODEL_STATES = {"production": "operational", "deprecated": "operational", "retired": "disposition"}
"""Model lifecycle state → OSCAL operational state (anything else is under development);
a deprecated model still serves traffic while it is phased out."""


class KindAssignment(BaseModel):
    """The controls one kind of component carries, and how it carries them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    statement: str
    """How such a component carries a control; ``{title}`` is the component's title."""
    controls: tuple[str, ...]
    """The controls every component of the kind carries."""
    automated_decisions: tuple[str, ...] = ()
    """Further controls for AI systems that make automated decisions about individuals."""


class Assignments(BaseModel):
    """Which controls each kind of component carries (``data/components.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    gateway: KindAssignment
    """The aiattest gateway."""
    system: KindAssignment
    """Each AI system."""
    model: KindAssignment
    """Each model version."""
    knowledge_base: KindAssignment
    """Each RAG knowledge base."""

    def control_ids(self) -> frozenset[str]:
        """Every control id the file names."""
        kinds = (self.gateway, self.system, self.model, self.knowledge_base)
        return frozenset(c for k in kinds for c in (*k.controls, *k.automated_decisions))


@functools.cache
def load_assignments() -> Assignments:
    """The shipped assignment of controls to kinds of component."""
    source = resources.files("aiattest.reports.oscal") / "data" / "components.yaml"
    return Assignments.model_validate(yaml.safe_load(source.read_text(encoding="utf-8")))


@dataclass(frozen=True, slots=True)
class Component:
    """One component as both the component definition and the plan describe it."""

    key: tuple[str, ...]
    """Stable ids the component's UUID derives from (``("model", name, version)``): kept
    apart rather than joined, since register names may contain ``@``."""
    type: str
    """OSCAL component type: ``software``, ``service``, ``system``."""
    title: str
    """Its name."""
    description: str
    """What it is."""
    purpose: str
    """What it is for, in one line."""
    props: tuple[Json, ...]
    """Facts from the registers, as properties."""
    controls: tuple[str, ...]
    """The catalog controls it carries."""
    statement: str
    """How it carries them (one sentence)."""
    state: str = "operational"
    """OSCAL operational state, for the plan."""


def build_components(inventory: Inventory, catalog: Catalog) -> list[Component]:
    """The gateway, then every AI system, model version and knowledge base, in register
    order, each with the controls its kind carries (sub-service organisations carry none
    of ours and are added by the plan)."""
    assign = load_assignments()
    unknown = sorted(c for c in assign.control_ids() if c not in {x.id for x in catalog.controls})
    if unknown:
        raise CatalogError(f"components.yaml names controls the catalog lacks: {unknown}")
    return [
        _gateway(assign.gateway),
        *(_system(s, assign.system) for s in inventory.systems),
        *(_model(m, assign.model) for m in inventory.models),
        *(_knowledge_base(k, assign.knowledge_base) for k in inventory.knowledge_bases),
    ]


def _system(system: SystemFacts, assign: KindAssignment) -> Component:
    facts = (
        *props("part", system.parts),
        *props("data-class", system.data_classes),
        prop("sla-tier", system.sla_tier),
        prop("automated-decisions", str(system.automated_decisions).lower()),
        *props("owner", system.owners),
        *props("endpoint", system.endpoints),
    )
    extra = assign.automated_decisions if system.automated_decisions else ()
    return Component(
        key=("system", system.name),
        type="system",
        title=system.name,
        description=system.description.strip() or f"The AI system {system.name}.",
        purpose=f"AI system {system.name}",
        props=facts,
        controls=(*assign.controls, *extra),
        statement=assign.statement,
    )


def _model(model: ModelFacts, assign: KindAssignment) -> Component:
    facts = (
        *props("model-name", [model.name]),
        *props("model-version", [model.version]),
        *props("provider", [model.provider]),
        prop("self-hosted", str(model.self_hosted).lower()),
        *props("system", [model.system or ""]),
        *props("risk-tier", [model.risk_tier]),
        *props("lifecycle-status", [model.status]),
        *props("owner", model.owners),
        *props("training-data", model.training_data),
        *props("eval-data", model.eval_data),
        *props("rag-data", model.rag_data),
    )
    return Component(
        key=("model", model.name, model.version),
        type="software" if model.self_hosted else "service",
        title=model.key,
        description=model.purpose.strip() or f"The model {model.key}.",
        purpose=f"Model {model.key} served by {model.provider}",
        props=facts,
        controls=assign.controls,
        statement=assign.statement,
        state=_MODEL_STATES.get(model.status, "under-development"),
    )


def _knowledge_base(kb: KnowledgeBaseFacts, assign: KindAssignment) -> Component:
    facts = (
        prop("documents", kb.documents),
        prop("chunks", kb.chunks),
        *props("dataset", kb.datasets),
        *props("system", kb.systems),
    )
    return Component(
        key=("knowledge-base", kb.name),
        type="software",
        title=f"RAG pipeline {kb.name}",
        description=f"Retrieval pipeline over the knowledge base {kb.name}: {kb.documents} "
        f"documents in {kb.chunks} chunks, each registered with its source, version and hash.",
        purpose=f"Retrieval for {', '.join(kb.systems) or kb.name}",
        props=facts,
        controls=assign.controls,
        statement=assign.statement,
    )


def _gateway(assign: KindAssignment) -> Component:
    description = (
        "The aiattest gateway: an OpenAI-compatible proxy in front of every model provider. "
        "It authenticates API keys by role, rate-limits, screens prompts, retrieved text, "
        "tool calls and outputs, falls back across providers, and appends an audit event "
        "per request to the tamper-evident ledger."
    )
    return Component(
        key=(GATEWAY,),
        type="software",
        title="aiattest gateway",
        description=description,
        purpose="Runtime enforcement and evidence for AI requests",
        props=(prop("version", __version__),),
        controls=assign.controls,
        statement=assign.statement,
    )


def carriers(components: list[Component]) -> dict[str, list[Component]]:
    """Control id → the components that carry it, in component order."""
    by_control: dict[str, list[Component]] = {}
    for component in components:
        for control in component.controls:
            by_control.setdefault(control, []).append(component)
    return by_control


def implementation_statement(component: Component, catalog: Catalog, control_id: str) -> str:
    """How ``component`` carries ``control_id``: its kind's sentence and what the
    control does; the control's checks are named so the statement can be tested."""
    control = catalog.control(control_id)
    text = f"{component.statement.format(title=component.title)} {control.description}"
    if control.checks:
        text += f" Tested by the checks {', '.join(control.checks)}."
    return text


def component_definition(inventory: Inventory, catalog: Catalog, generated_at: datetime) -> Json:
    """The component definition: each component with its implemented requirements
    against the profile."""
    uuids = Uuids(inventory.slug)
    defined = []
    for component in build_components(inventory, catalog):
        requirements = [
            {
                "uuid": uuids("component-requirement", *component.key, control),
                "control-id": control_token(control),
                "description": implementation_statement(component, catalog, control),
            }
            for control in component.controls
        ]
        entry: Json = {
            "uuid": uuids("component", *component.key),
            "type": component.type,
            "title": line(component.title),
            "description": component.description,
            "purpose": line(component.purpose),
            "props": list(component.props),
            "control-implementations": [
                {
                    "uuid": uuids("control-implementation", *component.key),
                    "source": PROFILE_FILE,
                    "description": f"Controls of the aiattest profile that {component.title} "
                    "carries.",
                    "implemented-requirements": requirements,
                }
            ],
        }
        defined.append(entry)
    body: Json = {"components": defined}
    title = f"{inventory.name}: AI components and the controls they implement"
    meta = metadata(title, generated_at, body)
    return document("component-definition", uuids("component-definition"), meta, body)
