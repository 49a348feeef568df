"""Provider implementations and the explicit registry that builds them from settings."""

from __future__ import annotations

import httpx

from aiattest.config.gateway import ProviderSettings
from aiattest.errors import ConfigError
from aiattest.gateway.interface import Provider
from aiattest.gateway.providers.anthropic import AnthropicProvider
from aiattest.gateway.providers.openai_compat import OpenAICompatibleProvider
from aiattest.gateway.providers.rules import RuleBasedProvider


def build_provider(config: ProviderSettings, client: httpx.AsyncClient) -> Provider:
    """The provider that ``config`` describes, talking through ``client``."""
    key = config.api_key.get_secret_value() if config.api_key else None
    if config.kind == "rules":
        return RuleBasedProvider(
            config.name, canned=config.canned, degraded_reply=config.degraded_reply
        )
    if config.base_url is None:  # the settings validator already refuses this
        raise ConfigError(f"provider {config.name!r} needs a base_url")
    http_kinds: dict[str, type[OpenAICompatibleProvider] | type[AnthropicProvider]] = {
        "openai": OpenAICompatibleProvider,
        "anthropic": AnthropicProvider,
    }
    factory = http_kinds.get(config.kind)
    if factory is None:
        raise ConfigError(f"provider {config.name!r}: unknown kind {config.kind!r}")
    return factory(
        config.name,
        client,
        base_url=config.base_url,
        api_key=key,
        timeout_s=config.timeout_s,
        connect_timeout_s=config.connect_timeout_s,
    )


__all__ = [
    "AnthropicProvider",
    "OpenAICompatibleProvider",
    "RuleBasedProvider",
    "build_provider",
]
