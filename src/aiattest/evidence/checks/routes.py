"""Checks over the gateway's configuration: fallback chains, route protection, encryption,
retention.

These examine state as of ``context.at``: the settings in effect (``context.settings``) and,
for retention, the retained records that exist. Their items are undated (``at`` None).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from aiattest.assess import Period
from aiattest.config import Settings
from aiattest.config.gateway import RouteSettings
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.guard.interface import Channel
from aiattest.guard.policy import Policy, Rule, load_policy
from aiattest.store.models.retention import RetainedContent

NO_ROUTES = "no gateway routes configured"
TLS_SSLMODES = frozenset({"require", "verify-ca", "verify-full"})
"""PostgreSQL ``sslmode`` values that refuse a connection without TLS."""
REQUIRED_INPUT_SCANNERS = ("injection", "pii")
"""Scanners every chat route's policy must run on user input."""


def guard_policy(context: CheckContext) -> Policy:
    """The guard policy in effect (``settings.guard.policy_path`` or the shipped one),
    loaded once per collect run: loading builds the scanners, which takes a while."""
    path = context.settings.guard.policy_path
    return context.memo(f"guard-policy:{path}", lambda: load_policy(path))


def chat_routes(settings: Settings) -> tuple[RouteSettings, ...]:
    """The configured chat routes (embeddings routes have no chat guard or fallback)."""
    return tuple(r for r in settings.gateway.routes if r.kind == "chat")


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` is this machine (a name, an IP or a Unix socket directory)."""
    if not host or host.startswith("/"):
        return True  # no host: a Unix socket, which never leaves the machine
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class GatewayFallbackChain(Check):
    """Every chat route can fall back to another upstream provider.

    Reads ``settings.gateway.routes`` and ``providers``. An item per chat route passes when
    its chain names at least ``settings.evidence.min_route_providers`` distinct providers
    that are not rule-based (the automatic last resort, or any ``rules`` provider, is an
    honest apology, not a model). No chat routes at all fails.
    """

    id = "gateway-fallback-chain"
    title = "Chat routes have a fallback provider"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per chat route."""
        gateway = context.settings.gateway
        needed = context.settings.evidence.min_route_providers
        kinds = {p.name: p.kind for p in gateway.providers}
        items = []
        for route in chat_routes(context.settings):
            names = sorted({t.provider for t in route.targets if kinds.get(t.provider) != "rules"})
            ok = len(names) >= needed
            note = f"{len(names)} distinct provider(s): {', '.join(names) or 'none'}"
            if not ok:
                note += f"; at least {needed} required"
            items.append(Item(route.alias, "route", ok, note=note))
        return self.result(period, items, empty=NO_ROUTES)


def _input_gaps(rule: Rule) -> list[str]:
    """Required input scanners the rule does not run on user messages."""
    on_user = {b.name for b in rule.input if Channel.USER in b.channels}
    return [name for name in REQUIRED_INPUT_SCANNERS if name not in on_user]


class GatewayRouteProtection(Check):
    """Every route is rate-limited and its guard policy scans input.

    Reads ``settings.gateway`` (the key and tenant request and token limits) and the guard
    policy (``settings.guard.policy_path``, resolved per route alias). An item per route
    passes when all four limits are set and, for a chat route, the policy rule that applies
    to it runs the ``injection`` and ``pii`` scanners on user input. No routes fails.
    """

    id = "gateway-route-protection"
    title = "Routes are rate-limited and their input is scanned"
    population = "route"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per configured route."""
        gateway = context.settings.gateway
        limits = {
            "key requests": gateway.key_requests_per_min,
            "key tokens": gateway.key_tokens_per_min,
            "tenant requests": gateway.tenant_requests_per_min,
            "tenant tokens": gateway.tenant_tokens_per_min,
        }
        unlimited = [name for name, value in limits.items() if value is None]
        policy = guard_policy(context) if chat_routes(context.settings) else None
        items = []
        for route in gateway.routes:
            problems = [f"no {name} limit" for name in unlimited]
            if policy is not None and route.kind == "chat":
                gaps = _input_gaps(policy.resolve(route=route.alias, model=route.alias))
                problems += [f"policy {policy.name!r} runs no {g} scan on input" for g in gaps]
            note = "; ".join(problems) or f"rate-limited; policy {policy.name if policy else '-'}"
            items.append(Item(route.alias, "route", not problems, note=note))
        return self.result(period, items, empty=NO_ROUTES)


def _database_item(url: str) -> Item:
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Item("database", "component", False, note="database URL cannot be parsed")
    if parsed.get_backend_name() == "sqlite":
        return Item("database", "component", True, note="embedded SQLite file (no network)")
    host = parsed.host
    if is_loopback(host):
        return Item("database", "component", True, note="PostgreSQL on loopback")
    mode = str(parsed.query.get("sslmode", "") or "")
    ok = mode in TLS_SSLMODES
    note = f"sslmode={mode}" if ok else f"sslmode={mode or 'unset'}: TLS not required"
    return Item("database", "component", ok, note=note)


def _url_item(ref: str, url: str, secure_scheme: str) -> Item:
    parts = urlsplit(url)
    if parts.scheme == secure_scheme:
        return Item(ref, "component", True, note=f"{secure_scheme} (TLS)")
    if parts.scheme == "unix" or is_loopback(parts.hostname):
        return Item(ref, "component", True, note=f"{parts.scheme} on loopback")
    return Item(ref, "component", False, note=f"{parts.scheme} to a remote host: no TLS")


def _components(settings: Settings) -> Iterator[Item]:
    yield _database_item(settings.db_url)
    if settings.redis_url:
        yield _url_item("redis", settings.redis_url, "rediss")
    for provider in settings.gateway.providers:
        if provider.kind != "rules" and provider.base_url:
            yield _url_item(f"provider:{provider.name}", provider.base_url, "https")
    retention = settings.gateway.retention
    if not retention.enabled:
        yield Item("retention", "component", True, note="content retention off")
    elif retention.key is not None:
        yield Item("retention", "component", True, note=f"encrypted under key {retention.key_id}")
    elif retention.key_file is not None and retention.key_file.is_file():
        yield Item("retention", "component", True, note=f"key file for {retention.key_id}")
    else:
        yield Item("retention", "component", False, note="retention on but its key is missing")


class EncryptionConfig(Check):
    """Data in transit and retained content are encrypted.

    Reads ``settings.database_url``, ``redis_url``, the gateway providers and retention
    settings. An item per component passes when: the database is SQLite or on loopback, or
    PostgreSQL with ``sslmode`` require/verify-ca/verify-full; Redis uses ``rediss://``, a
    Unix socket or loopback; each provider's ``base_url`` is https or loopback; content
    retention is off, or on with its key configured (a key file must exist).
    """

    id = "encryption-config"
    title = "Connections use TLS and retained content has a key"
    population = "component"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per component."""
        return self.result(period, _components(context.settings))


class RetentionZeroOrEncrypted(Check):
    """Prompts and completions are not kept, or kept encrypted no longer than allowed.

    Reads ``settings.gateway.retention`` and the organisation's rows of
    ``gateway_retained_content`` made by ``at``. One item for the setting (off: zero
    retention; on: every record is sealed under the configured key) and one failing item
    per record still present whose ``purge_after`` had passed at ``at`` — checked even
    with retention off, since records kept earlier must still be purged.
    """

    id = "retention-zero-or-encrypted"
    title = "Content retention is off or bounded"
    population = "retention record"

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """The setting, then each overdue record."""
        retention = context.settings.gateway.retention
        note = (
            f"on: encrypted, kept {retention.days} days"
            if retention.enabled
            else "zero retention: content is not stored"
        )
        items = [Item("retention-setting", "setting", True, note=note)]
        items += [
            Item(
                str(row_id),
                "retention record",
                False,
                at=purge_after,
                note="past its purge date; run `aiattest retention purge`",
            )
            for row_id, purge_after in self._overdue(context)
        ]
        return self.result(period, items)

    @staticmethod
    def _overdue(context: CheckContext) -> list[tuple[object, datetime]]:
        query = (
            select(RetainedContent.id, RetainedContent.purge_after)
            .where(
                RetainedContent.organisation_id == context.organisation_id,
                RetainedContent.created_at <= context.at,
                RetainedContent.purge_after < context.at,
            )
            .order_by(RetainedContent.purge_after)
        )
        with context.db.session() as session:
            return [(row_id, when) for row_id, when in session.execute(query)]


CHECKS: tuple[type[Check], ...] = (
    GatewayFallbackChain,
    GatewayRouteProtection,
    EncryptionConfig,
    RetentionZeroOrEncrypted,
)
