"""The one error tree of aiattest.

Every error the package raises on purpose derives from :class:`Error`. Capabilities raise
the base of their seam (or a subclass of it); foreign exceptions are wrapped with
``raise ... from e``. Only the API layer maps errors to HTTP statuses and only the CLI
maps them to exit codes::

    Error
    ├── ConfigError            settings that cannot be loaded or are invalid
    ├── InputError             input from a user or a client that is not acceptable
    │   ├── NotFoundError      a named thing does not exist
    │   └── ConflictError      the input clashes with stored state
    ├── CatalogError           the control catalog (shipped or user-supplied) is invalid
    ├── StoreError             the database failed or is not at the expected revision
    ├── LedgerError            appending to or reading the evidence ledger failed
    │   └── VerificationError  the ledger or a proof does not verify
    ├── ScannerError           a guard scanner failed (the pipeline fails closed)
    └── ProviderError          an upstream model provider failed
"""

from __future__ import annotations


class Error(Exception):
    """Base of every error aiattest raises on purpose."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def diagnostics(self) -> str:
        """One or two lines for a person: what went wrong and, if known, what to do."""
        if self.hint:
            return f"{self.message}\n  hint: {self.hint}"
        return self.message


class ConfigError(Error):
    """Settings could not be loaded or hold an invalid value."""


class InputError(Error):
    """Input from a user or a client is not acceptable; nothing was changed."""


class NotFoundError(InputError):
    """A named object (control, criterion, record) does not exist."""


class ConflictError(InputError):
    """The input clashes with stored state (a duplicate, an illegal transition)."""


class CatalogError(Error):
    """The control catalog is invalid; the message names the file, line and id."""


class StoreError(Error):
    """The database failed or its schema is not at the expected revision."""


class LedgerError(Error):
    """Appending to, or reading from, the evidence ledger failed."""


class VerificationError(LedgerError):
    """The ledger, a checkpoint or a proof does not verify."""

    def __init__(self, message: str, *, index: int | None = None, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.index = index
        """The first bad log index, when the failure can be pinned to one."""


class ScannerError(Error):
    """A guard scanner failed; the pipeline treats this as a block (fail closed)."""


class ProviderError(Error):
    """An upstream model provider failed or answered with something unusable."""
