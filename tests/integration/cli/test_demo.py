"""``aiattest demo --no-serve`` runs the whole main job in a fresh directory and leaves an
auditor package that verifies, with the library and with the stdlib-only verify.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from aiattest.reports.package.verify import verify_package

CATEGORIES = {"security", "availability", "processing_integrity", "confidentiality", "privacy"}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """One demo run (a few hundred requests keep it quick) shared by the tests below."""
    home = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIATTEST_")}
    done = subprocess.run(
        [sys.executable, "-m", "aiattest.cli", "demo", "--no-serve", "--json", "--requests", "400"],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return home, json.loads(done.stdout)


def test_demo_reports_readiness_for_every_category(demo_run: tuple[Path, dict]) -> None:
    _home, report = demo_run
    readiness = report["readiness"]
    assert set(readiness["categories"]) == CATEGORIES
    assert 0 < readiness["overall"] < 1
    assert readiness["top_gaps"], "a new company has gaps"
    assert report["checks"]["pass"] > 0


def test_demo_traffic_exercised_the_runtime_controls(demo_run: tuple[Path, dict]) -> None:
    _home, report = demo_run
    traffic = report["traffic"]
    assert sum(traffic["sent"].values()) >= 400
    assert traffic["sent"]["injection"] > 0
    assert traffic["sent"]["outage"] > 0
    assert traffic["statuses"]["400"] > 0  # injections blocked
    assert traffic["statuses"]["428"] == 3  # refunds held for approval
    assert traffic["approvals"] == 2  # two approved, one denied


def test_demo_leaves_outputs_and_a_package_that_verifies(demo_run: tuple[Path, dict]) -> None:
    home, report = demo_run
    assert report["package_verified"] is True
    out = home / ".aiattest" / "demo"
    for name in ("readiness.html", "readiness.pdf", "control-matrix.xlsx", "system-description.md"):
        assert (out / "reports" / name).stat().st_size > 0
    assert len(list((out / "oscal").glob("*.json"))) == 5
    package = out / "auditor-package.zip"
    checked = verify_package(package)
    assert checked.entries > 400
    assert checked.check_results > 0
    with zipfile.ZipFile(package) as zf:
        names = set(zf.namelist())
        zf.extractall(home / "unpacked")
    assert {"reports/readiness.pdf", "oscal/ssp.json", "audit/samples.csv"} <= names
    stdlib = subprocess.run(
        [sys.executable, "-I", "-S", "verify.py"],
        cwd=home / "unpacked",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert stdlib.returncode == 0, stdlib.stdout + stdlib.stderr
    assert stdlib.stdout.startswith("OK")
