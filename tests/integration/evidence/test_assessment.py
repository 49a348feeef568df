"""The assessment read from a real store: check results collected by the real runner (with
days left out: holes), results stored through the runner's storage path, uploads and
requests through the manual evidence service, and policies through the policy register."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from aiattest.assess import AssessmentType, Outcome, Period, Window
from aiattest.catalog import Catalog, load_catalog
from aiattest.evidence import manual, runner
from aiattest.evidence.assessment import assess_organisation, assessment_json
from aiattest.evidence.interface import CheckResult, Item
from aiattest.governance import registers
from aiattest.governance.schemas import PolicySpec
from tests.integration.evidence.conftest import EvidenceEnv

START = date(2026, 6, 1)
WINDOW = Window(START, START + timedelta(days=5))  # 1..6 June
AS_OF = date(2026, 6, 10)
NOW = datetime.combine(AS_OF, time(9), tzinfo=UTC)


def day(n: int) -> date:
    return START + timedelta(days=n)


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog()


def collect_days(env: EvidenceEnv, catalog: Catalog, control: str, days: list[int]) -> None:
    """Run the control's checks with the real runner for each of ``days`` (others: holes)."""
    for n in days:
        runner.collect_window(env.db, env.ledger, env.settings, catalog, env.org,
                              Window(day(n), day(n)), controls=[control], now=NOW)  # fmt: skip


def store_result(env: EvidenceEnv, control: str, check: str, result: CheckResult) -> None:
    """Store a result the way the runner does (ledger entry first, then the indexed row)."""
    as_of = datetime.combine(result.period.end + timedelta(days=1), time.min, tzinfo=UTC)
    job = runner._Job(check, result.period, as_of, (control,))
    runner._store(env.db, env.ledger, env.org, [(job, result)])


def upload(env: EvidenceEnv, catalog: Catalog, control: str, covers: tuple[date, date], *,
           at: date, tmp_path: Path) -> None:  # fmt: skip
    """Upload an artefact through the manual evidence service on day ``at``."""
    path = tmp_path / f"{control}-{covers[0]}.txt"
    path.write_text(f"evidence for {control} from {covers[0]}\n")
    manual.upload(env.db, env.ledger, env.settings, catalog, env.org,
                  manual.Upload(control, path, "owner", covers[0], covers[1]),
                  now=datetime.combine(at, time(8), tzinfo=UTC))  # fmt: skip


def approve(env: EvidenceEnv, name: str, on: date, status: str = "approved") -> None:
    """Declare policy ``name`` in the register (approved on ``on`` unless a draft)."""
    spec = PolicySpec(name=name, title=name, version="1", status=status, owner="ciso",
                      approved_by="ceo" if status == "approved" else None,
                      approved_on=on if status == "approved" else None)  # fmt: skip
    with env.db.session() as session:
        registers.declare(session, registers.REGISTERS["policies"], env.org, spec, "ciso")


def test_type_two_lists_holes_and_failures_with_dates(
    env: EvidenceEnv, catalog: Catalog, tmp_path: Path
) -> None:
    # Automated, continuous: the real runner on days 1, 2, 4 and 6 only (3 and 5 missing).
    collect_days(env, catalog, "encryption-transit-rest", [0, 1, 3, 5])
    # Manual, daily: an upload covering 1..3 June.
    upload(env, catalog, "data-backups", (day(0), day(2)), at=day(0), tmp_path=tmp_path)
    # Per-event: one dated change passed on the 2nd, one failed on the 4th.
    items = (
        Item("change-1", "change", True, datetime.combine(day(1), time(10), tzinfo=UTC)),
        Item("change-2", "change", False, datetime.combine(day(3), time(11), tzinfo=UTC)),
    )
    result = CheckResult("changes-approved", Outcome.FAIL, "1 of 2 failed",
                         Period(day(0), day(5)), items)  # fmt: skip
    store_result(env, "software-change-management", "changes-approved", result)
    approve(env, "encryption", date(2026, 5, 1))

    found = assess_organisation(
        env.db, catalog, env.org, kind=AssessmentType.TYPE_2, as_of=AS_OF, window=WINDOW
    )
    by_id = {c.control_id: c for c in found.controls}
    encryption = by_id["encryption-transit-rest"]
    assert encryption.operation is not None
    assert encryption.design.operated, "the real runner's results pass with default settings"
    assert encryption.design.policy_linked
    assert [p.period.label for p in encryption.operation.exceptions] == [
        "2026-06-03",
        "2026-06-05",
    ]
    assert all(p.outcome is None for p in encryption.operation.exceptions)  # holes, not fails
    assert encryption.score == pytest.approx(0.4 * 1.0 + 0.6 * 4 / 6)

    backups = by_id["data-backups"].operation
    assert backups is not None
    assert [p.outcome for p in backups.periods] == [Outcome.PASS] * 3 + [None] * 3

    changes = by_id["software-change-management"].operation
    assert changes is not None
    assert [(p.period.label, p.outcome) for p in changes.periods] == [
        ("2026-06-02", Outcome.PASS),
        ("2026-06-04", Outcome.FAIL),
    ]
    gap = next(g for g in found.gaps if g.control_id == "encryption-transit-rest")
    assert gap.exceptions == ("2026-06-03", "2026-06-05")
    assert "2 of 6 periods without passing evidence" in gap.reasons[0]
    data = assessment_json(found)
    assert data["window"] == ["2026-06-01", "2026-06-06"]
    control = next(c for c in data["controls"] if c["control_id"] == "encryption-transit-rest")
    assert [e["period"] for e in control["operation"]["exceptions"]] == [
        "2026-06-03",
        "2026-06-05",
    ]


def test_type_one_reads_everything_as_of_the_day(
    env: EvidenceEnv, catalog: Catalog, tmp_path: Path
) -> None:
    collect_days(env, catalog, "encryption-transit-rest", [0])
    upload(env, catalog, "data-backups", (day(0), day(20)), at=day(0), tmp_path=tmp_path)
    expired = (date(2025, 1, 1), date(2026, 5, 31))
    upload(env, catalog, "privacy-notice", expired, at=day(0), tmp_path=tmp_path)
    manual.request_all(env.db, env.settings, catalog, env.org, today=day(0))
    approve(env, "encryption", date(2026, 5, 1))
    approve(env, "vendor-management", date(2026, 7, 1))  # approved after the day
    approve(env, "retention-deletion", date(2026, 5, 1), status="draft")

    found = assess_organisation(env.db, catalog, env.org, kind=AssessmentType.TYPE_1, as_of=AS_OF)
    assert found.organisation == "acme"
    by_id = {c.control_id: c.design for c in found.controls}
    assert by_id["encryption-transit-rest"].score == 1.0
    assert by_id["data-backups"].operated  # valid upload
    assert by_id["data-backups"].policy_linked  # the encryption policy covers backups
    assert by_id["privacy-notice"].evidence_defined
    assert not by_id["privacy-notice"].operated  # its upload expired on 31 May
    assert by_id["breach-notification"].evidence_defined  # requested, nothing uploaded
    assert not by_id["breach-notification"].operated
    assert not by_id["vendor-risk-management"].policy_linked  # approved later
    assert not by_id["data-retention-disposal"].policy_linked  # still a draft
    assert all(c.operation is None for c in found.controls)
    # Before anything was collected or uploaded, nothing had operated.
    earlier = assess_organisation(
        env.db, catalog, env.org, kind=AssessmentType.TYPE_1, as_of=date(2026, 5, 20)
    )
    assert not any(c.design.operated for c in earlier.controls)
    assert earlier.overall < found.overall
