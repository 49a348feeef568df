"""What the REST routers need from the app that mounts them, and the role gate.

The gateway owns authentication; it hands in a dependency that returns the authenticated
caller (any object with ``principal``, ``role`` and ``organisation_id``), and dependencies
for the database and the ledger recorder. Routes check roles themselves and declare them
in ``openapi_extra["x-roles"]`` so that a test can walk every route with every role.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import Depends, HTTPException, Query

from aiattest.errors import ConflictError, Error, InputError, NotFoundError
from aiattest.roles import Role

ROLES_KEY = "x-roles"
"""The OpenAPI extension naming a route's allowed roles."""

READERS = (Role.ADMIN, Role.MODEL_DEVELOPER, Role.OPERATOR, Role.AUDITOR)
"""Who may read the registers (consumers use the AI; they do not see its governance)."""


class Principal(Protocol):
    """The authenticated caller, as the gateway supplies it."""

    @property
    def principal(self) -> str:
        """The principal's name (recorded as the actor, sealed in the ledger)."""
        ...

    @property
    def role(self) -> Role:
        """The caller's role."""
        ...

    @property
    def organisation_id(self) -> uuid.UUID:
        """The caller's organisation (the tenant comes from the key, never the request)."""
        ...


@dataclass(frozen=True)
class ApiDeps:
    """FastAPI dependencies the mounting app provides."""

    principal: Callable[..., Any]
    """Returns the authenticated :class:`Principal` (raises 401 itself when there is none)."""
    database: Callable[..., Any]
    """Returns the :class:`aiattest.store.Database`."""
    recorder: Callable[..., Any]
    """Returns the :class:`aiattest.governance.recorder.ChangeRecorder`."""
    catalog: Callable[..., Any] | None = None
    """Returns the :class:`aiattest.catalog.Catalog` that risk and vendor references are checked
    against (unset: those references are not checked)."""
    directories: Callable[..., Any] | None = None
    """Returns ``{subject kind: AccessDirectory}`` for access reviews (default: principals
    only; the gateway adds its API keys)."""


def allow(deps: ApiDeps, *roles: Role) -> Callable[..., Principal]:
    """A dependency that returns the caller if their role is one of ``roles``, else 403."""
    if not roles:
        raise ValueError("a route must allow at least one role")
    allowed = frozenset(roles)

    def gate(caller: Any = Depends(deps.principal)) -> Principal:  # noqa: B008
        if caller.role not in allowed:
            raise HTTPException(403, {"message": f"role {caller.role!s} may not use this route"})
        principal: Principal = caller
        return principal

    return gate


def roles_extra(*roles: Role) -> dict[str, Any]:
    """``openapi_extra`` that declares a route's roles."""
    return {ROLES_KEY: sorted(r.value for r in roles)}


@dataclass(frozen=True)
class Page:
    """Pagination of a list route."""

    offset: int
    """Records to skip."""
    limit: int
    """Records to return at most."""


def page_params(
    offset: int = Query(0, ge=0, description="Records to skip."),
    limit: int = Query(50, ge=1, le=500, description="Records to return at most."),
) -> Page:
    """The ``offset``/``limit`` query parameters."""
    return Page(offset, limit)


@contextmanager
def http_errors() -> Iterator[None]:
    """Map aiattest errors to HTTP statuses with a JSON body: the API layer's one mapping."""
    try:
        yield
    except NotFoundError as e:
        raise HTTPException(404, _body(e)) from e
    except ConflictError as e:
        raise HTTPException(409, _body(e)) from e
    except InputError as e:
        raise HTTPException(422, _body(e)) from e
    except Error as e:
        raise HTTPException(503, _body(e)) from e


def _body(error: Error) -> dict[str, str | None]:
    return {"message": error.message, "hint": error.hint}
