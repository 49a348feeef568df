"""A skeleton of section III of a SOC 2 report ("description of the system"), gathered from
the registers: services and AI systems, production models with their risk tiers, datasets,
people per role, the change, incident and access-review processes, sub-service organisations
with their CSOCs and the CUECs they bring, and the model cards and policies as appendices.

:func:`build_description` reads the database once; rendering is pure
(:mod:`aiattest.reports.description_render`).
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.assess.periods import Window
from aiattest.errors import NotFoundError
from aiattest.governance import model_card, policies, registers
from aiattest.governance.changes import production_deployments
from aiattest.governance.risk import TIER_POLICIES
from aiattest.governance.schemas import Spec, VendorSpec
from aiattest.governance.vendors import vendor_findings
from aiattest.reports.interface import (
    Appendix,
    Complementary,
    DatasetEntry,
    ModelEntry,
    Process,
    SystemDescription,
    SystemEntry,
    VendorEntry,
    anchor,
)
from aiattest.store.models import Organisation, Principal
from aiattest.store.models.governance import (
    AccessReview,
    Change,
    Dataset,
    GovernedAISystem,
    Incident,
    ModelVersion,
    Policy,
    Vendor,
)

PRODUCTION = "production"
"""The model status the description lists (what runs for customers on the as-of day)."""


def build_description(
    session: Session, org: uuid.UUID, as_of: date, window: Window | None = None
) -> SystemDescription:
    """The description of organisation ``org`` as of ``as_of`` (Type II: over ``window``)."""
    organisation = session.get(Organisation, org)
    if organisation is None:
        raise NotFoundError(f"no organisation with id {org}")
    models = list(
        session.scalars(
            select(ModelVersion)
            .where(ModelVersion.organisation_id == org, ModelVersion.status == PRODUCTION)
            .order_by(ModelVersion.name, ModelVersion.version)
        )
    )
    return SystemDescription(
        organisation=organisation.name,
        as_of=as_of,
        systems=_systems(session, org),
        models=tuple(
            ModelEntry(m.name, m.version, m.system or "", m.provider, m.risk_tier, m.purpose)
            for m in models
        ),
        datasets=_datasets(session, org),
        roles=_roles(session, org),
        processes=_processes(session, org, as_of, window),
        vendors=_vendors(session, org, as_of),
        model_cards=tuple(_card(session, org, m) for m in models),
        policies=_policies(session, org),
        window=(window.start, window.end) if window is not None else None,
    )


def _systems(session: Session, org: uuid.UUID) -> tuple[SystemEntry, ...]:
    rows = session.scalars(
        select(GovernedAISystem)
        .where(GovernedAISystem.organisation_id == org)
        .order_by(GovernedAISystem.name)
    )
    return tuple(
        SystemEntry(
            name=s.name,
            description=s.description or "",
            components=tuple(s.components or ()),
            endpoints=tuple(s.endpoints or ()),
            data_classes=tuple(s.data_classes or ()),
            sla_tier=s.sla_tier or "standard",
            owners=tuple(s.owners or ()),
            automated_decisions=bool(s.automated_decisions),
        )
        for s in rows
    )


def _datasets(session: Session, org: uuid.UUID) -> tuple[DatasetEntry, ...]:
    rows = session.scalars(
        select(Dataset).where(Dataset.organisation_id == org).order_by(Dataset.name)
    )
    return tuple(
        DatasetEntry(d.name, d.classification, d.contains_pii, d.region, d.owner) for d in rows
    )


def _roles(session: Session, org: uuid.UUID) -> tuple[tuple[str, int], ...]:
    counts: Counter[str] = Counter()
    principals = session.scalars(
        select(Principal).where(Principal.organisation_id == org, Principal.active.is_(True))
    )
    for principal in principals:
        for role in principal.roles:
            counts[role.role] += 1
    return tuple(sorted(counts.items()))


def _vendors(session: Session, org: uuid.UUID, as_of: date) -> tuple[VendorEntry, ...]:
    rows = session.scalars(
        select(Vendor).where(Vendor.organisation_id == org).order_by(Vendor.name)
    )
    kind = registers.REGISTERS["vendors"]
    return tuple(
        VendorEntry(
            name=v.name,
            kind=v.kind,
            services=tuple(v.services or ()),
            inclusion=v.inclusion,
            soc2_report_type=v.soc2_report_type,
            soc2_period_end=v.soc2_period_end,
            csocs=tuple(_complementary(c) for c in v.csocs or ()),
            cuecs=tuple(_complementary(c) for c in v.cuecs or ()),
            findings=_findings(registers.spec_of(kind, v), as_of),
        )
        for v in rows
    )


def _findings(spec: Spec, as_of: date) -> tuple[str, ...]:
    assert isinstance(spec, VendorSpec)  # the vendor register's spec
    return tuple(f"{f.message} ({f.severity}, {f.code})" for f in vendor_findings(spec, as_of))


def _complementary(data: dict[str, Any]) -> Complementary:
    return Complementary(
        str(data.get("id", "")),
        str(data.get("description", "")),
        tuple(str(c) for c in data.get("criteria", ())),
    )


def _processes(
    session: Session, org: uuid.UUID, as_of: date, window: Window | None
) -> tuple[Process, ...]:
    # Figures cover the Type II window, or the twelve months before the as-of day.
    start = window.start if window is not None else as_of - timedelta(days=365)
    end = window.end if window is not None else as_of
    lo = datetime.combine(start, time.min, tzinfo=UTC)
    hi = datetime.combine(end + timedelta(days=1), time.min, tzinfo=UTC)
    span = f"from {start.isoformat()} to {end.isoformat()}"

    deployments = production_deployments(session, org, lo, hi)
    states = Counter(
        session.scalars(select(Change.state).where(Change.organisation_id == org)).all()
    )
    approvals = ", ".join(
        f"{p.required_approvals} for {tier.value}-risk" for tier, p in TIER_POLICIES.items()
    )
    change = (
        "Changes to models, prompts and configuration are proposed, evaluated against the "
        "eval-suite gate, approved by people other than the requester (approvals needed: "
        f"{approvals} models), staged and then promoted. "
        f"The change register holds {sum(states.values())} change(s); "
        f"{len(deployments)} promotion(s) to production {span}; "
        f"{states.get('rolled_back', 0)} change(s) currently rolled back."
    )

    incidents = list(
        session.scalars(
            select(Incident).where(
                Incident.organisation_id == org, Incident.opened_at >= lo, Incident.opened_at < hi
            )
        )
    )
    severities = Counter(i.severity for i in incidents)
    by_severity = ", ".join(f"{n} {s}" for s, n in sorted(severities.items())) or "none"
    open_now = sum(1 for i in incidents if i.status not in {"resolved", "closed"})
    with_postmortem = sum(1 for i in incidents if i.postmortem.strip())
    incident = (
        "Incidents, including AI-specific ones (prompt injection, harmful output, drift, "
        "provider outage), are logged with a severity, an owner and a timeline, and closed "
        f"with a postmortem. {len(incidents)} incident(s) opened {span} ({by_severity}); "
        f"{open_now} still open; {with_postmortem} with a postmortem."
    )

    reviews = list(
        session.scalars(
            select(AccessReview).where(
                AccessReview.organisation_id == org,
                AccessReview.created_at >= lo,
                AccessReview.created_at < hi,
            )
        )
    )
    closed = [r for r in reviews if r.status == "closed"]
    revoked = sum(1 for r in reviews for i in r.items if i.decision == "revoke")
    last = max((r.closed_at for r in closed if r.closed_at is not None), default=None)
    access = (
        "Access to AI systems, models and gateway API keys is granted per role and reviewed "
        f"periodically by a reviewer who does not hold the access. {len(reviews)} review(s) "
        f"opened {span}, {len(closed)} closed"
        + (f" (last on {last.date().isoformat()})" if last is not None else "")
        + f"; {revoked} access right(s) revoked."
    )
    return (
        Process("Change management", change),
        Process("Incident management", incident),
        Process("Access reviews", access),
    )


def _card(session: Session, org: uuid.UUID, model: ModelVersion) -> Appendix:
    card = model_card.build_card(session, org, f"{model.name}@{model.version}")
    return Appendix(
        anchor=anchor("model-card", model.name, model.version),
        title=f"Model Card for {model.name} ({model.version})",
        markdown=model_card.to_markdown(card),
    )


def _policies(session: Session, org: uuid.UUID) -> tuple[Appendix, ...]:
    rows = session.scalars(
        select(Policy)
        .where(Policy.organisation_id == org, Policy.status != "retired")
        .order_by(Policy.name)
    )
    known = set(policies.template_names())
    out = []
    for row in rows:
        state = row.status if row.status != "approved" else f"approved {row.approved_on}"
        title = f"{row.title} (version {row.version}, {state})"
        if row.name in known:
            text = policies.render_policy(session, org, row.name).markdown
        else:
            # A policy the organisation wrote itself: the register knows it, we hold no text.
            text = f"# {row.title}\n\nThe text of this policy is kept outside aiattest.\n"
        out.append(Appendix(anchor("policy", row.name), title, text))
    return tuple(out)
