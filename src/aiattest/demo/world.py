"""The demo's running pieces: two fake LLM providers and the gateway in front of them,
served on loopback, with settings that route the demo organisation's traffic."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiattest.config import Settings
from aiattest.config.gateway import GatewaySettings
from aiattest.config.guard import GuardSettings
from aiattest.demo.upstream import FakeProvider


def demo_settings(settings: Settings, primary: FakeProvider, secondary: FakeProvider) -> Settings:
    """``settings`` with the demo's providers, routes and guard policy."""
    gateway = GatewaySettings.model_validate(
        {
            "providers": [
                {"name": "openai", "kind": "openai", "base_url": primary.url, "max_retries": 0},
                {"name": "anthropic", "kind": "openai", "base_url": secondary.url},
            ],
            "routes": [
                {
                    "alias": "support-chat",
                    "targets": [
                        {"provider": "openai", "model": "gpt-4o-2024-08-06"},
                        {"provider": "anthropic", "model": "claude-sonnet-4"},
                    ],
                },
                {
                    "alias": "order-agent",
                    "targets": [
                        {"provider": "openai", "model": "gpt-4o-mini-2024-07-18"},
                        {"provider": "anthropic", "model": "claude-sonnet-4"},
                    ],
                },
                {
                    "alias": "embed",
                    "kind": "embeddings",
                    "targets": [{"provider": "openai", "model": "text-embedding-3-small"}],
                },
            ],
            # High enough that the replay's bursts are not throttled; limits stay on.
            "key_requests_per_min": 100_000,
            "tenant_requests_per_min": 200_000,
        }
    )
    guard = GuardSettings(policy_path=policy_path())
    return settings.model_copy(update={"gateway": gateway, "guard": guard})


def policy_path() -> Path:
    """The demo's guard policy file (shipped inside the package)."""
    return Path(str(resources.files("aiattest.demo") / "data" / "policy.yaml"))
