"""Governance registers and workflows: AI systems, models and risk tiers, datasets and
lineage, vendors, change management, incidents, risks, policies, access reviews.

Services take a SQLAlchemy ``Session`` and an organisation id and return the
:class:`~aiattest.governance.recorder.RegisterChange` records of what they wrote; the edges
(CLI, REST) run them in a :func:`~aiattest.governance.unit.unit_of_work` that records
those changes in the ledger.
"""

from aiattest.governance.recorder import ChangeRecorder, RegisterChange, record_hash
from aiattest.governance.risk import Assessment, RiskAnswers, Tier, TierPolicy, assess, tier_policy

__all__ = [
    "Assessment",
    "ChangeRecorder",
    "RegisterChange",
    "RiskAnswers",
    "Tier",
    "TierPolicy",
    "assess",
    "record_hash",
    "tier_policy",
]
