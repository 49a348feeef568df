"""Settings of the evidence ledger (``[ledger]`` in TOML, ``AIATTEST_LEDGER__*`` in env)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class LedgerSettings(BaseModel):
    """How the ledger names itself, signs checkpoints and groups commits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origin: str = Field(default="aiattest.local/ledger", min_length=1)
    """The checkpoint origin line (C2SP tlog-checkpoint): a schema-less URL naming this log."""
    signing_key_path: Path | None = None
    """Ed25519 private key (PEM). Default: ``<data_dir>/keys/ledger-ed25519.pem``."""
