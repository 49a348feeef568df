"""The roles of the security model; every API route declares which of them it allows."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A principal's role. Separate roles for model developers, operators and consumers."""

    ADMIN = "admin"
    MODEL_DEVELOPER = "model-developer"
    OPERATOR = "operator"
    CONSUMER = "consumer"
    AUDITOR = "auditor"
    """Read-only access to evidence, reports and registers."""
