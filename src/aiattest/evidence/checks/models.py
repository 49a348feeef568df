"""Checks over the model inventory: cards, lineage, inventory completeness, system descriptions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.assess import Period
from aiattest.config.gateway import RouteSettings, RouteTarget
from aiattest.errors import Error
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.governance import lineage
from aiattest.governance.model_card import build_card, to_markdown
from aiattest.governance.risk import Tier, tier_policy
from aiattest.store.models.governance import (
    Change,
    ChangeEvent,
    GovernedAISystem,
    LineageEdge,
    ModelVersion,
    Risk,
)

STATUS_OF_STATE = {
    "staged": "staging",
    "production": "production",
    "rolled_back": "deprecated",
    "retired": "retired",
}
"""Model status a change state sets (as :mod:`aiattest.governance.changes` syncs it)."""
OUT_OF_USE = frozenset({"deprecated", "retired"})
"""Statuses of model versions that no longer serve a system."""
OVERSIGHT_CONTROLS = frozenset({"human-review-sampling", "human-oversight-by-impact"})
"""Catalog controls that, named by a system's risk entry, document human oversight."""


def model_key(model: ModelVersion) -> str:
    """``name@version``, as changes, cards and lineage name a model version."""
    return f"{model.name}@{model.version}"


def models_as_of(session: Session, org: uuid.UUID, at: datetime) -> list[tuple[ModelVersion, str]]:
    """Every model version registered by ``at`` with its status at ``at``.

    A version that changes manage takes its status from the last change step on or before
    ``at`` (``development`` before any); others keep the status they were declared with.
    """
    models = list(
        session.scalars(
            select(ModelVersion)
            .where(ModelVersion.organisation_id == org, ModelVersion.created_at <= at)
            .order_by(ModelVersion.name, ModelVersion.version)
        )
    )
    steps = session.execute(
        select(Change.subject, ChangeEvent.to_state, ChangeEvent.at)
        .join(Change)
        .where(Change.organisation_id == org, Change.subject_kind == "model")
        .where(ChangeEvent.to_state.in_(STATUS_OF_STATE))
        .order_by(ChangeEvent.at, ChangeEvent.seq)
    )
    managed: set[str] = set()
    status_at: dict[str, str] = {}
    for subject, state, when in steps:
        managed.add(subject)
        if when <= at:
            status_at[subject] = STATUS_OF_STATE[state]
    out = []
    for model in models:
        key = model_key(model)
        status = status_at.get(key, "development") if key in managed else model.status
        out.append((model, status))
    return out


def _production(session: Session, org: uuid.UUID, at: datetime) -> list[ModelVersion]:
    return [m for m, status in models_as_of(session, org, at) if status == "production"]


def card_gaps(session: Session, org: uuid.UUID, model: ModelVersion) -> list[str]:
    """Why the model card of ``model`` cannot be rendered (empty: it can)."""
    gaps = []
    if not model.purpose.strip():
        gaps.append("model card lacks a purpose")
    if not model.owners:
        gaps.append("model card lacks owners")
    try:
        to_markdown(build_card(session, org, model_key(model)))
    except (Error, ValueError) as e:
        gaps.append(f"model card cannot be rendered: {e}")
    return gaps


def lineage_gap(session: Session, org: uuid.UUID, model: ModelVersion, at: datetime) -> str | None:
    """Why ``model`` has no lineage as of ``at``, or None when it has.

    Training data declared on the model, or reached through lineage edges of a run that
    completed by ``at``, is lineage. A provider-hosted model was not trained by us: the
    data we feed it (evaluation or retrieval datasets) is the lineage we can record, as
    its model card says.
    """
    key = model_key(model)
    nodes = lineage.trained_on(session, org, key)
    if any(n.via == "declared" for n in nodes):
        return None
    if any(n.via == "lineage" for n in nodes) and session.scalar(
        select(LineageEdge.id)
        .where(LineageEdge.organisation_id == org, LineageEdge.target_kind == "model")
        .where(LineageEdge.target_key == key, LineageEdge.event_time <= at)
        .limit(1)
    ):
        return None
    if not model.self_hosted and (model.eval_data or model.rag_data):
        return None
    if model.self_hosted:
        return "no training data recorded or traced by lineage"
    return "no training, evaluation or retrieval data recorded or traced by lineage"


