"""API keys through the service and the ``aiattest keys`` CLI, on real SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from aiattest.cli.app import app, main
from aiattest.errors import InputError, NotFoundError
from aiattest.gateway.keys import (
    KEY_PREFIX,
    create_key,
    hash_key,
    list_keys,
    revoke_key,
    rotate_key,
    verify_key,
)
from aiattest.roles import Role
from aiattest.store.models.gateway import ApiKey
from tests.integration.gateway.conftest import migrated_db

runner = CliRunner()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("postgres_url"))


def test_keys_are_stored_hashed_bound_and_revocable(db_url: str) -> None:
    db = migrated_db(db_url, "acme", "other")
    try:
        key, info = create_key(db, principal="svc", role=Role.OPERATOR, tenant="acme")
        assert key.startswith(KEY_PREFIX + info.key_id.removeprefix(KEY_PREFIX) + "_")
        assert len(key) > 50
        with db.session() as session:
            row = session.scalar(select(ApiKey).where(ApiKey.key_id == info.key_id))
            assert row is not None
            assert row.key_hash == hash_key(key)
            assert key not in (row.key_hash, row.key_id, row.name)
        caller = verify_key(db, key)
        assert caller is not None
        assert (caller.tenant, caller.principal, caller.role) == ("acme", "svc", Role.OPERATOR)
        assert verify_key(db, key + "x") is None
        assert verify_key(db, "sk-not-ours") is None
        # Another tenant cannot see, revoke or rotate it.
        assert list_keys(db, tenant="other") == []
        with pytest.raises(NotFoundError):
            revoke_key(db, info.key_id, tenant="other")
        with pytest.raises(NotFoundError):
            rotate_key(db, info.key_id, tenant="other")
        new, new_info = rotate_key(db, info.key_id, tenant="acme")
        assert new_info.rotated_from == info.key_id
        assert verify_key(db, key) is None
        assert verify_key(db, new) is not None
        revoke_key(db, new_info.key_id)
        assert verify_key(db, new) is None
        with pytest.raises(InputError):
            revoke_key(db, new_info.key_id)
        listed = {k.key_id: k for k in list_keys(db, tenant="acme")}
        assert set(listed) == {info.key_id, new_info.key_id}
        assert all(k.revoked_at is not None for k in listed.values())
    finally:
        db.dispose()


def test_cli_create_list_rotate_revoke(tmp_path: Path) -> None:
    env = {"AIATTEST_DATA_DIR": str(tmp_path / "data")}
    assert runner.invoke(app, ["init", "--org", "Acme"], env=env).exit_code == 0
    made = runner.invoke(
        app, ["keys", "create", "--principal", "bob", "--role", "auditor", "--json"], env=env
    )
    assert made.exit_code == 0, made.output
    created = json.loads(made.stdout)
    assert created["key"].startswith("aiat_")
    assert created["role"] == "auditor"
    assert created["tenant"] == "acme"
    listed = json.loads(runner.invoke(app, ["keys", "list", "--json"], env=env).stdout)
    assert [k["key_id"] for k in listed] == [created["key_id"]]
    assert "key" not in listed[0]
    assert created["key"] not in json.dumps(listed)
    rotated = json.loads(
        runner.invoke(app, ["keys", "rotate", created["key_id"], "--json"], env=env).stdout
    )
    assert rotated["rotated_from"] == created["key_id"]
    assert rotated["key"] != created["key"]
    revoked = runner.invoke(app, ["keys", "revoke", rotated["key_id"], "--json"], env=env)
    assert json.loads(revoked.stdout)["revoked_at"] is not None


def test_cli_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AIATTEST_DATA_DIR", str(tmp_path / "data"))
    assert runner.invoke(app, ["init", "--org", "Acme"]).exit_code == 0
    with pytest.raises(SystemExit) as missing:
        main(["keys", "revoke", "aiat_doesnotexist"])
    assert missing.value.code == 2
    with pytest.raises(SystemExit) as wrong_org:
        main(["keys", "create", "--principal", "x", "--role", "admin", "--org", "nope"])
    assert wrong_org.value.code == 2
