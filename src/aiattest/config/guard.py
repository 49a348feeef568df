"""Settings of the guard (``[guard]`` in TOML, ``AIATTEST_GUARD__*`` in env)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class GuardSettings(BaseModel):
    """Which guard policy applies when a caller names none."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy_path: Path | None = None
    """A policy YAML file; default: the policy shipped in the package."""
