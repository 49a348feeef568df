"""SQLAlchemy models of every capability, so that the metadata is complete when imported."""

from aiattest.store.models.base import Base
from aiattest.store.models.foundation import AISystem, Organisation, Principal, PrincipalRole

# Capabilities add their model modules here, one import line each.
from aiattest.store.models import gateway as gateway  # noqa: F401
from aiattest.store.models.governance import GovernedAISystem as GovernedAISystem
from aiattest.store.models.ledger import LedgerEntry as LedgerEntry

__all__ = ["AISystem", "Base", "Organisation", "Principal", "PrincipalRole"]
