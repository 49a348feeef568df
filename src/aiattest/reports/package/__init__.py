"""The auditor package: a zip of the window's ledger entries, proofs against a signed
checkpoint, check results, policies and model cards, that verifies offline.

``build_package`` writes it; ``verify_package`` (and the ``verify.py`` inside it, which is
the same code run by the standard library alone) checks it.
"""

from aiattest.reports.package.build import BuildReport, build_package, window_range
from aiattest.reports.package.contents import ExtraFiles
from aiattest.reports.package.verify import PackageReport, verify_package

__all__ = [
    "BuildReport",
    "ExtraFiles",
    "PackageReport",
    "build_package",
    "verify_package",
    "window_range",
]
