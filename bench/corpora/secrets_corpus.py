"""A generated secrets corpus: one line per sample, real-format fake credentials of every
subtype in config/code/prose contexts, and negative lines (placeholders, hashes, UUIDs,
ordinary config). ``generate(n_per_subtype, seed)`` is deterministic."""

from __future__ import annotations

import base64
import json
import random
import string
import zlib
from collections.abc import Callable

from aiattest.guard.secrets.validators import base62

_AN = string.ascii_letters + string.digits
_HEX = "0123456789abcdef"
_B32 = string.ascii_uppercase + "234567"


def _r(rng: random.Random, n: int, alphabet: str = _AN) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _b64url(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def _github(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return f"github_pat_{_r(rng, 22)}_{_r(rng, 59)}"
    body = _r(rng, 30)
    return (
        f"{rng.choice(('ghp', 'gho', 'ghs', 'ghu'))}_{body}{base62(zlib.crc32(body.encode()), 6)}"
    )


def _jwt(rng: random.Random) -> str:
    header = {"alg": rng.choice(("HS256", "RS256", "ES256")), "typ": "JWT"}
    payload = {"sub": str(rng.randrange(10**6)), "iat": rng.randrange(1_600_000_000, 1_800_000_000)}
    return f"{_b64url(header)}.{_b64url(payload)}.{_r(rng, 43, _AN + '-_')}"


def _pem(rng: random.Random) -> str:
    kind = rng.choice(("RSA ", "EC ", "", "OPENSSH "))
    body = "\\n".join(_r(rng, 64, _AN + "+/") for _ in range(3))
    return f"-----BEGIN {kind}PRIVATE KEY-----\\n{body}\\n-----END {kind}PRIVATE KEY-----"


SECRETS: dict[str, Callable[[random.Random], str]] = {
    "openai": lambda r: r.choice((f"sk-proj-{_r(r, 74)}T3BlbkFJ{_r(r, 74)}",
                                  f"sk-{_r(r, 20)}T3BlbkFJ{_r(r, 20)}")),
    "anthropic": lambda r: f"sk-ant-api03-{_r(r, 93, _AN + '-_')}AA",
    "aws_access_key": lambda r: r.choice(("AKIA", "ASIA")) + _r(r, 16, _B32),
    "aws_secret_key": lambda r: _r(r, 40, _AN + "/+"),
    "gcp_service_account": _pem,
    "azure": lambda r: _r(r, 86, _AN + "+/") + "==",
    "github": _github,
    "gitlab": lambda r: f"glpat-{_r(r, 20, _AN + '-_')}",
    "slack": lambda r: (f"xox{r.choice('bpa')}-{r.randrange(10**11, 10**12)}-"
                        f"{r.randrange(10**12, 10**13)}-{_r(r, 24)}"),
    "stripe": lambda r: f"{r.choice(('sk', 'rk'))}_live_{_r(r, 24)}",
    "twilio": lambda r: "SK" + _r(r, 32, _HEX),
    "sendgrid": lambda r: f"SG.{_r(r, 22, _AN + '-_')}.{_r(r, 43, _AN + '-_')}",
    "huggingface": lambda r: "hf_" + _r(r, 34, string.ascii_letters),
    "jwt": _jwt,
    "private_key": _pem,
    "connection_string": lambda r: f"{_r(r, 8, string.ascii_lowercase)}:{_r(r, 14)}",
    "high_entropy": lambda r: _r(r, 32, _AN),
}  # fmt: skip

# How a secret appears on a line; {v} is the secret.
_CONTEXTS: dict[str, tuple[str, ...]] = {
    "aws_secret_key": ('aws_secret_access_key = {v}', 'AWS_SECRET_ACCESS_KEY="{v}"',
                       '"SecretAccessKey": "{v}",'),
    "gcp_service_account": ('{{"type": "service_account", "project_id": "demo", '
                            '"private_key": "{v}"}}',),
    "azure": ("DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={v};"
              "EndpointSuffix=core.windows.net",),
    "private_key": ('key = "{v}"', "{v}"),
    "connection_string": ("DATABASE_URL=postgres://{v}@db.internal:5432/app",
                          "mongo: mongodb+srv://{v}@cluster0.example.net/prod",
                          "REDIS_URL=redis://{v}@cache:6379/0",
                          "Server=tcp:sql.example.net;Database=app;User ID=sa;Password={p};"),
    "high_entropy": ('api_key = "{v}"', "token: {v}", 'client_secret="{v}"', "SECRET={v}"),
}  # fmt: skip
_DEFAULT_CONTEXTS = (
    "export KEY_VALUE={v}", 'config = {{"key": "{v}"}}', "here is my key {v} please debug",
    "Authorization: Bearer {v}", "  - value: {v}",
)  # fmt: skip

NEGATIVES: tuple[Callable[[random.Random], str], ...] = (
    lambda r: 'api_key = "YOUR_API_KEY_HERE"',
    lambda r: "password = changeme",
    lambda r: f"sha256: {_r(r, 64, _HEX)}",
    lambda r: f"commit {_r(r, 40, _HEX)} merged",
    lambda r: f"id = {r.randrange(10**8)}-{_r(r, 4, _HEX)}-{_r(r, 4, _HEX)}-{_r(r, 12, _HEX)}",
    lambda r: "token_count = 4096",
    lambda r: f"version: {r.randrange(9)}.{r.randrange(30)}.{r.randrange(30)}",
    lambda r: "DATABASE_URL=postgres://localhost:5432/app",
    lambda r: "The secret to good bread is patience.",
    lambda r: f"image: registry.example.com/app:{_r(r, 7, _HEX)}",
    lambda r: "OPENAI_API_KEY=${OPENAI_API_KEY}",
    lambda r: f"user_name = {r.choice(('alice', 'bob', 'carol'))}_{r.randrange(100)}",
    lambda r: "timeout: 30s  retries: 3  region: us-east-1",
    lambda r: "sk-this-is-not-a-key",
    lambda r: f"url: https://example.com/docs/{_r(r, 12, string.ascii_lowercase)}",
)


def generate(
    per_subtype: int = 300, negatives: int = 3000, seed: int = 11
) -> list[tuple[str, str | None]]:
    """Lines and their subtype (``None`` for negative lines), shuffled."""
    rng = random.Random(seed)
    lines: list[tuple[str, str | None]] = []
    for subtype, make in SECRETS.items():
        for _ in range(per_subtype):
            value = make(rng)
            template = rng.choice(_CONTEXTS.get(subtype, _DEFAULT_CONTEXTS))
            password = value.split(":", 1)[-1]
            lines.append((template.format(v=value, p=password), subtype))
    for _ in range(negatives):
        lines.append((rng.choice(NEGATIVES)(rng), None))
    rng.shuffle(lines)
    return lines
