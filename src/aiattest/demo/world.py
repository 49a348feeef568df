"""The demo's running pieces: two fake LLM providers and the gateway in front of them,
served on loopback, with settings that route the demo organisation's traffic."""

from __future__ import annotations

import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import uvicorn

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


class ServedApp:
    """An ASGI app served by uvicorn in a background thread."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0) -> None:
        config = uvicorn.Config(app, host=host, port=port, log_level="warning",
                                access_log=False, log_config=None)  # fmt: skip
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.port = 0

    def start(self) -> ServedApp:
        """Start and wait until it accepts connections."""
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        """Base URL."""
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self.server.should_exit = True
        self.thread.join(timeout=20)
