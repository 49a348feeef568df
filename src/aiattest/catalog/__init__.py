"""The control catalog: TSC criteria, AI risks and controls, as data files with a typed loader.

Public API::

    from aiattest.catalog import load_catalog
    catalog = load_catalog(settings.catalog_dir)
    catalog.control("prompt-injection-defense")
    catalog.coverage().summary.line()
"""

from aiattest.catalog.catalog import Catalog
from aiattest.catalog.coverage import Coverage, CoverageSummary, CriterionCoverage, RiskCoverage
from aiattest.catalog.export import ExportFormat, export_catalog
from aiattest.catalog.loader import load_catalog
from aiattest.catalog.models import (
    AIRisk,
    Automation,
    Control,
    ControlId,
    Criterion,
    CriterionId,
    Crosswalks,
    Frequency,
    Nature,
    OwnerRole,
    RiskId,
    RiskSource,
    TscCategory,
)

__all__ = [
    "AIRisk",
    "Automation",
    "Catalog",
    "Control",
    "ControlId",
    "Coverage",
    "CoverageSummary",
    "Criterion",
    "CriterionCoverage",
    "CriterionId",
    "Crosswalks",
    "ExportFormat",
    "Frequency",
    "Nature",
    "OwnerRole",
    "RiskCoverage",
    "RiskId",
    "RiskSource",
    "TscCategory",
    "export_catalog",
    "load_catalog",
]