class ModelCardsLineage(Check):
    """Reads the model inventory, change steps, eval runs, datasets and lineage edges as of
    ``at``; the population is every model version in production at ``at``.

    Passes when each has a model card that renders with a purpose and owners, and lineage:
    training data declared or traced through ingested lineage events (a provider-hosted
    model may instead record the evaluation or retrieval data it is given). Fails on any
    production version missing either; no production models is a pass with a note.
    """

    id = "model-cards-lineage"
    title = "Production models have a model card and data lineage"
    population = "production models"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per production model version (``name@version``)."""
        org = context.organisation_id
        with context.db.session() as session:
            items = []
            for model in _production(session, org, context.at):
                gaps = card_gaps(session, org, model)
                missing = lineage_gap(session, org, model, context.at)
                gaps += [missing] if missing else []
                note = "; ".join(gaps) or "model card renders; lineage recorded"
                items.append(Item(model_key(model), "model", not gaps, None, note))
        return self.result(period, items, ok=None if items else "no models in production")


def _targets(routes: Sequence[RouteSettings]) -> list[tuple[RouteSettings, RouteTarget, str]]:
    return [(r, t, t.model or r.alias) for r in routes for t in r.targets]


def _inventory_gaps(model: ModelVersion, status: str) -> list[str]:
    gaps = []
    if not model.owners:
        gaps.append("no owner")
    if not model.risk_tier:
        gaps.append("no risk tier")
    if status == "retired":
        gaps.append("retired")
    return gaps


class ModelInventoryComplete(Check):
    """Reads the gateway routes in the settings and the model inventory as of ``at``.

    Passes when every upstream model a route can send traffic to (each target's model, or
    the route alias) is a registered model version (matched by name, version or
    ``name@version``) with an owner and a risk tier and not retired, and every model
    version in production has owners. Targets served by the rule-based provider are not
    models and are skipped. No routes configured is a pass with a note.
    """

    id = "model-inventory-complete"
    title = "Every routable and production model is in the inventory with owner and tier"
    population = "route targets and production models"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per route target and one per production model version."""
        gateway = context.settings.gateway
        kinds = {p.name: p.kind for p in gateway.providers}
        with context.db.session() as session:
            models = models_as_of(session, context.organisation_id, context.at)
        items = []
        for route, target, upstream in _targets(gateway.routes):
            if kinds.get(target.provider) == "rules":
                continue  # canned replies, not a model
            ref = f"{route.alias}:{target.provider}/{upstream}"
            found = [(m, s) for m, s in models if upstream in {m.name, m.version, model_key(m)}]
            if not found:
                items.append(Item(ref, "route-target", False, None, "not in the model inventory"))
                continue
            # Several registered versions may carry the same upstream id: one complete suffices.
            checked = [(m, _inventory_gaps(m, s)) for m, s in found]
            model, gaps = min(checked, key=lambda c: len(c[1]))
            note = f"{model_key(model)}: " + ("; ".join(gaps) or f"tier {model.risk_tier}")
            items.append(Item(ref, "route-target", not gaps, None, note))
        for model, status in models:
            if status == "production":
                ok = bool(model.owners)
                note = f"owners: {len(model.owners)}" if ok else "no owner"
                items.append(Item(model_key(model), "model", ok, None, note))
        ok_note = None
        if not gateway.routes:
            ok_note = "no gateway routes configured"
            ok_note += f"; {len(items)} production models have owners" if items else ""
        return self.result(period, items, ok=ok_note)


