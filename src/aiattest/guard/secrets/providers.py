"""Provider key formats (OpenAI, Anthropic, AWS, GCP, Azure, GitHub, GitLab, Slack,
Stripe, Twilio, SendGrid, Hugging Face), JWTs, PEM private keys and connection strings.

Every rule has a literal it cannot match without, checked with ``in`` before its pattern
runs; patterns use bounded repetitions only, so scans stay linear.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass

from aiattest.guard.secrets import validators
from aiattest.guard.secrets.types import Hit

_NB = r"(?![A-Za-z0-9_-])"  # token must end here


@dataclass(frozen=True, slots=True)
class Rule:
    """One provider format: the substrings that gate it, its pattern, subtype and score."""

    subtype: str
    """SECRET subtype reported for a match."""
    needles: tuple[str, ...]
    """The pattern runs only when one of these occurs in the text."""
    pattern: re.Pattern[str]
    """The token; group ``v`` (if present) is the reported span."""
    score: float
    """Score of a match that passes ``check``."""
    check: Callable[[str], float | None] | None = None
    """Optional validator: returns an adjusted score, or None to drop the match."""


def _openai(value: str) -> float | None:
    if value.startswith("sk-ant-") or len(value) < 40:
        return None
    if "T3BlbkFJ" in value:  # base64 of "OpenAI", embedded in every OpenAI key
        return 0.97
    body = value.split("-", 2)[-1] if value.count("-") >= 2 else value[3:]
    # Without the marker, only a random-looking body counts: "sk-learn-compatible-…" no.
    random_like = (
        any(c.isupper() for c in body)
        and any(c.islower() for c in body)
        and any(c.isdigit() for c in body)
        and validators.shannon_entropy(body) >= 4.0
    )
    return 0.85 if random_like else None


def _github(value: str) -> float | None:
    if value.startswith("github_pat_"):
        return 0.95
    return 0.99 if validators.github_checksum_ok(value) else 0.8


def _jwt(value: str) -> float | None:
    return 0.9 if validators.jwt_ok(value) else None


def _aws_key(value: str) -> float | None:
    return 0.95 if len(set(value[4:])) > 4 else None


RULES: tuple[Rule, ...] = (
    Rule("anthropic", ("sk-ant-",),
         re.compile(r"sk-ant-[a-z]{2,8}\d{2}-[A-Za-z0-9_-]{32,160}" + _NB), 0.98),
    Rule("openai", ("sk-",),
         re.compile(r"sk-(?<![A-Za-z0-9_-]sk-)(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{20,220}"
                    + _NB), 0.85, _openai),
    Rule("aws_access_key", ("AKIA", "ASIA", "ABIA", "ACCA", "AROA", "AIDA"),
         re.compile(r"A(?<![A-Z0-9]A)(?:KIA|SIA|BIA|CCA|ROA|IDA)[A-Z2-7]{16}(?![A-Z0-9])"),
         0.95, _aws_key),
    Rule("azure", ("AccountKey=", "SharedAccessKey="),
         re.compile(r"(?:AccountKey|SharedAccessKey)=(?P<v>[A-Za-z0-9+/]{40,100}={0,2})"), 0.97),
    Rule("azure", ("Q~",),
         re.compile(r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}"
                    r"(?![A-Za-z0-9_~.-])"), 0.9),
    Rule("github", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
         re.compile(r"(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})"
                    + _NB), 0.95, _github),
    Rule("gitlab", ("glpat-", "gldt-", "glrt-"),
         re.compile(r"gl(?:pat|dt|rt)-[A-Za-z0-9_.-]{20,80}" + _NB), 0.95),
    Rule("slack", ("xox",),
         re.compile(r"xox[baprse]-\d{6,16}-[A-Za-z0-9-]{8,200}" + _NB), 0.95),
    Rule("slack", ("hooks.slack.com",),
         re.compile(r"https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/"
                    r"[A-Za-z0-9]{20,32}"), 0.95),
    Rule("stripe", ("_live_",),
         re.compile(r"(?:sk|rk)_live_[A-Za-z0-9]{20,120}" + _NB), 0.97),
    Rule("twilio", ("SK",),
         re.compile(r"SK(?<![A-Za-z0-9]SK)[0-9a-f]{32}(?![A-Za-z0-9])"), 0.85),
    Rule("twilio", ("AC",),
         re.compile(r"AC(?<![A-Za-z0-9]AC)[0-9a-f]{32}(?![A-Za-z0-9])"), 0.7),
    Rule("sendgrid", ("SG.",),
         re.compile(r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + _NB), 0.98),
    Rule("huggingface", ("hf_",),
         re.compile(r"hf_(?<![A-Za-z0-9_]hf_)[A-Za-z0-9]{30,40}" + _NB), 0.92),
    Rule("jwt", ("eyJ",),
         re.compile(r"eyJ[A-Za-z0-9_-]{8,2000}\.[A-Za-z0-9_-]{2,8000}\.[A-Za-z0-9_-]{0,2000}"
                    + _NB), 0.9, _jwt),
)  # fmt: skip

_PEM_BEGIN = re.compile(
    r"-----BEGIN (?:[A-Z0-9]{2,10} )?(?:ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----"
)
_PEM_END = re.compile(r"-----END (?:[A-Z0-9]{2,10} )?(?:ENCRYPTED )?PRIVATE KEY(?: BLOCK)?-----")
_PEM_BODY = re.compile(r"(?:[A-Za-z0-9+/=:\- \t\r\n]|\\n){0,8000}")
_GCP_TYPE = re.compile(r"[\"']type[\"']\s{0,5}:\s{0,5}[\"']service_account[\"']")
_GCP_KEY = re.compile(r"[\"']private_key[\"']\s{0,5}:\s{0,5}[\"'](?P<v>[^\"']{20,8000})[\"']")
_CONN_URL = re.compile(
    r"(?<![\w+.-])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|"
    r"sqlserver|oracle|cockroachdb|clickhouse|jdbc:[a-z]{2,12}|[a-z]{2,12}\+[a-z0-9]{2,12})"
    r"://(?P<user>[^\s:/@\"'<>]{0,128}):(?P<pw>[^\s/@\"'<>]{1,128})@[A-Za-z0-9.\-\[\]:]{1,260}"
    r"[^\s\"'<>)\]]{0,1000}",
    re.IGNORECASE,
)
_CONN_KV = re.compile(
    r"(?:^|;)\s{0,3}(?:Password|Pwd)\s{0,3}=\s{0,3}(?P<v>[^;\s\"']{1,200})", re.I | re.M
)
_CONN_KV_HINT = re.compile(r"(?:Server|Data Source|Host|User ID|Uid|Database)\s{0,3}=", re.I)


def find_private_keys(text: str) -> list[Hit]:
    """PEM private keys (also with ``\\n`` escapes, as inside JSON)."""
    if "PRIVATE KEY" not in text:
        return []
    out: list[Hit] = []
    # END markers are found in one pass and paired by bisection, so text full of BEGIN
    # lines costs O(n log n) rather than a 10 KB look-ahead per BEGIN.
    ends = [m.span() for m in _PEM_END.finditer(text)]
    end_starts = [s for s, _ in ends]
    covered = -1
    for begin in _PEM_BEGIN.finditer(text):
        if begin.start() < covered:
            continue
        i = bisect.bisect_left(end_starts, begin.end())
        if i < len(ends) and ends[i][0] - begin.end() <= 10000:
            stop, score = ends[i][1], 0.99
        else:  # a truncated key still leaks its header and body
            body = _PEM_BODY.match(text, begin.end())
            stop, score = (body.end() if body else begin.end()), 0.9
        covered = stop
        out.append(Hit(begin.start(), stop, "private_key", score))
    return out


def find_gcp_service_accounts(text: str) -> list[Hit]:
    """The ``private_key`` of a GCP service-account JSON (``"type": "service_account"``)."""
    if "service_account" not in text or "private_key" not in text:
        return []
    if _GCP_TYPE.search(text) is None:
        return []
    return [
        Hit(m.start("v"), m.end("v"), "gcp_service_account", 0.99) for m in _GCP_KEY.finditer(text)
    ]


def find_connection_strings(text: str) -> list[Hit]:
    """Database/broker URLs with a password, and ADO-style ``…;Password=…`` strings."""
    out = []
    if "://" in text:
        for m in _CONN_URL.finditer(text):
            pw = m.group("pw")
            score = 0.5 if validators.is_placeholder(pw) else 0.95
            end = m.end()
            while text[end - 1] in ".,;:!?":
                end -= 1
            out.append(Hit(m.start(), end, "connection_string", score))
    low = text.lower()
    if ("password" in low or "pwd" in low) and _CONN_KV_HINT.search(text):
        for m in _CONN_KV.finditer(text):
            value = m.group("v")
            score = 0.5 if validators.is_placeholder(value) else 0.9
            out.append(Hit(m.start("v"), m.end("v"), "connection_string", score))
    return out


def find_provider_keys(text: str) -> list[Hit]:
    """Every rule of :data:`RULES` whose needle occurs in ``text``."""
    out = []
    for rule in RULES:
        if not any(n in text for n in rule.needles):
            continue
        for m in rule.pattern.finditer(text):
            start, end = m.span("v") if "v" in rule.pattern.groupindex else m.span()
            score: float | None = rule.score
            if rule.check is not None:
                score = rule.check(m.group())
            if score is not None:
                out.append(Hit(start, end, rule.subtype, score))
    return out


_AWS_SECRET = re.compile(
    r"[A-Za-z0-9/+](?<![A-Za-z0-9/+=][A-Za-z0-9/+])[A-Za-z0-9/+]{39}(?![A-Za-z0-9/+=])"
)
_AWS_CONTEXT = ("aws", "AKIA", "ASIA", "secret_access_key", "SecretAccessKey", "AWS")


def find_aws_secret_keys(text: str) -> list[Hit]:
    """40-character AWS secret access keys, only near an AWS cue and random enough."""
    low = text.lower()
    if "aws" not in low and "AKIA" not in text and "ASIA" not in text:
        return []
    out = []
    for m in _AWS_SECRET.finditer(text):
        value = m.group()
        window = text[max(0, m.start() - 120) : m.start()]
        if not any(cue in window for cue in _AWS_CONTEXT) and "aws" not in window.lower():
            continue
        if validators.char_classes(value) < 3 or validators.shannon_entropy(value) < 4.0:
            continue
        out.append(Hit(m.start(), m.end(), "aws_secret_key", 0.9))
    return out
