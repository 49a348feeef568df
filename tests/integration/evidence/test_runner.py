"""The runner on a real store and ledger: one ledger entry per check run, one indexed row
per control, back-fills per period, and nothing stored when a named check is missing."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from aiattest.assess import Window
from aiattest.catalog import load_catalog
from aiattest.errors import NotFoundError
from aiattest.evidence import runner
from aiattest.gateway.keys import create_key
from aiattest.ledger import EntryKind
from aiattest.roles import Role
from aiattest.store.models.evidence import CheckResultRow
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

CATALOG = load_catalog()
AT = datetime(2026, 11, 18, 12, tzinfo=UTC)


def test_collect_ledgers_each_run_and_indexes_each_control(env: EvidenceEnv) -> None:
    create_key(env.db, principal="svc", role=Role.CONSUMER, tenant="acme")
    seen: list[tuple[int, int, str]] = []
    done = runner.collect(
        env.db, env.ledger, env.settings, CATALOG, env.org, at=AT,
        controls=["rbac-separate-roles", "secrets-management"],
        progress=lambda n, total, check: seen.append((n, total, check)),
    )  # fmt: skip
    by_check = {c.result.check_id: c for c in done}
    # api-key-rotation serves both controls (same period): one run, two indexed rows.
    assert by_check["api-key-rotation"].controls == ("rbac-separate-roles", "secrets-management")
    assert [n for n, _, _ in seen] == list(range(1, len(done) + 1))
    assert {total for _, total, _ in seen} == {len(done)}
    entries = list(env.ledger.scan(EntryKind.CONTROL_RESULT))
    assert len(entries) == len(done)
    with env.db.session() as session:
        rows = list(session.scalars(select(CheckResultRow)))
    assert len(rows) == sum(len(c.controls) for c in done)
    bodies = {index: json.loads(body) for index, _, body in entries}
    for row in rows:
        payload = bodies[row.ledger_index]["payload"]
        assert payload["check"] == row.check_id
        assert row.control_id in payload["controls"]
        # The row's items are what the ledger committed to.
        assert payload["items_sha256"] == runner.items_digest(row.items) == row.items_sha256
        assert (row.period_start, row.period_end) == (AT.date(), AT.date())


@SQLITE_ONLY
def test_collect_window_runs_each_period_as_of_its_end(env: EvidenceEnv) -> None:
    window = Window(date(2026, 9, 28), date(2026, 11, 18))
    done = runner.collect_window(
        env.db, env.ledger, env.settings, CATALOG, env.org, window,
        controls=["access-reviews"], now=AT,
    )  # fmt: skip
    # A quarterly control: the end of Q3 (clipped to the window) and Q4 so far.
    assert [(c.result.period.start, c.result.period.end, c.as_of) for c in done] == [
        (date(2026, 9, 28), date(2026, 9, 30), datetime(2026, 10, 1, tzinfo=UTC)),
        (date(2026, 10, 1), date(2026, 11, 18), AT),
    ]


@SQLITE_ONLY
def test_a_check_the_registry_lacks_stops_the_run(env: EvidenceEnv, tmp_path: Path) -> None:
    control = CATALOG.control("rbac-separate-roles").model_dump(mode="json")
    control["checks"] = ["api-key-roles", "no-such-check"]
    user = tmp_path / "catalog"
    user.mkdir()
    (user / "controls.yaml").write_text(yaml.safe_dump({"controls": [control]}))
    catalog = load_catalog(user)
    with pytest.raises(NotFoundError, match="no-such-check"):
        runner.collect(env.db, env.ledger, env.settings, catalog, env.org, at=AT,
                       controls=["rbac-separate-roles"])  # fmt: skip
    # Nothing is skipped silently, and nothing half-done is stored.
    assert list(env.ledger.scan(EntryKind.CONTROL_RESULT)) == []
    with env.db.session() as session:
        assert session.scalar(select(func.count()).select_from(CheckResultRow)) == 0
