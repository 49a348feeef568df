"""Secrets without a provider format: values assigned to secret-like names
(``api_key = "…"``, ``token: …``, ``PASSWORD=…``) that are random enough to be real.

The scan starts from the assignment operators (rare in prose) and looks back for the
name, instead of running a name pattern at every position of the text.
"""

from __future__ import annotations

import re

from aiattest.guard.secrets import validators
from aiattest.guard.secrets.types import Hit

_OPERATOR = re.compile(r"[:=]")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")
_VALUE = re.compile(
    r"=?>?[ \t]{0,3}(?:[\"'`](?P<q>[^\"'`\s]{6,300})[\"'`]|(?P<b>[^\s\"'`,;]{6,300}))"
)
_SECRET_NAMES = (
    "password", "passwd", "pwd", "pass", "secret", "token", "api_key", "apikey", "api-key",
    "access_key", "accesskey", "auth", "credential", "private_key", "client_secret", "key",
    "signature", "salt", "bearer", "session",
)  # fmt: skip
_PASSWORD_NAMES = ("password", "passwd", "pwd", "pass")
# Names that contain a secret word but hold no secret ("token_count", "keyboard").
_NOT_SECRET = (
    "count", "length", "len", "size", "limit", "type", "name", "id_", "_id", "url", "uri",
    "file", "path", "dir", "keyboard", "keys", "monkey", "turkey", "hint", "policy",
    "expires", "expiry", "timeout", "max", "min", "format", "field", "header", "usage",
)  # fmt: skip


def _name_before(text: str, pos: int) -> str:
    """The identifier just before ``pos`` (skipping one closing quote/bracket and blanks).

    A backwards walk of at most ~50 characters: a regex anchored at the end of a window
    would retry every start in the window.
    """
    i = pos
    while i > 0 and pos - i < 3 and text[i - 1] in " \t":
        i -= 1
    if i > 0 and text[i - 1] in "\"']":
        i -= 1
    end = i
    while i > 0 and end - i < 49 and text[i - 1] in _NAME_CHARS:
        i -= 1
    return text[i:end]


def _name_is_secret(name: str) -> bool:
    low = name.lower()
    if not any(word in low for word in _SECRET_NAMES):
        return False
    return not any(word in low for word in _NOT_SECRET)


def find_assigned_secrets(text: str, min_entropy: float = 3.0) -> list[Hit]:
    """High-entropy values assigned to secret-like names; passwords need less entropy."""
    out: list[Hit] = []
    last_end = -1
    for op in _OPERATOR.finditer(text):
        pos = op.start()
        if pos < last_end:
            continue
        name = _name_before(text, pos)
        if not name or not _name_is_secret(name):
            continue
        value_m = _VALUE.match(text, pos + 1)
        if value_m is None:
            continue
        group = "q" if value_m.group("q") else "b"
        value = value_m.group(group)
        if validators.is_placeholder(value) or "://" in value:
            continue  # URLs with credentials belong to the connection-string rule
        is_password = any(w in name.lower() for w in _PASSWORD_NAMES)
        entropy = validators.shannon_entropy(value)
        if is_password:
            if len(value) < 6 or entropy < 2.2:
                continue
            score = 0.8
        else:
            if len(value) < 12 or entropy < min_entropy or validators.char_classes(value) < 2:
                continue
            score = min(0.95, 0.6 + (entropy - min_entropy) * 0.2)
        start, end = value_m.span(group)
        last_end = end
        out.append(Hit(start, end, "high_entropy", round(score, 3)))
    return out
