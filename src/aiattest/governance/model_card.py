"""Model cards from the inventory and eval results: Markdown in the Hugging Face card layout,
and a CycloneDX 1.6 ML-BOM whose component carries a ``modelCard``.

cyclonedx-python-lib builds and serialises the BOM but has no object model for
``modelCard`` yet, so the card is added to the serialised component and the whole document
is then validated against the 1.6 JSON schema with the library's strict validator.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aiattest.errors import InputError
from aiattest.governance import registers
from aiattest.governance.risk import tier_policy
from aiattest.store.models.governance import Dataset, EvalRun, GovernedAISystem, ModelVersion

_CARD_NAMESPACE = uuid.UUID("6f1d7c1e-2b8a-4f55-9a8e-0c2d54b1a7e3")


@dataclass(frozen=True)
class CardDataset:
    """A dataset as a card lists it."""

    name: str
    """Register name."""
    role: str
    """``training``, ``evaluation`` or ``retrieval``."""
    classification: str | None
    """Its classification (None: not in the register)."""
    contains_pii: bool | None
    """Whether it holds personal data."""
    source: str | None
    """Where it came from."""


@dataclass(frozen=True)
class CardEval:
    """One eval run as a card shows it."""

    suite: str
    """Suite name and version."""
    dataset_hash: str
    """Hash of the suite's dataset."""
    metrics: dict[str, float]
    """Measured values."""
    thresholds: dict[str, float]
    """Minimums."""
    passed: bool
    """Whether it met them."""
    run_at: datetime
    """When."""


@dataclass(frozen=True)
class ModelCard:
    """Everything a card says, gathered from the registers."""

    name: str
    """Model name."""
    version: str
    """Model version."""
    system: str | None
    """The AI system using it."""
    system_description: str
    """What that system does."""
    provider: str
    """Provider or ``self-hosted``."""
    artifact_digest: str | None
    """Weights or image digest."""
    purpose: str
    """Intended use."""
    out_of_scope_uses: tuple[str, ...]
    """Uses it must not be put to."""
    owners: tuple[str, ...]
    """Contacts."""
    risk_tier: str
    """Risk tier."""
    risk_rationale: str
    """Why."""
    status: str
    """Lifecycle status."""
    datasets: tuple[CardDataset, ...]
    """Training, evaluation and retrieval data."""
    evals: tuple[CardEval, ...]
    """Eval runs of this version, newest first."""
    updated_at: datetime
    """When the inventory record last changed (the card's date)."""


def build_card(session: Session, org: uuid.UUID, model: str) -> ModelCard:
    """Gather the card of model ``name@version`` (raises NotFoundError)."""
    name, _, version = model.partition("@")
    row: ModelVersion = registers.get(session, registers.REGISTERS["models"], org, (name, version))
    system = None
    if row.system:
        system = session.scalar(
            select(GovernedAISystem).where(
                GovernedAISystem.organisation_id == org, GovernedAISystem.name == row.system
            )
        )
    by_name = {
        d.name: d for d in session.scalars(select(Dataset).where(Dataset.organisation_id == org))
    }
    datasets = []
    for role, names in (
        ("training", row.training_data),
        ("evaluation", row.eval_data),
        ("retrieval", row.rag_data),
    ):
        for ds_name in names:
            d = by_name.get(ds_name)
            datasets.append(
                CardDataset(
                    ds_name,
                    role,
                    d.classification if d else None,
                    d.contains_pii if d else None,
                    d.source if d else None,
                )
            )
    runs = session.scalars(
        select(EvalRun)
        .where(EvalRun.organisation_id == org, EvalRun.target == model)
        .order_by(EvalRun.run_at.desc())
    )
    evals = tuple(
        CardEval(
            f"{r.suite} v{r.suite_version}",
            r.dataset_hash,
            dict(r.metrics),
            dict(r.thresholds),
            r.passed,
            r.run_at,
        )
        for r in runs
    )
    return ModelCard(
        name=row.name,
        version=row.version,
        system=row.system,
        system_description=system.description if system else "",
        provider=row.provider,
        artifact_digest=row.artifact_digest,
        purpose=row.purpose,
        out_of_scope_uses=tuple(row.out_of_scope_uses),
        owners=tuple(row.owners),
        risk_tier=row.risk_tier,
        risk_rationale=row.risk_rationale,
        status=row.status,
        datasets=tuple(datasets),
        evals=evals,
        updated_at=row.updated_at,
    )


