"""Opt-in content retention: each chat request's messages and completion, encrypted at rest.

Off by default (zero retention). When ``[gateway.retention] enabled = true``, a record is
sealed with envelope encryption: a fresh random AES-256 data key encrypts the content
(AES-256-GCM), and the key-encryption key (KEK) from settings or a key file encrypts the
data key. The record names its KEK id so that keys can rotate (old keys stay readable as
``retired_keys``). The associated data binds the ciphertext to the tenant and the request
id, so a row moved to another tenant or request does not decrypt. Nothing here logs
content; the audit event only says that content was retained and under which record id.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import anyio.to_thread
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select

from aiattest.config.gateway import RetentionSettings
from aiattest.errors import ConfigError, Error, NotFoundError
from aiattest.store import Database
from aiattest.store.models.foundation import Organisation
from aiattest.store.models.retention import RetainedContent
from aiattest.store.types import utcnow

if TYPE_CHECKING:
    from aiattest.gateway.exchange import Exchange

KEY_BYTES = 32
NONCE_BYTES = 12
_AAD_PREFIX = b"aiattest-retention/v1"
LOG = logging.getLogger("aiattest.gateway.retention")


class DecryptionError(Error):
    """A retained record does not decrypt: wrong or unknown key, tampered or moved row."""


@dataclass(frozen=True, slots=True)
class Sealed:
    """One envelope: the wrapped data key and the content ciphertext."""

    kek_id: str
    """Id of the key-encryption key that wrapped the data key."""
    wrapped_key: bytes
    """Nonce (12 bytes) followed by the encrypted data key and its tag."""
    nonce: bytes
    """Nonce of the content ciphertext."""
    ciphertext: bytes
    """Encrypted content with its GCM tag."""


@dataclass(frozen=True, slots=True)
class Keyring:
    """The current key-encryption key and the retired ones (decrypt only)."""

    current_id: str
    """Id recorded with new records."""
    keys: Mapping[str, bytes]
    """Every known KEK by id, the current one included."""

    @property
    def current(self) -> bytes:
        """The KEK new records are sealed under."""
        return self.keys[self.current_id]


def new_key() -> str:
    """A fresh base64 key-encryption key (32 random bytes) for settings or a key file."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def decode_key(text: str, source: str) -> bytes:
    """The 32 key bytes of a base64 key; ConfigError naming ``source`` otherwise."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as e:
        raise ConfigError(f"{source} is not valid base64") from e
    if len(raw) != KEY_BYTES:
        raise ConfigError(f"{source} must hold {KEY_BYTES} bytes, it holds {len(raw)}")
    return raw


def load_keyring(settings: RetentionSettings) -> Keyring:
    """The keys the settings name (the key file is read now)."""
    if settings.key is not None:
        current = decode_key(settings.key.get_secret_value(), "gateway.retention.key")
    elif settings.key_file is not None:
        current = decode_key(_read(settings.key_file), f"key file {settings.key_file}")
    else:
        raise ConfigError("gateway.retention needs key or key_file")
    keys = {
        kid: decode_key(value.get_secret_value(), f"gateway.retention.retired_keys.{kid}")
        for kid, value in settings.retired_keys.items()
    }
    keys[settings.key_id] = current
    return Keyring(settings.key_id, keys)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError as e:
        raise ConfigError(f"cannot read key file {path}: {e.strerror}") from e


def associated_data(tenant: str, request_id: str) -> bytes:
    """What each ciphertext is bound to: the tenant (organisation id) and the request id."""
    return b"\0".join((_AAD_PREFIX, tenant.encode(), request_id.encode()))


def seal(plaintext: bytes, kek: bytes, kek_id: str, aad: bytes) -> Sealed:
    """Encrypt ``plaintext`` under a fresh data key, and the data key under ``kek``."""
    data_key = AESGCM.generate_key(bit_length=256)
    nonce = os.urandom(NONCE_BYTES)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, aad)
    key_nonce = os.urandom(NONCE_BYTES)
    # The KEK id is in the wrapping's associated data too: relabelling a record fails.
    wrapped = AESGCM(kek).encrypt(key_nonce, data_key, aad + b"\0" + kek_id.encode())
    return Sealed(kek_id, key_nonce + wrapped, nonce, ciphertext)


def unseal(sealed: Sealed, keys: Mapping[str, bytes], aad: bytes) -> bytes:
    """The plaintext of ``sealed``; DecryptionError when any part does not authenticate."""
    kek = keys.get(sealed.kek_id)
    if kek is None:
        raise DecryptionError(
            f"unknown key id {sealed.kek_id!r}",
            hint="add the old key under gateway.retention.retired_keys",
        )
    key_nonce, wrapped = sealed.wrapped_key[:NONCE_BYTES], sealed.wrapped_key[NONCE_BYTES:]
    try:
        data_key = AESGCM(kek).decrypt(key_nonce, wrapped, aad + b"\0" + sealed.kek_id.encode())
        return AESGCM(data_key).decrypt(sealed.nonce, sealed.ciphertext, aad)
    except (InvalidTag, ValueError) as e:
        raise DecryptionError(
            "retained record does not decrypt: wrong key, or the record was altered or moved"
        ) from e


@dataclass(frozen=True, slots=True)
class RetainedRecord:
    """A decrypted record, for an administrator."""

    id: str
    """Record id (also in the request's audit event)."""
    request_id: str
    """The request's id."""
    tenant: str
    """Organisation slug."""
    created_at: datetime
    """When it was stored."""
    purge_after: datetime
    """When it may be purged."""
    messages: list[Any]
    """The messages as sent upstream (after the guard's redaction)."""
    completion: str
    """The completion text as returned to the client."""


class RetentionStore:
    """Seals, stores, opens and purges retained content in the database."""

    def __init__(self, db: Database, settings: RetentionSettings) -> None:
        self.db = db
        self.days = settings.days
        self.keyring = load_keyring(settings)

    def retain(
        self,
        organisation_id: uuid.UUID,
        request_id: str,
        messages: Sequence[Any],
        completion: str,
        *,
        now: datetime | None = None,
    ) -> str:
        """Store one request's content encrypted; its record id."""
        at = now or utcnow()
        plaintext = json.dumps(
            {"messages": list(messages), "completion": completion}, separators=(",", ":")
        ).encode()
        aad = associated_data(str(organisation_id), request_id)
        sealed = seal(plaintext, self.keyring.current, self.keyring.current_id, aad)
        row = RetainedContent(
            id=uuid.uuid4(),
            organisation_id=organisation_id,
            request_id=request_id,
            kek_id=sealed.kek_id,
            wrapped_key=sealed.wrapped_key,
            nonce=sealed.nonce,
            ciphertext=sealed.ciphertext,
            created_at=at,
            purge_after=at + timedelta(days=self.days),
        )
        with self.db.session() as session:
            session.add(row)
        return str(row.id)

    def show(self, request_id: str) -> list[RetainedRecord]:
        """Every record of ``request_id``, decrypted (NotFoundError when there is none)."""
        with self.db.session() as session:
            rows = session.execute(
                select(RetainedContent, Organisation.slug)
                .join(Organisation, RetainedContent.organisation_id == Organisation.id)
                .where(RetainedContent.request_id == request_id)
                .order_by(RetainedContent.created_at)
            ).all()
        if not rows:
            raise NotFoundError(f"no retained content for request {request_id!r}")
        return [self._open(row, slug) for row, slug in rows]

    def _open(self, row: RetainedContent, slug: str) -> RetainedRecord:
        sealed = Sealed(row.kek_id, row.wrapped_key, row.nonce, row.ciphertext)
        aad = associated_data(str(row.organisation_id), row.request_id)
        content = json.loads(unseal(sealed, self.keyring.keys, aad))
        return RetainedRecord(
            id=str(row.id),
            request_id=row.request_id,
            tenant=slug,
            created_at=row.created_at,
            purge_after=row.purge_after,
            messages=content["messages"],
            completion=content["completion"],
        )


def purge(db: Database, now: datetime | None = None) -> int:
    """Delete every record whose ``purge_after`` has passed; how many were deleted.

    Needs no key, so purging works even when the key is lost."""
    cutoff = now or utcnow()
    with db.session() as session:
        result = session.execute(
            delete(RetainedContent).where(RetainedContent.purge_after <= cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)


def retention_on(ex: Exchange) -> None:
    """Mark the request's audit event as subject to retention (not yet retained)."""
    if "retention" in ex.state.extras:
        ex.note(retained=False)


async def retain_for(ex: Exchange, messages: Sequence[Any], completion: str) -> None:
    """Store the request's content when retention is on, and note it in the audit event.

    A storage failure does not fail the request: the event says ``retained: false``."""
    store = ex.state.extras.get("retention")
    if not isinstance(store, RetentionStore):
        return
    org, request_id = ex.caller.organisation_id, ex.event.request_id
    try:
        record = await anyio.to_thread.run_sync(
            lambda: store.retain(org, request_id, messages, completion)
        )
    except Error as e:
        # The error text names the database failure, never the content.
        LOG.warning("retention failed for request %s: %s", request_id, type(e).__name__)
        ex.note(retained=False)
        return
    ex.note(retained=True, retention_id=record)
