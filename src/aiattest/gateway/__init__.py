"""The OpenAI-compatible gateway: keys and roles, limits, guard, provider fallback, audit.

``create_app`` pulls in FastAPI, so it is imported on first use: the key service and the
CLI can use this package without loading the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiattest.gateway.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from aiattest.gateway.app import create_app

        return create_app
    raise AttributeError(name)
