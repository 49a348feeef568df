"""The API key checks over keys made, rotated and revoked through the gateway's key store.

The key store stamps creation and revocation with the current time, so these tests choose
``at`` relative to now (a key "100 days old" is a key read 100 days from now)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiattest.assess import Outcome, Period
from aiattest.config.evidence import EvidenceSettings
from aiattest.evidence.checks.keys import ApiKeyRoles, ApiKeyRotation
from aiattest.gateway.keys import revoke_key, rotate_key
from aiattest.roles import Role
from aiattest.store.models import Principal, PrincipalRole
from tests.integration.evidence.builders_governance import key, review
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY


def _period(at: datetime) -> Period:
    return Period(at.date(), at.date())


def test_rotation_passes_for_young_keys_and_skips_revoked_ones(env: EvidenceEnv) -> None:
    # Runs on PostgreSQL too: the as-of comparisons are done on stored aware times.
    before = datetime.now(UTC) - timedelta(minutes=1)
    first = key(env, "support-bot", Role.CONSUMER)
    _, rotated = rotate_key(env.db, first.key_id, tenant="acme")
    gone = key(env, "batch-job", Role.OPERATOR)
    revoke_key(env.db, gone.key_id, tenant="acme")
    at = datetime.now(UTC) + timedelta(days=30)

    result = ApiKeyRotation().run(env.context(at), _period(at))

    assert result.status is Outcome.PASS
    assert [i.ref for i in result.items] == [rotated.key_id]
    assert result.items[0].kind == "api-key"
    assert f"rotated from {first.key_id}" in result.items[0].note
    assert result.items[0].note.startswith("age 30.0 days")
    # As of a time before any key existed there is nothing to examine.
    earlier = ApiKeyRotation().run(env.context(before), _period(before))
    assert earlier.status is Outcome.PASS
    assert earlier.items == ()
    assert earlier.summary == "no active API keys"


@SQLITE_ONLY
def test_rotation_fails_for_keys_older_than_the_setting(env: EvidenceEnv) -> None:
    old = key(env, "support-bot", Role.CONSUMER)
    at = datetime.now(UTC) + timedelta(days=91)

    result = ApiKeyRotation().run(env.context(at), _period(at))

    assert result.status is Outcome.FAIL
    assert result.failures[0].ref == old.key_id
    assert "older than 90 days" in result.failures[0].note
    assert result.summary == "1 of 1 api-key failed"
    # A longer rotation period set in the settings lets the same key pass.
    lenient = env.with_settings(evidence=EvidenceSettings(key_rotation_days=120))
    assert ApiKeyRotation().run(env.context(at, lenient), _period(at)).status is Outcome.PASS


@SQLITE_ONLY
def test_roles_pass_for_active_principals_with_their_roles(env: EvidenceEnv) -> None:
    key(env, "support-bot", Role.CONSUMER)
    key(env, "evidence-reader", Role.AUDITOR)
    at = datetime.now(UTC) + timedelta(hours=1)

    result = ApiKeyRoles().run(env.context(at), _period(at))

    assert result.status is Outcome.PASS
    assert len(result.items) == 2
    assert sorted(i.note for i in result.items) == [
        "role auditor, principal active",
        "role consumer, principal active",
    ]


@SQLITE_ONLY
def test_roles_fail_for_a_key_of_a_principal_deactivated_by_an_access_review(
    env: EvidenceEnv,
) -> None:
    kept = key(env, "support-bot", Role.CONSUMER)
    orphan = key(env, "leaver", Role.OPERATOR)
    closed = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=2)
    # The review deactivates the principal but keeps its key: the key outlives its owner.
    review(env, "2026-Q4", closed_at=closed.strftime("%Y-%m-%dT%H:%M:%S"), revoke=("leaver",))

    after = closed + timedelta(hours=1)
    result = ApiKeyRoles().run(env.context(after), _period(after))
    assert result.status is Outcome.FAIL
    assert [i.ref for i in result.failures] == [orphan.key_id]
    assert "its principal is deactivated" in result.failures[0].note
    assert {i.ref for i in result.items} == {kept.key_id, orphan.key_id}

    # As of an hour before the review closed, the principal was still active.
    before = closed - timedelta(hours=1)
    assert ApiKeyRoles().run(env.context(before), _period(before)).status is Outcome.PASS


@SQLITE_ONLY
def test_roles_fail_for_a_write_key_of_an_auditor_only_principal(env: EvidenceEnv) -> None:
    key(env, "evidence-reader", Role.AUDITOR)
    write = key(env, "evidence-reader", Role.OPERATOR)
    # No service manages principals' roles yet; the directory sync that would remove the
    # operator role is simulated by deleting the role row, leaving the operator key behind.
    with env.db.session() as session:
        principal = session.query(Principal).filter_by(name="evidence-reader").one()
        principal.roles = [r for r in principal.roles if r.role != Role.OPERATOR.value]
        assert [r.role for r in principal.roles] == [Role.AUDITOR.value]
        assert isinstance(principal.roles[0], PrincipalRole)
    at = datetime.now(UTC) + timedelta(hours=1)

    result = ApiKeyRoles().run(env.context(at), _period(at))

    assert result.status is Outcome.FAIL
    assert [i.ref for i in result.failures] == [write.key_id]
    assert result.failures[0].note == (
        "its principal holds only the auditor role, the key has write role operator"
    )
