"""Policies: the templates we ship, rendered with the organisation's facts to Markdown and
HTML; and employee acknowledgements of each approved version.

Templates are data files (``data/policies/<name>.md``) with ``${placeholder}`` fields;
facts come from the registers, so a policy lists the systems and vendors actually in scope.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from string import Template

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.errors import ConflictError, InputError, NotFoundError
from aiattest.governance import registers
from aiattest.governance.recorder import RegisterChange, record_hash
from aiattest.governance.risk import TIER_POLICIES
from aiattest.store.models import Organisation
from aiattest.store.models.governance import GovernedAISystem, Policy, PolicyAcknowledgement, Vendor


def template_names() -> list[str]:
    """Names of the shipped policy templates."""
    folder = resources.files("aiattest.governance") / "data" / "policies"
    return sorted(p.name.removesuffix(".md") for p in folder.iterdir() if p.name.endswith(".md"))


def _template(name: str) -> Template:
    if name not in template_names():
        raise NotFoundError(
            f"no policy template {name!r}", hint=f"one of: {', '.join(template_names())}"
        )
    path = resources.files("aiattest.governance") / "data" / "policies" / f"{name}.md"
    return Template(path.read_text(encoding="utf-8"))


def facts(session: Session, org: uuid.UUID, policy: Policy) -> dict[str, str]:
    """The values a template may use, from the organisation, the policy and the registers."""
    organisation = session.get(Organisation, org)
    assert organisation is not None
    systems = list(
        session.scalars(
            select(GovernedAISystem)
            .where(GovernedAISystem.organisation_id == org)
            .order_by(GovernedAISystem.name)
        )
    )
    vendors = list(
        session.scalars(select(Vendor).where(Vendor.organisation_id == org).order_by(Vendor.name))
    )
    tiers = [
        "| Risk tier | Approvals before production | Minimum human review |",
        "|---|---|---|",
    ] + [
        f"| {tier.value} | {p.required_approvals} | {p.min_human_review_rate:.1%} of outputs |"
        for tier, p in TIER_POLICIES.items()
    ]
    approval = "not yet approved"
    if policy.approved_by and policy.approved_on:
        approval = f"{policy.approved_on.isoformat()} by {policy.approved_by}"
    owners = sorted({o for s in systems for o in (s.owners or [])})
    return {
        "organisation": organisation.name,
        "version": policy.version,
        "owner": policy.owner,
        "approval": approval,
        "systems": "\n".join(
            f"- **{s.name}**: {s.description or 'no description'}" for s in systems
        )
        or "- none recorded",
        "vendors": ", ".join(
            f"{v.name}{' (zero retention)' if v.zero_retention else ''}" for v in vendors
        )
        or "none recorded",
        "tiers": "\n".join(tiers),
        "automated_systems": ", ".join(s.name for s in systems if s.automated_decisions) or "none",
        "owners": ", ".join(owners) or "none recorded",
    }


def render_markdown(name: str, values: dict[str, str]) -> str:
    """The policy template ``name`` filled with ``values`` (raises InputError on a gap)."""
    try:
        return _template(name).substitute(values)
    except KeyError as e:
        raise InputError(f"policy template {name!r} needs a value for {e.args[0]!r}") from e


def render_html(markdown: str, title: str) -> str:
    """A standalone HTML page of a rendered policy."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown)
    safe_title = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{safe_title}</title></head>\n<body>\n{body}</body></html>\n"
    )


@dataclass(frozen=True)
class RenderedPolicy:
    """A policy rendered for the organisation."""

    name: str
    """Template name."""
    version: str
    """Policy version."""
    markdown: str
    """The Markdown text."""
    sha256: str
    """SHA-256 of the Markdown (what acknowledgements and approvals refer to)."""


def render_policy(session: Session, org: uuid.UUID, name: str) -> RenderedPolicy:
    """Render the organisation's policy ``name`` (it must be in the policy register)."""
    policy: Policy = registers.get(session, registers.REGISTERS["policies"], org, (name,))
    text = render_markdown(name, facts(session, org, policy))
    return RenderedPolicy(name, policy.version, text, hashlib.sha256(text.encode()).hexdigest())


def acknowledge(
    session: Session, org: uuid.UUID, name: str, principal: str, at: datetime
) -> RegisterChange | None:
    """Record that ``principal`` acknowledged the current approved version (idempotent)."""
    policy: Policy = registers.get(session, registers.REGISTERS["policies"], org, (name,))
    if policy.status != "approved":
        raise ConflictError(
            f"policy {name} is {policy.status}; only approved policies are acknowledged"
        )
    existing = session.scalar(
        select(PolicyAcknowledgement).where(
            PolicyAcknowledgement.policy_id == policy.id,
            PolicyAcknowledgement.version == policy.version,
            PolicyAcknowledgement.principal == principal,
        )
    )
    if existing is not None:
        return None
    ack = PolicyAcknowledgement(
        id=uuid.uuid4(),
        policy_id=policy.id,
        version=policy.version,
        principal=principal,
        acknowledged_at=at,
    )
    session.add(ack)
    session.flush()
    after = record_hash({"policy": name, "version": policy.version, "at": at.isoformat()})
    return RegisterChange(
        org, principal, "policy_acknowledgement", str(ack.id), "create", None, after
    )


def outstanding(session: Session, org: uuid.UUID, name: str, principals: list[str]) -> list[str]:
    """Which of ``principals`` have not acknowledged the current version of policy ``name``."""
    policy: Policy = registers.get(session, registers.REGISTERS["policies"], org, (name,))
    done = set(
        session.scalars(
            select(PolicyAcknowledgement.principal).where(
                PolicyAcknowledgement.policy_id == policy.id,
                PolicyAcknowledgement.version == policy.version,
            )
        )
    )
    return [p for p in principals if p not in done]
