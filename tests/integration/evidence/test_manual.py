"""Manual evidence on a real store and ledger: requests per period, content-addressed
uploads that fulfil them, and refusals that store nothing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aiattest.catalog import load_catalog
from aiattest.errors import InputError, NotFoundError
from aiattest.evidence import manual
from aiattest.ledger import EntryKind
from aiattest.store.models.evidence import EvidenceFile
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

CATALOG = load_catalog()
NOW = datetime(2026, 11, 18, 10, tzinfo=UTC)


def test_requests_one_per_manual_control_per_period_idempotent(env: EvidenceEnv) -> None:
    first = manual.request_all(
        env.db, env.settings, CATALOG, env.org, today=NOW.date(),
        owners={"governance-board-oversight": "Dana Board"},
    )  # fmt: skip
    manual_ids = [c.id for c in manual.manual_controls(CATALOG)]
    assert [r["control"] for r in first] == manual_ids
    assert "rbac-separate-roles" not in manual_ids  # automated controls are not asked
    board = next(r for r in first if r["control"] == "governance-board-oversight")
    assert board["owner"] == "Dana Board"
    assert board["period"] == ["2026-10-01", "2026-12-31"]
    assert board["due_on"] == "2026-12-18"  # 30 days by default
    screening = next(r for r in first if r["control"] == "personnel-screening")
    assert screening["owner"] == "people-lead"
    assert screening["period"] == ["2026-11-01", "2026-11-30"]  # per-event: asked monthly
    # Same week (16-22 Nov), so the weekly one too: nothing new.
    again = manual.request_all(env.db, env.settings, CATALOG, env.org, today=date(2026, 11, 22))
    assert again == []
    next_month = manual.request_all(env.db, env.settings, CATALOG, env.org, today=date(2026, 12, 1))
    # Monthly-asked controls get a new request; quarterly and annual ones do not.
    assert "personnel-screening" in [r["control"] for r in next_month]
    assert "governance-board-oversight" not in [r["control"] for r in next_month]
    assert len(manual.list_requests(env.db, env.org, open_only=True)) == len(first) + len(
        next_month
    )


def test_upload_stores_once_ledgers_and_fulfils(env: EvidenceEnv, tmp_path: Path) -> None:
    manual.request_all(env.db, env.settings, CATALOG, env.org, today=NOW.date())
    minutes = tmp_path / "board-minutes-Dana-Board.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes of the Q4 board meeting")
    done = manual.upload(
        env.db, env.ledger, env.settings, CATALOG, env.org,
        manual.Upload("governance-board-oversight", minutes, "Dana Board"), now=NOW,
    )  # fmt: skip
    blob = manual.blob_path(env.settings, done["sha256"])
    assert blob == env.data_dir / "evidence" / done["sha256"][:2] / done["sha256"]
    assert blob.read_bytes() == minutes.read_bytes()
    assert done["covers_from"] == "2026-10-01"  # the control's current period
    assert done["expires_on"] == "2027-11-18"  # 365 days by default
    assert done["media_type"] == "application/pdf"
    assert len(done["fulfilled"]) == 1
    open_now = manual.list_requests(env.db, env.org, open_only=True)
    assert "governance-board-oversight" not in [r["control"] for r in open_now]

    # The ledger entry commits to hash, size and dates; never the file name or uploader.
    entries = list(env.ledger.scan(EntryKind.EVIDENCE))
    assert len(entries) == 1
    raw = entries[0][2]
    assert b"Dana" not in raw
    assert b"board-minutes" not in raw
    payload = json.loads(raw)["payload"]
    assert payload == {
        "control": "governance-board-oversight", "sha256": done["sha256"],
        "size": len(minutes.read_bytes()), "media_type": "application/pdf",
        "covers_from": "2026-10-01", "expires_on": "2027-11-18",
    }  # fmt: skip
    assert entries[0][0] == done["ledger_index"]

    # The same bytes again (another control, other name): one blob, two rows.
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(minutes.read_bytes())
    manual.upload(
        env.db, env.ledger, env.settings, CATALOG, env.org,
        manual.Upload("risk-assessment", copy, "Dana Board", covers_from=date(2026, 1, 1),
                      expires_on=date(2026, 12, 31)), now=NOW,
    )  # fmt: skip
    blobs = [p for p in (env.data_dir / "evidence").rglob("*") if p.is_file()]
    assert [p.name for p in blobs if not p.name.endswith(".lock")] == [done["sha256"]]
    files = manual.list_files(env.db, env.org)
    assert {f["control"] for f in files} == {"governance-board-oversight", "risk-assessment"}


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("control", "content", "options", "error", "match"),
    [
        ("no-such-control", b"x", {}, NotFoundError, "no control"),
        ("risk-assessment", None, {}, InputError, "is not a file"),
        ("risk-assessment", b"", {}, InputError, "is empty"),
        ("risk-assessment", b"x", {"covers_from": date(2026, 6, 1),
                                   "expires_on": date(2026, 5, 31)}, InputError, "expires"),
    ],
)  # fmt: skip
def test_refusals_store_nothing(  # noqa: PLR0917 (parametrised cases)
    env: EvidenceEnv,
    tmp_path: Path,
    control: str,
    content: bytes | None,
    options: dict[str, date],
    error: type[Exception],
    match: str,
) -> None:
    path = tmp_path / "evidence.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=match):
        manual.upload(
            env.db, env.ledger, env.settings, CATALOG, env.org,
            manual.Upload(control, path, "Dana", **options), now=NOW,
        )  # fmt: skip
    with env.db.session() as session:
        assert session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
    assert list(env.ledger.scan(EntryKind.EVIDENCE)) == []
    store = env.data_dir / "evidence"
    assert not store.exists() or [p for p in store.rglob("*") if p.is_file()] == []
