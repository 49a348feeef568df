"""Build the five OSCAL documents of an organisation and write them to a directory, one
JSON file each: catalog, profile, component definition, system security plan and
assessment results."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from aiattest.assess import Window
from aiattest.catalog import Catalog
from aiattest.errors import InputError
from aiattest.reports.interface import Exporter
from aiattest.reports.oscal.catalog import (
    CATALOG_FILE,
    PROFILE_FILE,
    catalog_document,
    profile_document,
)
from aiattest.reports.oscal.common import Json
from aiattest.reports.oscal.components import component_definition
from aiattest.reports.oscal.inventory import read_inventory, read_results
from aiattest.reports.oscal.model import Inventory, ResultFacts
from aiattest.reports.oscal.results import assessment_results
from aiattest.reports.oscal.ssp import ssp_document
from aiattest.store import Database

COMPONENT_FILE = "component-definition.json"
"""File name of the component definition."""
SSP_FILE = "ssp.json"
"""File name of the system security plan."""
RESULTS_FILE = "assessment-results.json"
"""File name of the assessment results."""


@dataclass(frozen=True, slots=True)
class OscalDocument:
    """One OSCAL document and the file name it is written under."""

    filename: str
    """``catalog.json``, ``profile.json``, ... (the documents refer to each other by it)."""
    content: Json
    """The document: ``{root model name: {...}}``."""

    @property
    def model(self) -> str:
        """The OSCAL model it holds (``catalog``, ``system-security-plan``, ...)."""
        return next(iter(self.content))


class OscalJsonExporter(Exporter[OscalDocument]):
    """Renders an OSCAL document as indented UTF-8 JSON in a stable key order."""

    media_type: ClassVar[str] = "application/json"
    suffix: ClassVar[str] = ".json"

    def export(self, report: OscalDocument) -> bytes:
        """The file's bytes: the same document always gives the same bytes."""
        return (json.dumps(report.content, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


@dataclass(frozen=True, slots=True)
class OscalExport:
    """What an export wrote."""

    directory: Path
    """Where the files are."""
    files: tuple[Path, ...]
    """The files, in the order the documents import each other."""
    controls: int
    """Controls in the catalog."""
    components: int
    """Components in the component definition."""
    observations: int
    """Check runs in the assessment results."""
    findings: int
    """Controls with a finding."""
    window: Window | None
    """The window of the results (None when there were none and none was asked for)."""


def build_documents(
    inventory: Inventory,
    catalog: Catalog,
    results: Sequence[ResultFacts],
    window: Window | None,
    generated_at: datetime,
) -> tuple[OscalDocument, ...]:
    """The five documents, from facts already read (pure: no I/O, no clock)."""
    slug = inventory.slug
    return (
        OscalDocument(CATALOG_FILE, catalog_document(catalog, slug, generated_at)),
        OscalDocument(PROFILE_FILE, profile_document(slug, generated_at)),
        OscalDocument(COMPONENT_FILE, component_definition(inventory, catalog, generated_at)),
        OscalDocument(SSP_FILE, ssp_document(inventory, catalog, generated_at)),
        OscalDocument(
            RESULTS_FILE, assessment_results(inventory, catalog, results, window, generated_at)
        ),
    )


def export_oscal(
    db: Database,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    directory: Path,
    *,
    window: Window | None,
    generated_at: datetime,
) -> OscalExport:
    """Read the organisation's registers and the check results of ``window`` (all results
    without one) and write the five OSCAL files into ``directory``.

    ``generated_at`` becomes every document's last-modified time; it is the only input
    besides the data, so exporting the same data with the same time gives the same bytes.
    """
    if directory.exists() and not directory.is_dir():
        raise InputError(f"{directory} exists and is not a directory")
    with db.session() as session:
        inventory = read_inventory(session, organisation_id)
        results = read_results(session, organisation_id, window)
    documents = build_documents(inventory, catalog, results, window, generated_at)
    directory.mkdir(parents=True, exist_ok=True)
    exporter = OscalJsonExporter()
    files = tuple(exporter.write(d, directory / d.filename) for d in documents)
    by_model = {d.model: d.content[d.model] for d in documents}
    result = by_model["assessment-results"]["results"][0]
    span = window
    if span is None and results:
        span = Window(min(r.period_start for r in results), max(r.period_end for r in results))
    return OscalExport(
        directory=directory,
        files=files,
        controls=len(catalog.controls),
        components=len(by_model["component-definition"]["components"]),
        observations=len(result.get("observations", [])),
        findings=len(result.get("findings", [])),
        window=span,
    )
