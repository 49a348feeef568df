"""SQLAlchemy models of every capability, so that the metadata is complete when imported."""

# Each capability's model module is imported here (one line each) so that Base.metadata,
# which the migrations' environment uses, holds every table.
from aiattest.store.models import evidence as evidence
from aiattest.store.models import gateway as gateway
from aiattest.store.models import governance as governance
from aiattest.store.models import ledger as ledger
from aiattest.store.models import retention as retention
from aiattest.store.models.base import Base
from aiattest.store.models.foundation import AISystem, Organisation, Principal, PrincipalRole

__all__ = ["AISystem", "Base", "Organisation", "Principal", "PrincipalRole"]
