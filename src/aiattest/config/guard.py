"""Settings of the guard (``[guard]`` in TOML, ``AIATTEST_GUARD__*`` in env)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

_MIN_KEY_CHARS = 16


class GuardSettings(BaseModel):
    """Which guard policy applies when a caller names none, and the guard's keys."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    policy_path: Path | None = None
    """A policy YAML file; default: the policy shipped in the package."""
    redaction_key: SecretStr | None = None
    """Deployment key for keyed-hash redaction (HMAC-SHA256); at least 16 characters."""
    canary: bool = True
    """Plant a per-request canary token in the system prompt to detect its leakage."""
    max_input_chars: int = Field(default=1_000_000, ge=1)
    """Longest text the CLI and SDK accept per message; longer is refused as bad input."""

    @field_validator("redaction_key")
    @classmethod
    def _strong_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None:
            raw = value.get_secret_value()
            # A repeated character ("xxxx…") is a placeholder someone forgot to replace.
            if len(raw) < _MIN_KEY_CHARS or len(set(raw)) < 4:
                raise ValueError(f"must be at least {_MIN_KEY_CHARS} varied characters")
        return value
