"""SecretsScanner: one positive and one negative per subtype, offsets, overlaps, options.

Every credential here is fake: random characters in the provider's published shape.
"""

from __future__ import annotations

import base64
import json
import zlib

import pytest

from aiattest.errors import ScannerError
from aiattest.guard.interface import ScanContext, Severity
from aiattest.guard.secrets import SUBTYPES, SecretsScanner
from aiattest.guard.secrets.validators import base62

CTX = ScanContext()
R40 = "Zk3Qp9Lm2Xv8Rt6Yw4Nb7Hc5Jd1Fg0Sa2Ue9Io3P"  # 40 mixed characters
R86 = (R40 * 3)[:86]


def _gh(body: str) -> str:
    return f"ghp_{body}{base62(zlib.crc32(body.encode()), 6)}"


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


JWT = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64({'sub': '42'})}.{R40[:43]}"
PEM = (
    f"-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA{R40}\n{R40}\n-----END RSA PRIVATE KEY-----"
)
POSITIVES = {
    "openai": f"OPENAI_API_KEY=sk-proj-{R40}{R40}T3BlbkFJ{R40}",
    "anthropic": f"key: sk-ant-api03-{R40}{R40}-_AA",
    "aws_access_key": "aws_access_key_id = AKIAQW3RT5YU7IO2PA6S",
    "aws_secret_key": f"aws_secret_access_key = {R40[:38]}/+",
    "gcp_service_account": '{"type": "service_account", "private_key": '
    f'"-----BEGIN PRIVATE KEY-----\\nMIIEv{R40}\\n-----END PRIVATE KEY-----\\n"}}',
    "azure": f"DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={R86}==;",
    "github": f"token {_gh(R40[:30])} here",
    "gitlab": f"GITLAB_TOKEN=glpat-{R40[:20]}",
    "slack": f"xoxb-123456789012-1234567890123-{R40[:24]}",
    "stripe": f"stripe.api_key = 'sk_live_{R40[:24]}'",
    "twilio": "TWILIO_KEY=SK0123456789abcdef0123456789abcdef",
    "sendgrid": f"SG.{R40[:22]}.{R40}abc",
    "huggingface": f"HF_TOKEN=hf_{'AbCdEfGhIjKlMnOpQrStUvWxYzAbCdEfGh'}",
    "jwt": f"Authorization: Bearer {JWT}",
    "private_key": PEM,
    "connection_string": "DATABASE_URL=postgres://app:Tr0ub4dor3x@db.internal:5432/prod",
    "high_entropy": f'api_key = "{R40[:32]}"',
}
NEGATIVES = {
    "openai": "sk-this-is-not-a-key and task-list",
    "anthropic": "sk-ant-short",
    "aws_access_key": "AKIA is a prefix; AKIAAAAAAAAAAAAAAAAA is a run",
    "aws_secret_key": f"checksum {R40} with no cloud context",
    "gcp_service_account": '{"type": "user", "private_key_id": "abc"}',
    "azure": "AccountKey=short",
    "github": "ghp_tooShort123 and gh_pat",
    "gitlab": "glpat-short",
    "slack": "xoxb-notanumber",
    "stripe": "sk_test_ is documented; sk_live_short",
    "twilio": "SKU 0123456789abcdef0123456789abcdef",
    "sendgrid": "SG.short.token",
    "huggingface": "hf_short",
    "jwt": "eyJub3QiOiJqc29uIn0.eyJzdWIiOiI0MiJ9.c2ln",  # header has no alg
    "private_key": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBg\n-----END PUBLIC KEY-----",
    "connection_string": "DATABASE_URL=postgres://localhost:5432/app",
    "high_entropy": 'api_key = "YOUR_API_KEY_HERE" token_count = 4096 password = changeme',
}


@pytest.fixture(scope="module")
def scanner() -> SecretsScanner:
    return SecretsScanner()


def test_every_subtype_is_covered() -> None:
    assert set(POSITIVES) == set(NEGATIVES) == set(SUBTYPES)


