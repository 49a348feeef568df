"""The main job: build the demo organisation through the real services and APIs, put its
traffic through the gateway, collect every check, assess readiness, and write the reports,
the OSCAL files and the auditor package under ``<data_dir>/demo/``."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from aiattest.assess import Window
from aiattest.assess.model import Assessment, AssessmentType
from aiattest.bootstrap import InitReport, initialise
from aiattest.catalog import load_catalog
from aiattest.config import Settings
from aiattest.demo import organisation
from aiattest.demo.artefacts import upload_artefacts
from aiattest.demo.outputs import write_outputs
from aiattest.demo.serving import ServedApp
from aiattest.demo.traffic import TrafficReport, replay
from aiattest.demo.upstream import FakeProvider
from aiattest.demo.world import demo_settings
from aiattest.evidence.assessment import assess_organisation
from aiattest.evidence.runner import Collected, collect
from aiattest.governance.unit import organisation_id
from aiattest.ledger import Ledger
from aiattest.store import Database

DEMO_ORGANISATION = "Demo AI Co"

Say = Callable[[str], None]
"""Prints one line of progress."""
Advance = Callable[[int, int], None]
"""Moves a progress bar: (done so far, total)."""


@dataclass
class DemoReport:
    """What the demo did and found."""

    init: InitReport
    """The initialisation of the data dir and database."""
    registers: dict[str, int] = field(default_factory=dict)
    """Records created/updated/unchanged by applying the organisation file."""
    workflows: dict[str, Any] = field(default_factory=dict)
    """Policy acknowledgements and the access review done over the API."""
    traffic: TrafficReport | None = None
    """What the replay sent."""
    collected: list[Collected] = field(default_factory=list)
    """Every check run."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Name to path of what was written."""
    assessment: Assessment | None = None
    """Type II readiness over the demo's window."""
    package_verified: bool = False
    """Whether the auditor package verified after it was written."""
    package_detail: str = ""
    """What the verification checked, or why it failed."""
    seconds: float = 0.0
    """How long the demo took."""
    admin_key: str = ""
    """An admin key for the served API (shown once)."""
    consumer_key: str = ""
    """A consumer key for the openai client."""

    def checks_by_status(self) -> dict[str, int]:
        """Check runs by status."""
        counts: dict[str, int] = {}
        for c in self.collected:
            counts[str(c.result.status)] = counts.get(str(c.result.status), 0) + 1
        return counts


@contextmanager
def demo_world(settings: Settings) -> Iterator[tuple[Settings, FakeProvider, FakeProvider]]:
    """Two fake providers on loopback and settings that route through them."""
    primary = FakeProvider("openai").start()
    secondary = FakeProvider("anthropic").start()
    try:
        yield demo_settings(settings, primary, secondary), primary, secondary
    finally:
        primary.stop()
        secondary.stop()


def run_demo(
    settings: Settings,
    primary: FakeProvider,
    *,
    requests: int = 3000,
    say: Say = lambda _line: None,
    advance: Advance = lambda _done, _total: None,
) -> DemoReport:
    """Run the whole demo against ``settings`` (from :func:`demo_world`)."""
    now = datetime.now(UTC)
    started = time.perf_counter()
    say("initialising the data directory and database")
    report = DemoReport(init=initialise(settings, DEMO_ORGANISATION))
    db = Database(settings.db_url)
    ledger = Ledger.from_settings(db, settings)
    try:
        say("building the demo organisation's registers (systems, models, vendors, ...)")
        applied = organisation.apply_registers(db, ledger, now.date())
        for item in applied.items:
            report.registers[item.outcome] = report.registers.get(item.outcome, 0) + 1
        keys = organisation.issue_keys(db)
        report.admin_key = keys.people["lena"]
        report.consumer_key = keys.services["support-assistant"]
        _through_the_gateway(settings, primary, keys, report, requests, say, advance)
        # A serving gateway signs a checkpoint every minute; the demo is quicker than that.
        ledger.checkpoint()
        say("running every check")
        org = _organisation_id(db)
        catalog = load_catalog(settings.catalog_dir)
        report.collected = collect(db, ledger, settings, catalog, org, at=datetime.now(UTC))
        say("requesting manual evidence; uploading the documents the company has")
        report.workflows["artefacts"] = upload_artefacts(
            db, ledger, settings, catalog, org, output_dir(settings) / "artefacts", now.date()
        )
        say("assessing readiness (Type II, observation window starting today)")
        today = now.date()
        report.assessment = assess_organisation(
            db, catalog, org, kind=AssessmentType.TYPE_2, as_of=today, window=Window(today, today)
        )
        say("writing the reports, OSCAL, populations and samples, and the auditor package")
        written = write_outputs(
            db, ledger, settings, catalog, org, report.assessment, output_dir(settings)
        )
        report.outputs = written.paths
        report.package_verified, report.package_detail = written.verified, written.detail
    finally:
        ledger.close()
        db.dispose()
    report.seconds = time.perf_counter() - started
    return report


def _through_the_gateway(  # noqa: PLR0917 (the run's state, passed along)
    settings: Settings,
    primary: FakeProvider,
    keys: organisation.DemoKeys,
    report: DemoReport,
    requests: int,
    say: Say,
    advance: Advance,
) -> None:
    """Serve the gateway on loopback; run the API workflows and replay the traffic."""
    from aiattest.gateway.app import create_app

    now = datetime.now(UTC)
    say("starting the gateway in front of two fake LLM providers")
    # The demo collects explicitly afterwards; the served API (after the demo) schedules.
    quiet = settings.evidence.model_copy(update={"scheduler_enabled": False})
    gateway = ServedApp(create_app(settings.model_copy(update={"evidence": quiet}))).start()
    try:
        with httpx.Client(base_url=gateway.url, timeout=30) as client:
            quarter = f"{now.year}-q{(now.month - 1) // 3 + 1}"
            say("policy acknowledgements and the quarter's access review, over the API")
            report.workflows = organisation.run_workflows(client, keys, quarter)
        say(f"replaying {requests} requests (questions, personal data, injections, an outage,"
            " tool calls)")  # fmt: skip
        done = [0]

        def tick(n: int) -> None:
            done[0] += n
            advance(done[0], requests)

        report.traffic = asyncio.run(
            replay(
                gateway.url,
                keys.services["support-assistant"],
                keys.services["order-agent"],
                keys.people["omar"],
                primary,
                total=requests,
                progress=tick,
            )
        )
    finally:
        gateway.stop()


def _organisation_id(db: Database) -> uuid.UUID:
    with db.session() as session:
        return organisation_id(session, organisation.SLUG)


def output_dir(settings: Settings) -> Path:
    """Where the demo writes its outputs."""
    return settings.data_dir / "demo"
