"""Secret detection for the guard: provider key formats, JWTs, private keys, connection
strings and high-entropy values assigned to secret-like names."""

from aiattest.guard.secrets.scanner import SUBTYPES, SecretsScanner

__all__ = ["SUBTYPES", "SecretsScanner"]
