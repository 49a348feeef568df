"""Manual evidence the demo company has on file: short made-up documents uploaded for
some manual controls. The other manual controls keep open requests: they are the gaps a
new company really has."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from aiattest.catalog import Catalog
from aiattest.config import Settings
from aiattest.evidence.manual import Upload, request_all, upload
from aiattest.ledger import Ledger
from aiattest.store import Database

ARTEFACTS: tuple[tuple[str, str, str], ...] = (
    (
        "governance-board-oversight",
        "board-risk-committee-minutes.md",
        "# Risk committee, quarterly meeting\n\nAttendees: board chair, CEO, CISO, head of ML.\n"
        "Reviewed: AI risk register (3 risks), incidents since last meeting (2), SOC 2 "
        "readiness.\nDecision: fund the second LLM provider contract for fallback.\n",
    ),
    (
        "organisation-structure",
        "organisation-chart.md",
        "# Organisation and AI roles\n\n- CEO: accountable for AI risk decisions\n"
        "- CISO: security and the gateway's guard policy\n- Head of ML: models, evals, cards\n"
        "- DPO: privacy, datasets' legal bases\n",
    ),
    (
        "risk-assessment",
        "annual-risk-assessment.md",
        "# Annual risk assessment\n\nScope: support assistant, order agent, credit pre-check."
        "\nMethod: likelihood x impact (1-5), before and after treatment; see risk register.\n",
    ),
    (
        "provider-contingency",
        "provider-outage-runbook.md",
        "# LLM provider outage runbook\n\n1. The gateway fails over to the second provider.\n"
        "2. On-call confirms the breaker opened and the fallback serves.\n3. Tell customers "
        "if answers degrade for more than 30 minutes.\n",
    ),
    (
        "physical-security-inherited",
        "cloud-provider-soc2-review.md",
        "# Review of the cloud provider's SOC 2 Type II report\n\nPhysical and environmental "
        "controls are carved out to the cloud provider; report reviewed, no exceptions "
        "relevant to us; CUECs mapped to our access controls.\n",
    ),
    (
        "privacy-notice",
        "privacy-notice.md",
        "# Privacy notice (AI features)\n\nWe use AI to answer support questions. Prompts are "
        "not retained by our LLM providers (zero-retention terms).\n",
    ),
)


def upload_artefacts(  # noqa: PLR0917 (the stores, the organisation and where to write)
    db: Database,
    ledger: Ledger,
    settings: Settings,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    folder: Path,
    today: date,
) -> int:
    """Open this period's requests for every manual control, then upload what the company
    has; returns the number of files uploaded."""
    request_all(db, settings, catalog, organisation_id, today=today)
    folder.mkdir(parents=True, exist_ok=True)
    for control, name, text in ARTEFACTS:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        upload(db, ledger, settings, catalog, organisation_id, Upload(control, path, "lena"))
    return len(ARTEFACTS)
