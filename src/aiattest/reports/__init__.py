"""Reports for auditors and buyers' security teams: the readiness report (HTML, PDF), the
control matrix (CSV, XLSX) and the system description skeleton (Markdown, HTML).

Each format is an :class:`~aiattest.reports.interface.Exporter` of a frozen report value;
loaders read the database once, renderers are pure. OSCAL and the auditor package live in
the ``oscal`` and ``package`` sub-packages.
"""

from aiattest.reports.interface import (
    ControlMatrix,
    Exporter,
    MatrixRow,
    ReadinessReport,
    ResultPoint,
    SystemDescription,
)

__all__ = [
    "ControlMatrix",
    "Exporter",
    "MatrixRow",
    "ReadinessReport",
    "ResultPoint",
    "SystemDescription",
]
