"""The explicit registry of checks: every id the catalog names resolves here, and every
check registered here is named by a control (a test enforces both directions)."""

from __future__ import annotations

from aiattest.errors import NotFoundError
from aiattest.evidence.checks import (
    access_review,
    changes,
    data,
    evals,
    incidents,
    integrity,
    keys,
    models,
    policies,
    routes,
    traffic,
    vendors,
)
from aiattest.evidence.interface import Check

_MODULES = (
    keys,
    access_review,
    changes,
    evals,
    vendors,
    incidents,
    policies,
    data,
    models,
    routes,
    traffic,
    integrity,
)


def _build() -> dict[str, type[Check]]:
    registry: dict[str, type[Check]] = {}
    for module in _MODULES:
        for check in module.CHECKS:
            if check.id in registry:
                raise ValueError(f"check id {check.id!r} registered twice")
            registry[check.id] = check
    return registry


REGISTRY: dict[str, type[Check]] = _build()
"""Check id to check class."""


def get_check(check_id: str) -> Check:
    """A fresh instance of the check named ``check_id``."""
    try:
        return REGISTRY[check_id]()
    except KeyError:
        raise NotFoundError(
            f"no check {check_id!r}", hint="`aiattest evidence checks` lists them"
        ) from None


def check_ids() -> list[str]:
    """Every registered check id, sorted."""
    return sorted(REGISTRY)