def _systems(session: Session, org: uuid.UUID, at: datetime) -> list[GovernedAISystem]:
    return list(
        session.scalars(
            select(GovernedAISystem)
            .where(GovernedAISystem.organisation_id == org, GovernedAISystem.created_at <= at)
            .order_by(GovernedAISystem.name)
        )
    )


def _in_use_by_system(
    session: Session, org: uuid.UUID, at: datetime
) -> dict[str, list[ModelVersion]]:
    by_system: dict[str, list[ModelVersion]] = {}
    for model, status in models_as_of(session, org, at):
        if model.system and status not in OUT_OF_USE:
            by_system.setdefault(model.system, []).append(model)
    return by_system


class SystemDescriptionCurrent(Check):
    """Reads the AI system register and the model inventory as of ``at``.

    Passes when every AI system has a description, its components, its owners and at
    least one model version in use (not deprecated or retired). Fails on any system
    missing one, and on an empty register (the description of the system is the scope of
    the report).
    """

    id = "system-description-current"
    title = "AI systems described with components, owners and models"
    population = "ai systems"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per AI system."""
        org, at = context.organisation_id, context.at
        with context.db.session() as session:
            systems = _systems(session, org, at)
            models = _in_use_by_system(session, org, at)
        items = []
        for system in systems:
            used = models.get(system.name, [])
            wanted = {
                "description": bool((system.description or "").strip()),
                "components": bool(system.components),
                "owners": bool(system.owners),
                "model": bool(used),
            }
            gaps = [f"no {name}" for name, present in wanted.items() if not present]
            note = (
                "; ".join(gaps) or f"{len(system.components or [])} components, {len(used)} models"
            )
            items.append(Item(system.name, "ai-system", not gaps, None, note))
        return self.result(period, items, empty="no AI systems registered")


class AutomatedDecisionsOversight(Check):
    """Reads the AI system register, the model inventory and the risk register as of ``at``.

    The population is every AI system that makes automated decisions about individuals.
    Passes when such a system uses a high-tier model version (whose tier policy requires
    the highest human-review rate and two approvals per change), or a risk entry for the
    system names a human oversight control (``human-review-sampling``,
    ``human-oversight-by-impact``) as treatment. No such systems is a pass with a note.
    """

    id = "automated-decisions-oversight"
    title = "Systems making automated decisions are under human oversight"
    population = "automated-decision systems"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per AI system with ``automated_decisions`` set."""
        org, at = context.organisation_id, context.at
        with context.db.session() as session:
            systems = [s for s in _systems(session, org, at) if s.automated_decisions]
            models = _in_use_by_system(session, org, at)
            risks = list(
                session.scalars(
                    select(Risk)
                    .where(Risk.organisation_id == org, Risk.created_at <= at)
                    .order_by(Risk.name)
                )
            )
        review = tier_policy(Tier.HIGH).min_human_review_rate
        items = []
        for system in systems:
            used = models.get(system.name, [])
            high = [model_key(m) for m in used if m.risk_tier == Tier.HIGH.value]
            named = [
                f"{r.name} ({', '.join(sorted(OVERSIGHT_CONTROLS & set(r.controls)))})"
                for r in risks
                if r.system == system.name and OVERSIGHT_CONTROLS & set(r.controls)
            ]
            found = []
            if high:
                found.append(f"high-tier model {', '.join(high)} ({review:.0%} human review)")
            if named:
                found.append(f"oversight in risk {', '.join(named)}")
            tiers = ", ".join(f"{model_key(m)} tier {m.risk_tier}" for m in used) or "no models"
            note = "; ".join(found) or f"no high-tier model ({tiers}) and no oversight control"
            items.append(Item(system.name, "ai-system", bool(found), None, note))
        ok = None if items else "no AI systems make automated decisions"
        return self.result(period, items, ok=ok)


CHECKS: tuple[type[Check], ...] = (
    ModelCardsLineage,
    ModelInventoryComplete,
    SystemDescriptionCurrent,
    AutomatedDecisionsOversight,
)