def to_markdown(card: ModelCard) -> str:
    """The card in the Hugging Face model card layout (YAML metadata, then sections)."""
    policy = tier_policy(card.risk_tier)
    meta = [
        "---",
        f"model_name: {json.dumps(card.name)}",
        "tags:",
        "  - aiattest",
        f"  - risk-{card.risk_tier}",
    ]
    training = [d for d in card.datasets if d.role == "training"]
    if training:
        meta += ["datasets:", *(f"  - {json.dumps(d.name)}" for d in training)]
    meta.append("---")
    lines = [
        *meta,
        "",
        f"# Model Card for {card.name}",
        "",
        f"{card.purpose or 'No purpose recorded.'}",
        "",
        "## Model Details",
        "",
        "### Model Description",
        "",
        f"- **Developed by:** {', '.join(card.owners) or 'not recorded'}",
        f"- **Model version:** {card.version}",
        f"- **Provider:** {card.provider}",
        f"- **Artifact digest:** {card.artifact_digest or 'n/a (provider-hosted)'}",
        f"- **Status:** {card.status}",
        f"- **Used in:** {card.system or 'no system recorded'}"
        + (f" — {card.system_description}" if card.system_description else ""),
        "",
        "## Uses",
        "",
        "### Direct Use",
        "",
        card.purpose or "Not recorded.",
        "",
        "### Out-of-Scope Use",
        "",
    ]
    lines += [f"- {u}" for u in card.out_of_scope_uses] or ["None recorded."]
    lines += [
        "",
        "## Bias, Risks, and Limitations",
        "",
        f"Risk tier **{card.risk_tier}** ({card.risk_rationale}).",
        "",
        "### Recommendations",
        "",
        f"Changes need {policy.required_approvals} approval(s) from people other than "
        f"the requester; at least {policy.min_human_review_rate:.1%} of outputs are "
        "reviewed by a person.",
        "",
        "## Training Details",
        "",
        "### Training Data",
        "",
    ]
    lines += [_dataset_line(d) for d in training] or ["Not trained by us (provider model)."]
    lines += ["", "## Evaluation", "", "### Testing Data, Factors & Metrics", ""]
    lines += [_dataset_line(d) for d in card.datasets if d.role == "evaluation"] or ["None."]
    lines += ["", "### Results", ""]
    if card.evals:
        lines += [
            "| suite | metric | value | threshold | run | passed |",
            "|---|---|---|---|---|---|",
        ]
        for e in card.evals:
            for metric, value in sorted(e.metrics.items()):
                minimum = e.thresholds.get(metric)
                lines.append(
                    f"| {e.suite} | {metric} | {value:g} | "
                    f"{'' if minimum is None else f'{minimum:g}'} | "
                    f"{e.run_at.date().isoformat()} | {'yes' if e.passed else 'no'} |"
                )
    else:
        lines.append("No eval runs recorded.")
    retrieval = [d for d in card.datasets if d.role == "retrieval"]
    if retrieval:
        lines += ["", "## Retrieval Data", "", *(_dataset_line(d) for d in retrieval)]
    lines += ["", "## Model Card Contact", "", ", ".join(card.owners) or "Not recorded.", ""]
    return "\n".join(lines)


def _dataset_line(d: CardDataset) -> str:
    if d.classification is None:
        return f"- {d.name} (not in the dataset register)"
    pii = ", contains personal data" if d.contains_pii else ""
    return f"- {d.name} — {d.classification}{pii}; source: {d.source}"


def to_cyclonedx(card: ModelCard) -> str:
    """A CycloneDX 1.6 ML-BOM (JSON) for the model, validated against the 1.6 schema."""
    from cyclonedx.model import HashAlgorithm, HashType
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.output.json import JsonV1Dot6
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    ref = f"model:{card.name}@{card.version}"
    hashes = []
    if card.artifact_digest and card.artifact_digest.startswith("sha256:"):
        hashes.append(HashType(alg=HashAlgorithm.SHA_256, content=card.artifact_digest[7:]))
    component = Component(
        name=card.name,
        version=card.version,
        bom_ref=ref,
        hashes=hashes,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        description=card.purpose or None,
    )
    # Reproducible output: the serial number and date follow the card, not the clock.
    serial = uuid.uuid5(_CARD_NAMESPACE, json.dumps(_model_card(card), sort_keys=True))
    bom = Bom(serial_number=serial, metadata=BomMetaData(timestamp=card.updated_at))
    bom.components.add(component)
    data = json.loads(JsonV1Dot6(bom).output_as_string())
    data["components"][0]["modelCard"] = _model_card(card)
    text = json.dumps(data, indent=2, sort_keys=True)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        first = str(error).splitlines()[0]
        raise InputError(f"the ML-BOM of {ref} does not validate as CycloneDX 1.6: {first}")
    return text


def _model_card(card: ModelCard) -> dict[str, Any]:
    datasets = [
        {
            "type": "dataset",
            "name": d.name,
            "classification": d.classification or "unknown",
            "description": f"{d.role} data" + (f"; source: {d.source}" if d.source else ""),
        }
        for d in card.datasets
    ]
    metrics = [
        {"type": metric, "value": f"{value:g}", "slice": e.suite}
        for e in card.evals[:1]
        for metric, value in sorted(e.metrics.items())
    ]
    considerations: dict[str, Any] = {
        "users": list(card.owners),
        "useCases": [card.purpose] if card.purpose else [],
        "technicalLimitations": list(card.out_of_scope_uses),
        "ethicalConsiderations": [
            {"name": f"risk tier {card.risk_tier}", "mitigationStrategy": card.risk_rationale}
        ],
    }
    out: dict[str, Any] = {
        "bom-ref": f"model-card:{card.name}@{card.version}",
        "modelParameters": {"datasets": datasets},
        "considerations": considerations,
    }
    if metrics:
        out["quantitativeAnalysis"] = {"performanceMetrics": metrics}
    return out
