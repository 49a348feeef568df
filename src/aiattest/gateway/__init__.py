"""The OpenAI-compatible gateway: keys and roles, limits, guard, provider fallback, audit.

Importing it pulls in FastAPI; only ``aiattest serve`` and the tests do.
"""

from aiattest.gateway.app import create_app

__all__ = ["create_app"]
