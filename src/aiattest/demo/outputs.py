"""What the demo writes under ``<data_dir>/demo/``: the assessment and its roadmap, the
reports, the OSCAL files, the auditor's populations and samples, and the auditor package
that carries all of them; then it verifies the package as an auditor would."""

from __future__ import annotations

import json
import shutil
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aiattest.assess import Window
from aiattest.assess.model import Assessment
from aiattest.assess.roadmap import roadmap_svg
from aiattest.catalog import Catalog
from aiattest.config import Settings
from aiattest.errors import VerificationError
from aiattest.evidence.assessment import assessment_json
from aiattest.evidence.populations import audit_sample, write_samples
from aiattest.ledger import Ledger
from aiattest.reports import build
from aiattest.reports.oscal.export import export_oscal
from aiattest.reports.package.build import build_package
from aiattest.reports.package.verify import verify_package
from aiattest.store import Database

SAMPLE_SEED = "demo-2026"
"""The seed of the auditor's samples (any string; the same seed gives the same sample)."""
AUDIT_DAYS = 30
"""The auditor package and the samples cover the last 30 days of register history."""

_REPORTS = (
    ("readiness", "html", "readiness.html"),
    ("readiness", "pdf", "readiness.pdf"),
    ("matrix", "csv", "control-matrix.csv"),
    ("matrix", "xlsx", "control-matrix.xlsx"),
    ("system-description", "md", "system-description.md"),
    ("system-description", "html", "system-description.html"),
)


@dataclass(frozen=True)
class Written:
    """Paths the demo wrote and the package's verification."""

    paths: dict[str, str]
    """Name to path."""
    verified: bool
    """Whether the package verified."""
    detail: str
    """What verification checked, or why it failed."""


def write_outputs(  # noqa: PLR0917 (the stores, the organisation and what to write)
    db: Database,
    ledger: Ledger,
    settings: Settings,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    assessment: Assessment,
    out: Path,
) -> Written:
    """Write every output into ``out`` (replacing an earlier run's) and verify the package."""
    today = assessment.as_of
    staging = out / "package-contents"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    paths: dict[str, str] = {}

    (staging / "assessment.json").write_text(
        json.dumps(assessment_json(assessment), indent=2), encoding="utf-8"
    )
    (staging / "roadmap.svg").write_text(roadmap_svg(assessment.roadmap), encoding="utf-8")
    reports = staging / "reports"
    reports.mkdir()
    for report, fmt, name in _REPORTS:
        value = _report_value(db, catalog, organisation_id, assessment, report, today)
        (reports / name).write_bytes(build.render(report, fmt, value).content)
    window = Window(today - timedelta(days=AUDIT_DAYS - 1), today)
    export_oscal(db, catalog, organisation_id, staging / "oscal", window=window,
                 generated_at=datetime.now(UTC))  # fmt: skip
    samples = audit_sample(db, ledger, settings, catalog, organisation_id, window, SAMPLE_SEED)
    write_samples(staging / "audit", samples)

    package = out / "auditor-package.zip"

    def contents(root: Path) -> None:
        shutil.copytree(staging, root, dirs_exist_ok=True)

    build_package(db, ledger, settings, organisation_id, window, package, extra_files=contents)
    for name in ("assessment.json", "roadmap.svg", "reports", "oscal", "audit"):
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        shutil.move(staging / name, target)
    staging.rmdir()
    paths.update(
        {
            "assessment": str(out / "assessment.json"),
            "roadmap (SVG Gantt)": str(out / "roadmap.svg"),
            "reports": str(out / "reports"),
            "OSCAL 1.1.2": str(out / "oscal"),
            "populations, samples": str(out / "audit"),
            "auditor package": str(package),
        }
    )
    try:
        checked = verify_package(package)
    except VerificationError as e:
        return Written(paths, False, e.message)
    detail = (
        f"{checked.files} files, {checked.entries} ledger entries folded into the signed root "
        f"of {checked.tree_size}, {checked.inclusion_proofs} inclusion proofs, "
        f"{checked.check_results} check results; key {checked.key_fingerprint}"
    )
    return Written(paths, True, detail)


def _report_value(  # noqa: PLR0917
    db: Database,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    assessment: Assessment,
    report: str,
    today: date,
) -> object:
    if report == "readiness":
        return build.readiness(db, organisation_id, assessment)
    if report == "matrix":
        return build.matrix(db, organisation_id, assessment, catalog)
    return build.description(db, organisation_id, today, assessment.window)
