"""Settings of the evidence ledger (``[ledger]`` in TOML, ``AIATTEST_LEDGER__*`` in env)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class LedgerSettings(BaseModel):
    """How the ledger names itself, signs checkpoints and groups commits."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    origin: str = Field(default="aiattest.local/ledger", min_length=1, pattern=r"^[^\s+]+$")
    """The checkpoint origin line (C2SP tlog-checkpoint): a schema-less URL naming this log.

    It is also the signed-note key name, so it holds no spaces and no '+'."""
    signing_key_path: Path | None = None
    """Ed25519 private key (PEM). Default: ``<data_dir>/keys/ledger-ed25519.pem``."""
    checkpoint_every_entries: int = Field(default=10_000, ge=1)
    """Sign a checkpoint once this many entries were appended since the last one."""
    checkpoint_every_seconds: float = Field(default=60.0, gt=0)
    """Sign a checkpoint this long after the last one, if entries were appended since."""
    group_commit_max_batch: int = Field(default=5_000, ge=1)
    """Most entries one group commit writes in a single transaction."""
    group_commit_linger_ms: float = Field(default=0.0, ge=0, le=1_000)
    """How long the writer waits for more entries before committing (0: commit at once;
    appends that arrive during a commit still share the next one)."""
    max_entry_bytes: int = Field(default=8_192, ge=256)
    """Largest leaf accepted: leaves hold hashes, counts and ids, never content."""
