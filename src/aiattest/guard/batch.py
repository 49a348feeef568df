"""Scan JSON Lines files: the library behind ``aiattest guard scan --input``.

Input lines are ``{"id": …, "text": …, "channel": "user"|"tool"|"document"}`` (channel
optional); output lines are ``{"id", "decision", "injection": {"score", "detected"},
"findings": [{"type", "start", "end", "score", "scanner"}]}``. Files are streamed line
by line. The input is validated in a first pass so that a malformed line is reported
(with its number) before anything is written.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from aiattest.errors import InputError
from aiattest.guard.interface import Action, Channel
from aiattest.guard.pipeline import Verdict
from aiattest.guard.sdk import Guard

INJECTION = "injection"


@dataclass(frozen=True, slots=True)
class ScanRequest:
    """One input line."""

    id: Any
    """The caller's id, echoed back (the line number when the line has none)."""
    text: str
    """Text to scan."""
    channel: Channel
    """Channel it arrives on."""


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch did."""

    scanned: int
    """Lines scanned."""
    blocked: int
    """Lines whose decision was block."""


def parse_line(line: str, number: int, *, max_chars: int) -> ScanRequest | None:
    """The request on one input line (None for a blank line); InputError names the line."""
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as e:
        raise InputError(f"line {number}: not valid JSON ({_short(e)})") from e
    if not isinstance(record, dict):
        raise InputError(f"line {number}: expected a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise InputError(f'line {number}: "text" must be a string')
    if len(text) > max_chars:
        raise InputError(f'line {number}: "text" is longer than {max_chars} characters')
    raw_channel = record.get("channel", "user")
    try:
        channel = Channel(raw_channel)
    except ValueError:
        allowed = ", ".join(c.value for c in Channel)
        raise InputError(f'line {number}: "channel" must be one of {allowed}') from None
    ident = record.get("id", number)
    if isinstance(ident, dict | list):
        raise InputError(f'line {number}: "id" must be a string or a number')
    return ScanRequest(ident, text, channel)


def read_requests(path: Path, *, max_chars: int) -> Iterator[ScanRequest]:
    """Stream the requests in ``path``."""
    try:
        with path.open(encoding="utf-8-sig") as fh:  # tolerate a byte-order mark
            for number, line in enumerate(fh, start=1):
                request = parse_line(line, number, max_chars=max_chars)
                if request is not None:
                    yield request
    except FileNotFoundError as e:
        raise InputError(f"input file {path} does not exist") from e
    except UnicodeDecodeError as e:
        raise InputError(f"input file {path} is not UTF-8 text") from e
    except OSError as e:
        raise InputError(f"input file {path} cannot be read: {e.strerror}") from e


def record_for(ident: Any, verdict: Verdict) -> dict[str, Any]:
    """The output line for one verdict."""
    record: dict[str, Any] = {
        "id": ident,
        "decision": verdict.decision.value,
        "injection": {
            "score": float(verdict.scores.get(INJECTION, 0.0)),
            "detected": any(f.scanner == INJECTION for f in verdict.findings),
        },
        "findings": [
            {
                "type": f.type,
                "start": f.start,
                "end": f.end,
                "score": float(f.score),
                "scanner": f.scanner,
            }
            for f in verdict.findings
        ],
    }
    if verdict.failures:
        record["failures"] = [{"scanner": x.scanner, "reason": x.reason} for x in verdict.failures]
    return record


def scan_file(guard: Guard, source: Path, sink: Path | IO[str]) -> BatchSummary:
    """Scan every line of ``source`` into ``sink`` (a path is written atomically)."""
    max_chars = guard.settings.max_input_chars
    for _ in read_requests(source, max_chars=max_chars):
        pass  # first pass: refuse a malformed file before writing anything
    if not isinstance(sink, Path):
        return _scan_into(guard, source, sink)
    sink.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{sink.name}.", dir=sink.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            summary = _scan_into(guard, source, fh)
        os.replace(tmp, sink)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return summary


def _scan_into(guard: Guard, source: Path, out: IO[str]) -> BatchSummary:
    scanned = blocked = 0
    for request in read_requests(source, max_chars=guard.settings.max_input_chars):
        verdict = guard.scan_text(request.text, request.channel)
        out.write(json.dumps(record_for(request.id, verdict), ensure_ascii=False) + "\n")
        scanned += 1
        blocked += verdict.decision is Action.BLOCK
    return BatchSummary(scanned, blocked)


def _short(error: Exception) -> str:
    return str(error).split("\n", 1)[0][:100]
