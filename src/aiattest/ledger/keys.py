"""The ledger's Ed25519 signing key: where it lives, creating it (mode 0600), loading it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from aiattest.config import Settings
from aiattest.errors import ConfigError

DEFAULT_KEY_FILE = Path("keys") / "ledger-ed25519.pem"


def signing_key_path(settings: Settings) -> Path:
    """The configured key path, or ``<data_dir>/keys/ledger-ed25519.pem``."""
    return settings.ledger.signing_key_path or settings.data_dir / DEFAULT_KEY_FILE


def ensure_signing_key(path: Path) -> bool:
    """Create an Ed25519 key at ``path`` (PEM, mode 0600) unless one exists; True if created."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    try:
        # O_EXCL: two processes initialising at once must not overwrite each other's key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    except OSError as e:
        raise ConfigError(f"cannot create the ledger signing key {path}: {e.strerror}") from e
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    return True


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    """Load the key; refuse one that others can read (fail closed)."""
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise ConfigError(
            f"ledger signing key {path} does not exist", hint="run `aiattest init` to create it"
        ) from e
    except OSError as e:
        raise ConfigError(f"cannot read the ledger signing key {path}: {e.strerror}") from e
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(
            f"ledger signing key {path} is readable by other users",
            hint=f"chmod 600 {path}",
        )
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as e:
        raise ConfigError(f"ledger signing key {path} is not an unencrypted PEM key") from e
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"ledger signing key {path} is not an Ed25519 key")
    return key
