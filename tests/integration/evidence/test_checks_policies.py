"""policies-approved-acknowledged over the policy register and acknowledgements, written
through ``apply`` and the policy service."""

from __future__ import annotations

from datetime import datetime, timedelta

from aiattest.assess import Outcome, Period
from aiattest.evidence.checks.policies import PoliciesApprovedAcknowledged
from aiattest.gateway.keys import create_key
from aiattest.roles import Role
from tests.integration.evidence.builders_registers import (
    acknowledge,
    apply,
    as_of,
    days_before,
    person,
    policy,
)
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

CHECK = PoliciesApprovedAcknowledged()


def _quarter(at: datetime) -> Period:
    return Period(days_before(at, 80), at.date())


def _people(env: EvidenceEnv) -> None:
    person(env, "alice")
    person(env, "bob")
    person(env, "carol", active=False)  # left: need not acknowledge
    # A service principal (an API key's holder) is not a person.
    create_key(env.db, principal="ci-bot", role=Role.CONSUMER, tenant="acme")


@SQLITE_ONLY
def test_approved_current_and_acknowledged_passes(env: EvidenceEnv) -> None:
    at = as_of()
    _people(env)
    apply(
        env,
        policies=[
            policy("ai-acceptable-use", days_before(at, 30)),
            policy("encryption", days_before(at, 300), version="2.1"),
            policy("old-policy", days_before(at, 900), status="retired"),  # not in force
        ],
    )
    for name in ("ai-acceptable-use", "encryption"):
        for who in ("alice", "bob"):
            acknowledge(env, name, who, at - timedelta(minutes=5))
    result = CHECK.run(env.context(at), _quarter(at))
    assert result.status is Outcome.PASS, result.items
    assert [(i.ref, i.kind, i.ok) for i in result.items] == [
        ("ai-acceptable-use", "policy", True),
        ("encryption", "policy", True),
    ]
    assert result.items[1].note == (
        f"v2.1 approved {days_before(at, 300).isoformat()}; acknowledged by all 2 active people"
    )


@SQLITE_ONLY
def test_drafts_stale_reviews_and_missing_acknowledgements_fail(env: EvidenceEnv) -> None:
    at = as_of()
    _people(env)
    apply(
        env,
        policies=[
            policy("ai-acceptable-use", days_before(at, 30)),
            policy("responsible-ai", None),
            policy("encryption", days_before(at, 400)),
        ],
    )
    acknowledge(env, "ai-acceptable-use", "alice", at - timedelta(minutes=5))
    # Acknowledged only after the as-of time: does not count yet.
    acknowledge(env, "ai-acceptable-use", "bob", at + timedelta(minutes=5))
    for who in ("alice", "bob"):
        acknowledge(env, "encryption", who, at - timedelta(minutes=5))
    result = CHECK.run(env.context(at), _quarter(at))
    assert result.status is Outcome.FAIL
    notes = {i.ref: i.note for i in result.items}
    assert notes == {
        "ai-acceptable-use": "1 of 2 active people have not acknowledged v1.0",
        "encryption": f"last reviewed {days_before(at, 400).isoformat()}, over a year ago",
        "responsible-ai": "not approved (status draft); "
        "2 of 2 active people have not acknowledged v1.0",
    }
    assert result.summary == "3 of 3 policies failed"
    # No names in the evidence: counts only.
    assert not any(who in i.note for i in result.items for who in ("alice", "bob"))
    later = CHECK.run(env.context(at + timedelta(minutes=10)), _quarter(at))
    assert next(i for i in later.items if i.ref == "ai-acceptable-use").ok


@SQLITE_ONLY
def test_a_new_version_needs_fresh_acknowledgements(env: EvidenceEnv) -> None:
    at = as_of()
    person(env, "alice")
    apply(env, policies=[policy("encryption", days_before(at, 60))])
    acknowledge(env, "encryption", "alice", at - timedelta(minutes=5))
    assert CHECK.run(env.context(at), _quarter(at)).status is Outcome.PASS
    apply(env, policies=[policy("encryption", days_before(at, 1), version="1.1")])
    result = CHECK.run(env.context(at), _quarter(at))
    assert result.status is Outcome.FAIL
    assert result.items[0].note == "1 of 1 active people have not acknowledged v1.1"


@SQLITE_ONLY
def test_no_policies_in_force_fails(env: EvidenceEnv) -> None:
    at = as_of()
    assert CHECK.run(env.context(at), _quarter(at)).summary == "no policies in force"
    apply(env, policies=[policy("old-policy", days_before(at, 10), status="retired")])
    result = CHECK.run(env.context(at), _quarter(at))
    assert (result.status, result.summary) == (Outcome.FAIL, "no policies in force")


@SQLITE_ONLY
def test_without_people_acknowledgements_cannot_be_assessed(env: EvidenceEnv) -> None:
    at = as_of()
    apply(env, policies=[policy("encryption", days_before(at, 10))])
    result = CHECK.run(env.context(at), _quarter(at))
    assert result.status is Outcome.EXCEPTION
    assert result.summary == "no active people recorded: policy acknowledgements cannot be assessed"
    assert result.items[0].note.endswith("no active people recorded to acknowledge it")
    # An unapproved policy is a failure whether or not anyone is on the roster.
    apply(env, policies=[policy("draft-one", None)])
    assert CHECK.run(env.context(at), _quarter(at)).status is Outcome.FAIL
