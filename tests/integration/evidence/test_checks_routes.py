"""Checks over the gateway's configuration: fallback chains, route protection, encryption
and retention, against real settings, real policy files and the real retention store."""

from __future__ import annotations

import base64
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiattest.assess import Outcome
from aiattest.config.gateway import (
    GatewaySettings,
    ProviderSettings,
    RetentionSettings,
    RouteSettings,
    RouteTarget,
)
from aiattest.config.guard import GuardSettings
from aiattest.evidence.checks.routes import (
    EncryptionConfig,
    GatewayFallbackChain,
    GatewayRouteProtection,
    RetentionZeroOrEncrypted,
)
from aiattest.gateway.retention import RetentionStore, purge
from tests.integration.evidence.conftest import EvidenceEnv, day
from tests.integration.governance.conftest import SQLITE_ONLY

AT = datetime(2026, 6, 15, 12, tzinfo=UTC)
PERIOD = day("2026-06-15")
DEFAULT_POLICY = Path(__file__).parents[3] / "src/aiattest/guard/policies/default.yaml"


def provider(name: str, url: str = "", kind: str = "openai") -> ProviderSettings:
    return ProviderSettings(
        name=name,
        kind=kind,
        base_url=url or f"https://{name}.example.com/v1",
    )


def route(alias: str, *providers: str, kind: str = "chat") -> RouteSettings:
    return RouteSettings(
        alias=alias,
        targets=tuple(RouteTarget(provider=p) for p in providers),
        kind=kind,
    )


def two_provider_gateway(**extra: object) -> GatewaySettings:
    return GatewaySettings(
        providers=(provider("a"), provider("b")),
        routes=(route("chat", "a", "b"), route("embed", "a", kind="embeddings")),
        **extra,
    )


@SQLITE_ONLY
def test_fallback_chain_passes_with_two_real_providers_per_chat_route(env: EvidenceEnv) -> None:
    settings = env.with_settings(gateway=two_provider_gateway())
    result = GatewayFallbackChain().run(env.context(AT, settings), PERIOD)
    assert result.status is Outcome.PASS
    # Embeddings routes have no chat fallback chain to judge.
    assert [(i.ref, i.ok) for i in result.items] == [("chat", True)]
    assert result.items[0].note == "2 distinct provider(s): a, b"


@SQLITE_ONLY
def test_fallback_chain_fails_a_route_whose_second_step_is_rules_or_the_same_provider(
    env: EvidenceEnv,
) -> None:
    gateway = GatewaySettings(
        providers=(provider("a"), provider("b"), ProviderSettings(name="canned", kind="rules")),
        routes=(route("ok", "a", "b"), route("rules", "a", "canned"), route("twice", "b", "b")),
    )
    result = GatewayFallbackChain().run(env.context(AT, env.with_settings(gateway=gateway)), PERIOD)
    assert result.status is Outcome.FAIL
    assert {i.ref: i.ok for i in result.items} == {"ok": True, "rules": False, "twice": False}
    assert result.summary == "2 of 3 route failed"
    none = GatewayFallbackChain().run(env.context(AT), PERIOD)
    assert (none.status, none.summary) == (Outcome.FAIL, "no gateway routes configured")


@SQLITE_ONLY
def test_route_protection_passes_with_limits_and_the_shipped_policy(env: EvidenceEnv) -> None:
    settings = env.with_settings(gateway=two_provider_gateway())
    result = GatewayRouteProtection().run(env.context(AT, settings), PERIOD)
    assert result.status is Outcome.PASS, result.items
    assert [i.ref for i in result.items] == ["chat", "embed"]


