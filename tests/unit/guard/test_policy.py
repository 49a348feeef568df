"""Policy files: validation errors name file and line; overrides; the shipped default."""

from __future__ import annotations

from pathlib import Path

import pytest

from aiattest.errors import ConfigError
from aiattest.guard.interface import Action
from aiattest.guard.policy import RedactionMode, load_policy, parse_policy

BASE = """\
version: 1
name: test
input:
  - scanner: custom
    options:
      patterns:
        - {type: EMPLOYEE_ID, regex: 'EMP-[0-9]{6}'}
output:
  - scanner: refusal
actions:
  EMPLOYEE_ID: redact
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    return info.value.message


def test_valid_policy_loads(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, BASE))
    rule = policy.resolve()
    assert [b.name for b in rule.input] == ["custom"]
    assert [b.name for b in rule.output] == ["refusal"]
    assert rule.actions == {"EMPLOYEE_ID": Action.REDACT}
    assert rule.default_action is Action.FLAG
    assert rule.redaction is RedactionMode.PSEUDONYMISE


def test_unknown_scanner_names_file_and_line(tmp_path: Path) -> None:
    text = BASE.replace("  - scanner: refusal", "  - scanner: nonsense")
    message = error_of(tmp_path, text)
    assert message.startswith(f"{tmp_path / 'policy.yaml'}:9:")
    assert "unknown scanner 'nonsense'" in message


def test_bad_action_names_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, BASE.replace("EMPLOYEE_ID: redact", "EMPLOYEE_ID: explode"))
    assert ":11:" in message
    assert "actions.EMPLOYEE_ID" in message


def test_threshold_outside_unit_interval(tmp_path: Path) -> None:
    message = error_of(tmp_path, BASE + "thresholds:\n  PERSON: 1.5\n")
    assert ":12:" in message
    assert "within [0, 1]" in message


def test_unknown_key_names_its_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, BASE + "redacton: mask\n")
    assert ":12:" in message
    assert "redacton" in message


def test_catastrophic_or_backtracking_pattern_is_refused_with_line(tmp_path: Path) -> None:
    for bad in (r"(a)\1", "(?=x)y", "(a{1000}){1000}"):
        message = error_of(tmp_path, BASE.replace("EMP-[0-9]{6}", bad))
        assert ":7:" in message, message  # the line of the pattern itself
        assert "not accepted" in message


def test_error_points_at_the_faulty_pattern_among_several(tmp_path: Path) -> None:
    text = BASE.replace(
        "        - {type: EMPLOYEE_ID, regex: 'EMP-[0-9]{6}'}",
        "        - {type: EMPLOYEE_ID, regex: 'EMP-[0-9]{6}'}\n"
        "        - type: BADGE\n"
        "          regex: '(?<=badge )[0-9]+'",
    )
    message = error_of(tmp_path, text)
    assert ":9:" in message, message
    assert "(?<=badge )" in message


def test_bad_custom_option_names_its_line(tmp_path: Path) -> None:
    text = BASE.replace("regex: 'EMP-[0-9]{6}'}", "regex: 'x', score: 7}")
    message = error_of(tmp_path, text)
    assert ":7:" in message
    assert "patterns.0.score" in message


def test_invalid_yaml_names_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, BASE + "actions: [unclosed\n")
    assert "not valid YAML" in message
    assert ":13:" in message or ":12:" in message


def test_duplicate_key_is_an_error(tmp_path: Path) -> None:
    message = error_of(tmp_path, BASE + "actions:\n  SECRET: block\n")
    assert ":12:" in message
    assert "duplicate key 'actions'" in message


@pytest.mark.parametrize("text", ["", "# nothing\n", "{}\n"])
def test_empty_policy_is_an_error(tmp_path: Path, text: str) -> None:
    assert "policy is empty" in error_of(tmp_path, text)


def test_policy_without_scanners_is_an_error(tmp_path: Path) -> None:
    assert "no input scanners" in error_of(
        tmp_path, "version: 1\nname: x\noutput:\n  - scanner: refusal\n"
    )
    assert "input" in error_of(tmp_path, "version: 1\ninput: []\noutput:\n  - scanner: refusal\n")


def test_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert "mapping" in error_of(tmp_path, "- a\n- b\n")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_policy(tmp_path / "absent.yaml")


def test_invalid_tool_schema_names_line(tmp_path: Path) -> None:
    text = BASE + "tools:\n  schemas:\n    search: {type: 12}\n"
    message = error_of(tmp_path, text)
    assert ":13:" in message
    assert "not a valid JSON Schema" in message


def test_overrides_by_route_tenant_and_model() -> None:
    text = BASE + (
        "overrides:\n"
        "  - when: {route: 'internal-*'}\n"
        "    actions: {EMPLOYEE_ID: allow}\n"
        "  - when: {tenant: acme, model: 'gpt-*'}\n"
        "    redaction: mask\n"
        "    output:\n"
        "      - scanner: exfiltration\n"
    )
    policy = parse_policy(text, "inline")
    assert policy.resolve().actions["EMPLOYEE_ID"] is Action.REDACT
    assert policy.resolve(route="internal-chat").actions["EMPLOYEE_ID"] is Action.ALLOW
    acme = policy.resolve(tenant="acme", model="gpt-4o")
    assert acme.redaction is RedactionMode.MASK
    assert [b.name for b in acme.output] == ["exfiltration"]
    assert [b.name for b in acme.input] == ["custom"]  # not overridden: inherited
    assert policy.resolve(tenant="acme").redaction is RedactionMode.PSEUDONYMISE  # model missing


def test_equal_scanner_specs_share_one_instance() -> None:
    text = BASE.replace("  - scanner: refusal", "  - scanner: refusal\n  - scanner: refusal")
    rule = parse_policy(text).resolve()
    assert rule.output[0].scanner is rule.output[1].scanner


def test_channels_and_timeouts() -> None:
    text = BASE.replace(
        "  - scanner: refusal", "  - scanner: refusal\n    channels: [tool]\n    timeout_ms: 5"
    )
    bound = parse_policy(text).resolve().output[0]
    assert {c.value for c in bound.channels} == {"tool"}
    assert bound.timeout_s == pytest.approx(0.005)


def test_shipped_default_policy() -> None:
    rule = load_policy().resolve()
    assert {"injection", "pii", "secrets"} <= {b.name for b in rule.input}
    assert rule.actions["PROMPT_INJECTION"] is Action.BLOCK
    assert rule.actions["SECRET"] is Action.BLOCK
    assert rule.actions["EMAIL_ADDRESS"] is Action.REDACT


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghi":
        prev = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
    assert "alias bomb" in error_of(tmp_path, bomb)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    assert "not valid YAML" in error_of(tmp_path, "a: " + "[" * 5000 + "]" * 5000 + "\n")


def test_override_scanners_inherit_the_top_level_budget() -> None:
    text = (
        BASE
        + "timeout_ms: 40\noverrides:\n  - when: {route: r}\n"
        + "    output:\n      - scanner: refusal\n"
    )
    policy = parse_policy(text)
    assert policy.resolve(route="r").output[0].timeout_s == pytest.approx(0.04)
    assert policy.resolve().input[0].timeout_s == pytest.approx(0.04)
