"""``aiattest guard scan`` through the Typer runner: the evaluation contract."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aiattest.cli.app import app

runner = CliRunner()
POLICY = """\
version: 1
name: cli-test
input:
  - scanner: custom
    options:
      patterns:
        - {type: EMAIL_ADDRESS, regex: '[a-z]+@[a-z]+\\.com'}
      deny_lists:
        - {type: CODENAME, words: [bluebird]}
output:
  - scanner: refusal
actions:
  EMAIL_ADDRESS: redact
  CODENAME: block
"""


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return path


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_text_argument(policy: Path) -> None:
    result = runner.invoke(app, ["guard", "scan", "write to ann@acme.com", "--policy", str(policy)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "id": None,
        "decision": "redact",
        "injection": {"score": 0.0, "detected": False},
        "findings": [
            {"type": "EMAIL_ADDRESS", "start": 9, "end": 21, "score": 0.9, "scanner": "custom"}
        ],
    }


def test_input_to_output_file_exit_1_when_blocked(tmp_path: Path, policy: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"id": "a", "text": "hello"}\n'
        "\n"
        '{"id": 7, "text": "bluebird ships", "channel": "document"}\n'
        '{"text": "ann@acme.com", "channel": "tool"}\n',
        encoding="utf-8",
    )
    target = tmp_path / "out" / "result.jsonl"
    args = [
        "guard",
        "scan",
        "--input",
        str(source),
        "--output",
        str(target),
        "--policy",
        str(policy),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 1, result.output
    records = lines(target)
    assert [(r["id"], r["decision"]) for r in records] == [
        ("a", "allow"),
        (7, "block"),
        (4, "redact"),  # no id: the line number stands in
    ]
    assert records[1]["findings"] == [
        {"type": "CODENAME", "start": 0, "end": 8, "score": 1.0, "scanner": "custom"}
    ]
    assert list(target.parent.iterdir()) == [target]  # no temporary file left behind


def test_input_to_stdout_exit_0(tmp_path: Path, policy: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "fine"}\n{"id": 2, "text": "also fine"}\n')
    result = runner.invoke(app, ["guard", "scan", "--input", str(source), "--policy", str(policy)])
    assert result.exit_code == 0
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == [1, 2]


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ("{not json", "line 2: not valid JSON"),
        ('["a list"]', "line 2: expected a JSON object"),
        ('{"id": 1}', 'line 2: "text" must be a string'),
        ('{"id": 1, "text": "x", "channel": "radio"}', 'line 2: "channel" must be one of'),
        ('{"id": {"a": 1}, "text": "x"}', 'line 2: "id" must be a string or a number'),
    ],
)
def test_bad_line_exits_2_and_writes_nothing(
    tmp_path: Path, policy: Path, bad_line: str, message: str
) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "bluebird"}\n' + bad_line + "\n")
    target = tmp_path / "out.jsonl"
    args = [
        "guard",
        "scan",
        "--input",
        str(source),
        "--output",
        str(target),
        "--policy",
        str(policy),
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not target.exists()
    assert set(tmp_path.iterdir()) == {source, policy}


def test_usage_errors_exit_2(tmp_path: Path, policy: Path) -> None:
    assert runner.invoke(app, ["guard", "scan", "--policy", str(policy)]).exit_code == 2
    missing = runner.invoke(app, ["guard", "scan", "--input", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
    bad_policy = tmp_path / "bad.yaml"
    bad_policy.write_text("version: 1\ninput:\n  - scanner: nope\n")
    result = runner.invoke(app, ["guard", "scan", "x", "--policy", str(bad_policy)])
    assert result.exit_code == 2
    assert f"{bad_policy}:3:" in result.stderr


def test_policy_from_settings(tmp_path: Path, policy: Path) -> None:
    env = {"AIATTEST_GUARD__POLICY_PATH": str(policy)}
    result = runner.invoke(app, ["guard", "scan", "bluebird"], env=env)
    assert result.exit_code == 1
    assert json.loads(result.stdout)["findings"][0]["type"] == "CODENAME"


def test_check_policy(tmp_path: Path, policy: Path) -> None:
    result = runner.invoke(app, ["guard", "check-policy", str(policy), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "name": "cli-test",
        "source": str(policy),
        "input": ["custom"],
        "output": ["refusal"],
        "overrides": 0,
        "redaction": "pseudonymise",
    }
    bad = tmp_path / "bad.yaml"
    bad.write_text(POLICY.replace("CODENAME: block", "CODENAME: maybe"))
    result = runner.invoke(app, ["guard", "check-policy", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:14:" in result.stderr


def test_byte_order_mark_and_crlf_are_tolerated(tmp_path: Path, policy: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(
        b'\xef\xbb\xbf{"id": 1, "text": "fine"}\r\n{"id": 2, "text": "bluebird"}\r\n'
    )
    result = runner.invoke(app, ["guard", "scan", "--input", str(source), "--policy", str(policy)])
    assert result.exit_code == 1, result.output
    assert [json.loads(x)["decision"] for x in result.stdout.splitlines()] == ["allow", "block"]
