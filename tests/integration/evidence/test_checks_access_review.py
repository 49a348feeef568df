"""The quarterly access review check over campaigns opened, decided and closed through the
access review service (closing times are explicit, so these tests use fixed dates)."""

from __future__ import annotations

from datetime import date

from aiattest.assess import Outcome, Period
from aiattest.evidence.checks.access_review import AccessReviewQuarterly, quarters
from aiattest.roles import Role
from tests.integration.evidence.builders_governance import key, review, utc
from tests.integration.evidence.conftest import EvidenceEnv, day
from tests.integration.governance.conftest import SQLITE_ONLY

CHECK = AccessReviewQuarterly()


def _subjects(env: EvidenceEnv) -> None:
    key(env, "support-bot", Role.CONSUMER)
    key(env, "leaver", Role.OPERATOR)


@SQLITE_ONLY
def test_a_review_closed_in_the_quarter_passes(env: EvidenceEnv) -> None:
    _subjects(env)
    review(env, "2026-Q4", closed_at="2026-11-10T15:00", revoke=("leaver",))

    result = CHECK.run(env.context(utc("2026-11-20T23:00")), day("2026-11-20"))

    assert result.status is Outcome.PASS
    assert result.summary == "1 access review(s) closed in 2026-Q4"
    (item,) = result.items
    assert (item.ref, item.kind, item.ok) == ("2026-Q4", "access-review", True)
    assert item.at == utc("2026-11-10T15:00")
    # Two principals and their two keys were reviewed; the leaver's principal was revoked.
    assert item.note == "4 subject(s) reviewed, 1 revoked"


@SQLITE_ONLY
def test_no_review_in_the_quarter_fails(env: EvidenceEnv) -> None:
    _subjects(env)
    # Closed in the third quarter: evidence for that quarter, not for the fourth.
    review(env, "2026-Q3", closed_at="2026-09-25T15:00")

    result = CHECK.run(env.context(utc("2026-12-31T23:00")), day("2026-12-31"))

    assert result.status is Outcome.FAIL
    assert result.summary == "no access review closed in 2026-Q4 as of 2026-12-31"
    assert result.items == ()


@SQLITE_ONLY
def test_a_review_closed_after_the_run_time_is_not_yet_evidence(env: EvidenceEnv) -> None:
    _subjects(env)
    review(env, "2026-Q4", closed_at="2026-11-10T15:00")

    early = CHECK.run(env.context(utc("2026-11-05T12:00")), day("2026-11-05"))
    assert early.status is Outcome.FAIL
    assert early.summary == "no access review closed in 2026-Q4 as of 2026-11-05"
    later = CHECK.run(env.context(utc("2026-11-10T16:00")), day("2026-11-10"))
    assert later.status is Outcome.PASS


@SQLITE_ONLY
def test_a_window_needs_a_review_in_every_quarter_it_touches(env: EvidenceEnv) -> None:
    _subjects(env)
    review(env, "2026-Q4", closed_at="2026-10-20T15:00")
    half = Period(date(2026, 7, 1), date(2026, 12, 31))
    context = env.context(utc("2027-01-01T00:00"))

    missing = CHECK.run(context, half)
    assert missing.status is Outcome.FAIL
    assert missing.summary == "no access review closed in 2026-Q3 as of 2027-01-01"
    # The reviews that do exist are still listed, so the population stays complete.
    assert [i.ref for i in missing.items] == ["2026-Q4"]

    review(env, "2026-Q3", closed_at="2026-09-25T15:00")
    both = CHECK.run(context, half)
    assert both.status is Outcome.PASS
    assert [i.ref for i in both.items] == ["2026-Q3", "2026-Q4"]


def test_quarters_cover_whole_calendar_quarters() -> None:
    assert quarters(Period(date(2026, 2, 10), date(2026, 4, 1))) == [
        Period(date(2026, 1, 1), date(2026, 3, 31)),
        Period(date(2026, 4, 1), date(2026, 6, 30)),
    ]