@SQLITE_ONLY
def test_route_protection_fails_without_limits_or_input_scanning(
    env: EvidenceEnv, tmp_path: Path
) -> None:
    # A policy whose override for "raw*" routes drops the injection and PII input scans.
    text = DEFAULT_POLICY.read_text() + (
        "overrides:\n  - when: {route: 'raw*'}\n    input:\n      - scanner: secrets\n"
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(text)
    gateway = GatewaySettings(
        providers=(provider("a"), provider("b")),
        routes=(route("chat", "a", "b"), route("raw-chat", "a", "b")),
    )
    settings = env.with_settings(gateway=gateway, guard=GuardSettings(policy_path=policy))
    result = GatewayRouteProtection().run(env.context(AT, settings), PERIOD)
    assert {i.ref: i.ok for i in result.items} == {"chat": True, "raw-chat": False}
    assert "runs no injection scan" in result.items[1].note
    assert "runs no pii scan" in result.items[1].note
    unlimited = env.with_settings(gateway=two_provider_gateway(tenant_tokens_per_min=None))
    result = GatewayRouteProtection().run(env.context(AT, unlimited), PERIOD)
    assert result.status is Outcome.FAIL
    assert all(i.note == "no tenant tokens limit" for i in result.items)


@SQLITE_ONLY
def test_encryption_passes_for_tls_upstreams_loopback_and_sqlite(env: EvidenceEnv) -> None:
    gateway = GatewaySettings(
        providers=(provider("cloud"), provider("local", "http://127.0.0.1:8000/v1")),
        routes=(route("chat", "cloud", "local"),),
    )
    settings = env.with_settings(
        gateway=gateway,
        database_url="postgresql+psycopg://app@db.internal:5432/aiattest?sslmode=verify-full",
        redis_url="rediss://cache.internal:6380/0",
    )
    result = EncryptionConfig().run(env.context(AT, settings), PERIOD)
    assert result.status is Outcome.PASS, result.items
    assert [i.ref for i in result.items] == [
        "database",
        "redis",
        "provider:cloud",
        "provider:local",
        "retention",
    ]
    assert all(i.kind == "component" for i in result.items)
    sqlite = EncryptionConfig().run(env.context(AT), PERIOD)
    assert sqlite.status is Outcome.PASS
    assert sqlite.items[0].note == "embedded SQLite file (no network)"


@SQLITE_ONLY
def test_encryption_names_each_plaintext_component(env: EvidenceEnv, tmp_path: Path) -> None:
    gateway = GatewaySettings(
        providers=(provider("cloud", "http://llm.example.com/v1"),),
        routes=(route("chat", "cloud"),),
        retention=RetentionSettings(enabled=True, key_file=tmp_path / "missing.key"),
    )
    settings = env.with_settings(
        gateway=gateway,
        database_url="postgresql+psycopg://app@db.example.com/aiattest?sslmode=prefer",
        redis_url="redis://cache.example.com:6379/0",
    )
    result = EncryptionConfig().run(env.context(AT, settings), PERIOD)
    assert result.status is Outcome.FAIL
    assert {i.ref: i.note for i in result.failures} == {
        "database": "sslmode=prefer: TLS not required",
        "redis": "redis to a remote host: no TLS",
        "provider:cloud": "http to a remote host: no TLS",
        "retention": "retention on but its key is missing",
    }


def test_retention_off_with_no_records_passes(env: EvidenceEnv) -> None:
    result = RetentionZeroOrEncrypted().run(env.context(AT), PERIOD)
    assert result.status is Outcome.PASS
    assert result.items[0].note == "zero retention: content is not stored"


def test_retention_fails_while_an_overdue_record_is_kept(env: EvidenceEnv) -> None:
    key = base64.b64encode(os.urandom(32)).decode()
    retention = RetentionSettings(enabled=True, days=30, key=key)
    settings = env.with_settings(gateway=GatewaySettings(retention=retention))
    store = RetentionStore(env.db, retention)
    old = store.retain(env.org, "req-old", [{"role": "user"}], "x", now=AT - timedelta(days=40))
    store.retain(env.org, "req-new", [{"role": "user"}], "x", now=AT - timedelta(days=2))
    store.retain(env.org, "req-later", [{"role": "user"}], "x", now=AT + timedelta(days=90))
    result = RetentionZeroOrEncrypted().run(env.context(AT, settings), PERIOD)
    assert result.status is Outcome.FAIL
    assert [(i.ref, i.ok) for i in result.items] == [("retention-setting", True), (old, False)]
    assert result.items[1].at == AT - timedelta(days=10)
    # Once purged, the same check passes.
    assert purge(env.db, now=AT) == 1
    assert RetentionZeroOrEncrypted().run(env.context(AT, settings), PERIOD).status is Outcome.PASS
