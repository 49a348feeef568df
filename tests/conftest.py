"""Shared fixtures: real PostgreSQL and Redis, skipped when absent unless CI requires them.

With ``AIATTEST_REQUIRE_SERVICES=1`` (set by ``.ci/run``) a missing service fails the test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

POSTGRES_ADMIN_URL = os.environ.get(
    "AIATTEST_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_TEST_URL = os.environ.get("AIATTEST_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _require_services() -> bool:
    return os.environ.get("AIATTEST_REQUIRE_SERVICES") == "1"


def service_missing(what: str, reason: object) -> None:
    """Fail (CI) or skip (a laptop without the service) a test that needs ``what``."""
    message = f"{what} is not reachable: {reason}"
    if _require_services():
        pytest.fail(message + " (AIATTEST_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database of its own, dropped after the test."""
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aiattest_t_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as e:
        admin.dispose()
        service_missing("PostgreSQL", e.orig)
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def redis_url() -> str:
    """The Redis test server's URL; tests use key prefixes of their own."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        client.ping()
    except redis.RedisError as e:
        service_missing("Redis", e)
    finally:
        client.close()
    return REDIS_TEST_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file of its own."""
    return f"sqlite:///{(tmp_path / 'aiattest.db').as_posix()}"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's AIATTEST_* settings or a stray ./aiattest.toml."""
    for key in list(os.environ):
        if key.startswith("AIATTEST_") and key not in {
            "AIATTEST_REQUIRE_SERVICES",
            "AIATTEST_TEST_POSTGRES_URL",
            "AIATTEST_TEST_REDIS_URL",
        }:
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
