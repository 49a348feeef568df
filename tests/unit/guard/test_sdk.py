"""The SDK: check_input / check_output over a whole request, with pseudonyms and canary."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiattest.config.guard import GuardSettings
from aiattest.errors import ConfigError, InputError
from aiattest.guard import (
    Action,
    Channel,
    Guard,
    Message,
    ToolCall,
    load_policy,
    parse_policy,
    registry,
)
from tests.unit.guard.conftest import FakeClock, FirstCallSlowScanner

POLICY = """\
version: 1
name: sdk-test
input:
  - scanner: custom
    channels: [system, user, tool, document]
    options:
      patterns:
        - {type: EMAIL_ADDRESS, regex: '[a-z]+@[a-z]+\\.com'}
      deny_lists:
        - {type: CODENAME, words: [bluebird]}
output:
  - scanner: custom
    options:
      patterns:
        - {type: EMAIL_ADDRESS, regex: '[a-z]+@[a-z]+\\.com'}
  - scanner: system_prompt_leak
  - scanner: refusal
actions:
  EMAIL_ADDRESS: redact
  CODENAME: block
  SYSTEM_PROMPT_LEAK: block
tools:
  allow:
    - {tools: [search]}
"""
SYSTEM = "You are the helpdesk bot of Northwind and you only answer questions about invoices."


def guard(tmp_path: Path, text: str = POLICY, **settings: object) -> Guard:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    # A clock that never moves: unit tests do not depend on how busy the machine is.
    return Guard(
        load_policy(path),
        settings=GuardSettings(**settings),  # type: ignore[arg-type]
        clock=FakeClock(),
    )


def test_input_redacted_and_restored_in_the_answer(tmp_path: Path) -> None:
    g = guard(tmp_path)
    request = g.check_input(
        [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": "Send it to ann@acme.com and cc ann@acme.com."},
        ]
    )
    assert request.decision is Action.REDACT
    system, user = request.messages
    assert user == Message(Channel.USER, "Send it to <EMAIL_ADDRESS_1> and cc <EMAIL_ADDRESS_1>.")
    assert request.context.canary is not None
    assert request.context.canary in system.text
    finding = request.verdict.messages[1].findings[0]
    assert (finding.start, finding.end) == (11, 23)
    answer = g.check_output("Sent to <EMAIL_ADDRESS_1>, and bob@evil.com was copied.", request)
    assert answer.decision is Action.REDACT
    assert answer.text == "Sent to ann@acme.com, and <EMAIL_ADDRESS> was copied."


def test_canary_in_the_answer_blocks(tmp_path: Path) -> None:
    g = guard(tmp_path)
    request = g.check_input(
        [{"role": "system", "content": SYSTEM}, {"role": "user", "content": "hi"}]
    )
    assert request.decision is Action.ALLOW
    leaked = g.check_output(f"My prompt says {request.context.canary}", request)
    assert leaked.decision is Action.BLOCK
    assert leaked.verdict.findings[0].subtype == "canary"


def test_no_canary_when_switched_off_or_without_system_prompt(tmp_path: Path) -> None:
    off = guard(tmp_path, canary=False)
    request = off.check_input([{"role": "system", "content": SYSTEM}])
    assert request.context.canary is None
    assert request.messages[0].text == SYSTEM
    assert guard(tmp_path).check_input([{"role": "user", "content": "x"}]).context.canary is None


def test_blocked_input(tmp_path: Path) -> None:
    request = guard(tmp_path).check_input(
        [Message(Channel.DOCUMENT, "Codename Bluebird launches Monday.")]
    )
    assert request.decision is Action.BLOCK


def test_bad_messages_are_input_errors(tmp_path: Path) -> None:
    g = guard(tmp_path)
    with pytest.raises(InputError, match="role"):
        g.check_input([{"role": "wizard", "content": "x"}])
    with pytest.raises(InputError, match="text"):
        g.check_input([{"role": "user", "content": 3}])


def test_multipart_content_is_scanned(tmp_path: Path) -> None:
    parts = [{"type": "text", "text": "about bluebird"}, {"type": "image_url", "image_url": {}}]
    assert (
        guard(tmp_path).check_input([{"role": "user", "content": parts}]).decision is Action.BLOCK
    )


def test_hash_mode_needs_a_key(tmp_path: Path) -> None:
    text = POLICY + "redaction: hash\n"
    with pytest.raises(ConfigError, match="key"):
        guard(tmp_path, text)
    keyed = guard(tmp_path, text, redaction_key="a-deployment-key-of-some-length")
    request = keyed.check_input([{"role": "user", "content": "ann@acme.com"}])
    assert request.messages[0].text.startswith("<EMAIL_ADDRESS:")


def test_weak_key_is_refused() -> None:
    with pytest.raises(ValueError, match="16"):
        GuardSettings(redaction_key="short")  # type: ignore[arg-type]


def test_tool_calls(tmp_path: Path) -> None:
    g = guard(tmp_path)
    assert g.check_tool_calls([ToolCall("search", {})], role="consumer").decision is Action.ALLOW
    assert g.check_tool_calls([ToolCall("shell", {})], role="consumer").decision is Action.BLOCK


def test_scan_text_on_assistant_channel_uses_output_scanners() -> None:
    g = Guard(parse_policy(POLICY), clock=FakeClock())
    verdict = g.scan_text("I cannot help with that.", Channel.ASSISTANT)
    assert [f.type for f in verdict.findings] == ["REFUSAL"]


FAKES = "tests.unit.guard.conftest"
PLUGGED = """\
version: 1
input:
  - scanner: {name}
output:
  - scanner: refusal
"""


def test_policy_scanner_that_raises_blocks_the_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.SCANNERS, "raising", f"{FAKES}:RaisingScanner")
    g = guard(tmp_path, PLUGGED.format(name="raising"))
    request = g.check_input([{"role": "user", "content": "hello"}])
    assert request.decision is Action.BLOCK
    assert [f.scanner for f in request.verdict.failures] == ["raising"]


def test_first_call_cost_is_paid_at_start_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.SCANNERS, "first_slow", f"{FAKES}:FirstCallSlowScanner")
    path = tmp_path / "policy.yaml"
    path.write_text(PLUGGED.format(name="first_slow"), encoding="utf-8")
    g = Guard(load_policy(path), clock=FirstCallSlowScanner.clock)
    assert g.scan_text("hello").decision is Action.ALLOW


def test_tool_only_assistant_turn_and_length_limit(tmp_path: Path) -> None:
    g = guard(tmp_path, max_input_chars=50)
    request = g.check_input(
        [{"role": "assistant", "content": None}, {"role": "user", "content": "hi"}]
    )
    assert request.messages[0].text == ""
    with pytest.raises(InputError, match="longer than 50"):
        g.check_input([{"role": "user", "content": "x" * 51}])


def test_guard_settings_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from aiattest.config import load_settings

    monkeypatch.setenv("AIATTEST_GUARD__REDACTION_KEY", "k3y-from-the-environment")
    monkeypatch.setenv("AIATTEST_GUARD__POLICY_PATH", str(tmp_path / "p.yaml"))
    settings = load_settings().guard
    assert settings.redaction_key is not None
    assert settings.redaction_key.get_secret_value() == "k3y-from-the-environment"
    assert "k3y-from" not in repr(settings)
    assert settings.policy_path == tmp_path / "p.yaml"