@pytest.mark.parametrize("subtype", SUBTYPES)
def test_positive(scanner: SecretsScanner, subtype: str) -> None:
    findings = scanner.scan(POSITIVES[subtype], CTX)
    assert subtype in {f.subtype for f in findings}
    assert all(f.type == "SECRET" and f.scanner == "secrets" for f in findings)


@pytest.mark.parametrize("subtype", SUBTYPES)
def test_negative(scanner: SecretsScanner, subtype: str) -> None:
    assert scanner.scan(NEGATIVES[subtype], CTX) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (f"my token is {_gh(R40[:30])}.", _gh(R40[:30])),
        (f'api_key = "{R40[:32]}"', R40[:32]),
        ("Server=tcp:x.net;Database=db;User ID=sa;Password=Hx7!kq9Lm2;", "Hx7!kq9Lm2"),
        (f"{PEM}\ntrailing", PEM),
        ("redis://:S3cr3tPassw0rd@cache:6379/0 ok", "redis://:S3cr3tPassw0rd@cache:6379/0"),
    ],
)
def test_exact_offsets(scanner: SecretsScanner, text: str, value: str) -> None:
    [finding] = scanner.scan(text, CTX)
    assert text[finding.start : finding.end] == value


def test_github_checksum_raises_the_score(scanner: SecretsScanner) -> None:
    good = _gh(R40[:30])
    bad = good[:-1] + ("A" if good[-1] != "A" else "B")
    [g] = scanner.scan(good, CTX)
    [b] = scanner.scan(bad, CTX)
    assert g.score > b.score >= 0.5


def test_provider_format_wins_over_generic_entropy(scanner: SecretsScanner) -> None:
    text = f"token = {_gh(R40[:30])}"
    assert [f.subtype for f in scanner.scan(text, CTX)] == ["github"]


def test_severity(scanner: SecretsScanner) -> None:
    [key] = scanner.scan(POSITIVES["aws_access_key"], CTX)
    [entropy] = scanner.scan(POSITIVES["high_entropy"], CTX)
    assert key.severity is Severity.CRITICAL
    assert entropy.severity is Severity.HIGH


def test_password_needs_less_entropy_than_an_api_key(scanner: SecretsScanner) -> None:
    assert [f.subtype for f in scanner.scan("password: abcabcabc123", CTX)] == ["high_entropy"]
    assert scanner.scan("api_key: abcabcabc123", CTX) == []


def test_subtypes_and_threshold_options() -> None:
    text = POSITIVES["aws_access_key"] + " " + POSITIVES["jwt"]
    only = SecretsScanner(subtypes=["jwt"])
    assert {f.subtype for f in only.scan(text, CTX)} == {"jwt"}
    assert SecretsScanner(threshold=0.99).scan(text, CTX) == []


@pytest.mark.parametrize(
    "options",
    [{"subtypes": ["nope"]}, {"threshold": 2}, {"min_entropy": 0}, {"bogus": 1}],
)
def test_bad_options_raise_scanner_error(options: dict[str, object]) -> None:
    with pytest.raises(ScannerError):
        SecretsScanner.from_options(options)


def test_many_private_key_headers_without_end(scanner: SecretsScanner) -> None:
    text = "-----BEGIN PRIVATE KEY-----\n" * 200
    findings = scanner.scan(text, CTX)
    assert len(findings) == 1  # one truncated key spanning the run, not 200 overlapping ones
    assert findings[0].subtype == "private_key"


@pytest.mark.parametrize(
    "text",
    [
        "pip install sk-learn-compatible-transformer-pipeline-helpers",
        "see task-management-system-for-small-teams-2024-edition",
        "The token: transformers are great",
    ],
)
def test_prose_and_identifiers_are_not_secrets(scanner: SecretsScanner, text: str) -> None:
    assert scanner.scan(text, CTX) == []


def test_openai_key_without_marker_needs_a_random_body(scanner: SecretsScanner) -> None:
    [f] = scanner.scan(f"key sk-{R40}{R40[:8]} end", CTX)
    assert f.subtype == "openai"
    assert f.score == 0.85
