"""Authentication by API key and the role gate every route declares.

Verified keys are cached in-process for a few seconds so that a request costs a hash and
a dict lookup; a revocation therefore takes effect within ``CACHE_TTL_S`` on every worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

import anyio.to_thread
from fastapi import Depends, Request

from aiattest.gateway.api_errors import ApiError
from aiattest.gateway.keys import Caller, hash_key, touch_key, verify_key
from aiattest.gateway.state import GatewayState, get_state
from aiattest.roles import Role
from aiattest.store import Database

CACHE_TTL_S = 5.0
TOUCH_EVERY_S = 60.0


class KeyCache:
    """Presented-key hash to caller, for ``CACHE_TTL_S``; and when each key was last touched."""

    def __init__(self, db: Database, clock: Callable[[], float] = time.monotonic) -> None:
        self._db = db
        self._clock = clock
        self._callers: dict[str, tuple[Caller | None, float]] = {}
        self._touched: dict[str, float] = {}

    async def authenticate(self, presented: str) -> Caller | None:
        """The caller for ``presented``, or None when the key is unknown or revoked."""
        digest = hash_key(presented)
        now = self._clock()
        cached = self._callers.get(digest)
        if cached is not None and cached[1] > now:
            caller = cached[0]
        else:
            caller = await anyio.to_thread.run_sync(verify_key, self._db, presented)
            if len(self._callers) > 10_000:
                self._callers.clear()  # bound the memory an attacker can make us spend
            self._callers[digest] = (caller, now + CACHE_TTL_S)
        if (
            caller is not None
            and now - self._touched.get(caller.key_id, -TOUCH_EVERY_S) >= TOUCH_EVERY_S
        ):
            self._touched[caller.key_id] = now
            await anyio.to_thread.run_sync(touch_key, self._db, caller.key_id, datetime.now(UTC))
        return caller

    def forget(self) -> None:
        """Drop every cached verification (after a revocation in this process)."""
        self._callers.clear()


def presented_key(request: Request) -> str | None:
    """The key in ``Authorization: Bearer`` or ``x-api-key``."""
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-api-key")


class RoleGate:
    """A route's declaration of the roles it allows; as a dependency it returns the caller."""

    def __init__(self, *roles: Role) -> None:
        if not roles:
            raise ValueError("a route must allow at least one role")
        self.roles = frozenset(roles)

    async def __call__(
        self, request: Request, state: Annotated[GatewayState, Depends(get_state)]
    ) -> Caller:
        presented = presented_key(request)
        keys = state.extras.get("keys")
        if not presented or not isinstance(keys, KeyCache):
            raise ApiError(
                401,
                "missing API key",
                code="invalid_api_key",
                headers={"www-authenticate": "Bearer"},
            )
        caller = await keys.authenticate(presented)
        if caller is None:
            raise ApiError(
                401,
                "invalid or revoked API key",
                code="invalid_api_key",
                headers={"www-authenticate": "Bearer"},
            )
        if caller.role not in self.roles:
            raise ApiError(
                403, f"role {caller.role.value!r} may not use this route", code="insufficient_role"
            )
        request.state.caller = caller
        return caller


# The role sets routes use; one place, so the authorisation matrix is easy to review.
MODEL_USERS = RoleGate(Role.ADMIN, Role.MODEL_DEVELOPER, Role.OPERATOR, Role.CONSUMER)
ADMINS = RoleGate(Role.ADMIN)
KEY_READERS = RoleGate(Role.ADMIN, Role.AUDITOR)
CONFIG_READERS = RoleGate(Role.ADMIN, Role.OPERATOR, Role.MODEL_DEVELOPER, Role.AUDITOR)
APPROVAL_READERS = RoleGate(Role.ADMIN, Role.OPERATOR, Role.AUDITOR)
APPROVERS = RoleGate(Role.ADMIN, Role.OPERATOR)
