"""OSCAL 1.1.2 JSON export: our catalog, a profile selecting it, component definitions
and a system security plan from the registers, and assessment results from the stored
check results, with deterministic UUIDs.

Public API::

    from aiattest.reports.oscal import export_oscal
    export_oscal(db, catalog, organisation_id, Path("oscal"), window=None, generated_at=now)
"""

from aiattest.reports.oscal.common import OSCAL_VERSION, Uuids, control_token
from aiattest.reports.oscal.export import (
    OscalDocument,
    OscalExport,
    OscalJsonExporter,
    build_documents,
    export_oscal,
)
from aiattest.reports.oscal.inventory import read_inventory, read_results
from aiattest.reports.oscal.model import (
    DatasetFacts,
    Inventory,
    KnowledgeBaseFacts,
    ModelFacts,
    ResultFacts,
    SystemFacts,
    VendorFacts,
)

__all__ = [
    "OSCAL_VERSION",
    "DatasetFacts",
    "Inventory",
    "KnowledgeBaseFacts",
    "ModelFacts",
    "OscalDocument",
    "OscalExport",
    "OscalJsonExporter",
    "ResultFacts",
    "SystemFacts",
    "Uuids",
    "VendorFacts",
    "build_documents",
    "control_token",
    "export_oscal",
    "read_inventory",
    "read_results",
]
