"""Access review campaigns over the organisation's principals: decisions with segregation of
duties, closing applies the revocations, every step ledgered."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime

import pytest

from aiattest.errors import ConflictError, InputError
from aiattest.governance import access_reviews as ar
from aiattest.governance.unit import unit_of_work
from aiattest.store import Database
from aiattest.store.models import Principal, PrincipalRole
from tests.integration.governance.conftest import ListRecorder

AT = datetime(2026, 11, 3, 9, tzinfo=UTC)
DIRECTORY = ar.PrincipalDirectory()


def _people(db: Database, org: uuid.UUID) -> None:
    with db.session() as session:
        for name, role in (("ana", "admin"), ("bo", "operator"), ("cy", "model-developer")):
            p = Principal(id=uuid.uuid4(), organisation_id=org, kind="person", name=name)
            p.roles.append(PrincipalRole(role=role))
            session.add(p)


def test_campaign(db: Database, org: uuid.UUID, recorder: ListRecorder) -> None:
    _people(db, org)
    with unit_of_work(db, recorder) as (session, journal):
        review, change = ar.open_review(
            session,
            org,
            "2026-Q4",
            reviewer="ana",
            actor="ana",
            directories=[DIRECTORY],
            system="support-assistant",
        )
        journal.add(change)
        assert [(i["subject"], i["roles"]) for i in ar.view(review)["items"]] == [
            ("ana", ["admin"]),
            ("bo", ["operator"]),
            ("cy", ["model-developer"]),
        ]
    with db.session() as session:
        with pytest.raises(ConflictError, match="cannot review their own access"):
            ar.decide(
                session,
                org,
                "2026-Q4",
                kind="principal",
                subject="ana",
                decision="keep",
                reviewer="ana",
                at=AT,
            )
        with pytest.raises(ConflictError, match="bo is not the reviewer"):
            ar.decide(
                session,
                org,
                "2026-Q4",
                kind="principal",
                subject="cy",
                decision="keep",
                reviewer="bo",
                at=AT,
            )
        with pytest.raises(InputError, match="needs a reason"):
            ar.decide(
                session,
                org,
                "2026-Q4",
                kind="principal",
                subject="cy",
                decision="revoke",
                reviewer="ana",
                at=AT,
            )
    with unit_of_work(db, recorder) as (session, journal):
        journal.add(
            ar.decide(
                session,
                org,
                "2026-Q4",
                kind="principal",
                subject="bo",
                decision="keep",
                reviewer="ana",
                at=AT,
            )
        )
        journal.add(
            ar.decide(
                session,
                org,
                "2026-Q4",
                kind="principal",
                subject="cy",
                decision="revoke",
                reviewer="ana",
                at=AT,
                reason="left the team",
            )
        )
    with db.session() as session, pytest.raises(ConflictError, match="1 undecided"):
        ar.close_review(
            session, org, "2026-Q4", actor="ana", directories={"principal": DIRECTORY}, at=AT
        )
    # The reviewer's own access is decided by someone else.
    with unit_of_work(db, recorder) as (session, journal):
        journal.add(
            ar.decide(
                session,
                org,
                "2026-Q4",
                kind="principal",
                subject="ana",
                decision="keep",
                reviewer="ceo",
                at=AT,
            )
        )
        journal.add(
            ar.close_review(
                session, org, "2026-Q4", actor="ana", directories={"principal": DIRECTORY}, at=AT
            )
        )
    with db.session() as session:
        closed = ar.view(ar.get_review(session, org, "2026-Q4"))
        active = {s.subject for s in DIRECTORY.subjects(session, org)}
        with pytest.raises(ConflictError, match="is closed"):
            ar.decide(
                session,
                org,
                "2026-Q4",
                kind="principal",
                subject="bo",
                decision="keep",
                reviewer="ana",
                at=AT,
            )
    assert closed["status"] == "closed"
    assert [(i["subject"], i["applied"]) for i in closed["items"]] == [
        ("ana", False),
        ("bo", False),
        ("cy", True),
    ]
    assert active == {"ana", "bo"}
    assert [c.action for c in recorder.changes] == ["create", "decide", "decide", "decide", "close"]
    for prev, cur in itertools.pairwise(recorder.changes):
        assert cur.before_hash == prev.after_hash
