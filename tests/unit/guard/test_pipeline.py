"""The pipeline: decisions from the policy, thresholds, channels, and failing closed."""

from __future__ import annotations

from aiattest.guard.interface import Action, Channel, Message, ScanContext
from aiattest.guard.pipeline import Pipeline, Stage
from tests.unit.guard.conftest import (
    FakeClock,
    FixedScanner,
    RaisingScanner,
    SlowScanner,
    finding,
    rule_with,
)

USER = ScanContext(channel=Channel.USER)


def test_no_findings_allows() -> None:
    verdict = Pipeline(rule_with(FixedScanner())).scan_text("hello", USER)
    assert verdict.decision is Action.ALLOW
    assert verdict.findings == ()
    assert verdict.scores == {"fixed": 0.0}


def test_strongest_action_wins_and_unknown_types_get_the_default() -> None:
    scanner = FixedScanner([finding("EMAIL_ADDRESS", 0, 3), finding("SECRET", 4, 9)])
    rule = rule_with(scanner, actions={"EMAIL_ADDRESS": Action.REDACT, "SECRET": Action.BLOCK})
    verdict = Pipeline(rule).scan_text("abc defgh", USER)
    assert verdict.decision is Action.BLOCK
    assert verdict.actions == (Action.REDACT, Action.BLOCK)
    only_email = rule_with(FixedScanner([finding("OTHER", 0, 1)]))
    assert Pipeline(only_email).scan_text("abc", USER).decision is Action.FLAG


def test_subtype_rule_overrides_type_rule() -> None:
    scanner = FixedScanner([finding("SECRET", 0, 3, subtype="test_key")])
    rule = rule_with(scanner, actions={"SECRET": Action.BLOCK, "SECRET:test_key": Action.FLAG})
    assert Pipeline(rule).scan_text("abc", USER).decision is Action.FLAG


def test_threshold_drops_low_scores_but_raw_score_is_reported() -> None:
    scanner = FixedScanner([finding("PERSON", 0, 3, score=0.4)])
    rule = rule_with(scanner, actions={"PERSON": Action.BLOCK}, thresholds={"PERSON": 0.5})
    verdict = Pipeline(rule).scan_text("Bob", USER)
    assert verdict.decision is Action.ALLOW
    assert verdict.findings == ()
    assert verdict.scores["fixed"] == 0.4


def test_scanner_runs_only_on_its_channels() -> None:
    rule = rule_with(RaisingScanner(), channels=frozenset({Channel.TOOL}))
    assert Pipeline(rule).scan_text("x", USER).decision is Action.ALLOW
    tool = ScanContext(channel=Channel.TOOL)
    assert Pipeline(rule).scan_text("x", tool).decision is Action.BLOCK


def test_raising_scanner_blocks_and_is_named() -> None:
    rule = rule_with(FixedScanner(), RaisingScanner())
    verdict = Pipeline(rule).scan_text("anything", USER)
    assert verdict.decision is Action.BLOCK
    assert [f.scanner for f in verdict.failures] == ["raising"]
    assert "RuntimeError" in verdict.failures[0].reason


def test_slow_scanner_blocks(clock: FakeClock) -> None:
    rule = rule_with(SlowScanner(clock, 0.3), timeout_s=0.25)
    verdict = Pipeline(rule, clock=clock).scan_text("anything", USER)
    assert verdict.decision is Action.BLOCK
    assert verdict.failures[0].scanner == "slow"
    assert "budget" in verdict.failures[0].reason


def test_scanner_within_budget_passes(clock: FakeClock) -> None:
    rule = rule_with(SlowScanner(clock, 0.2), timeout_s=0.25)
    assert Pipeline(rule, clock=clock).scan_text("x", USER).decision is Action.ALLOW


def test_offsets_outside_the_text_block() -> None:
    rule = rule_with(FixedScanner([finding("PERSON", 2, 50)]))
    verdict = Pipeline(rule).scan_text("short", USER)
    assert verdict.decision is Action.BLOCK
    assert "outside the text" in verdict.failures[0].reason


def test_score_outside_unit_interval_blocks() -> None:
    rule = rule_with(FixedScanner([finding("PERSON", 0, 1, score=1.5)]))
    assert Pipeline(rule).scan_text("abc", USER).decision is Action.BLOCK


def test_messages_are_scanned_on_their_own_channels() -> None:
    rule = rule_with(RaisingScanner(), channels=frozenset({Channel.DOCUMENT}))
    messages = [Message(Channel.USER, "hi"), Message(Channel.DOCUMENT, "doc")]
    verdict = Pipeline(rule).scan_messages(messages, USER)
    assert verdict.decision is Action.BLOCK
    assert [v.decision for v in verdict.messages] == [Action.ALLOW, Action.BLOCK]
    assert len(verdict.failures) == 1


def test_output_stage_uses_output_scanners() -> None:
    rule = rule_with(FixedScanner([finding("REFUSAL", 0, 2)]))
    assistant = ScanContext(channel=Channel.USER)
    verdict = Pipeline(rule).scan_text("no", assistant, Stage.OUTPUT)
    assert [f.type for f in verdict.findings] == ["REFUSAL"]


def test_budget_grows_with_long_texts(clock: FakeClock) -> None:
    rule = rule_with(SlowScanner(clock, 0.3), timeout_s=0.25)
    long_text = "x" * (128 * 1024)  # twice the unit: a 0.5 s budget
    assert Pipeline(rule, clock=clock).scan_text(long_text, USER).decision is Action.ALLOW
    slower = rule_with(SlowScanner(clock, 0.6), timeout_s=0.25)
    assert Pipeline(slower, clock=clock).scan_text(long_text, USER).decision is Action.BLOCK


def test_summary_holds_counts_not_text() -> None:
    text = "ann@acme.com ann@acme.com secret"
    scanner = FixedScanner(
        [
            finding("EMAIL_ADDRESS", 0, 12),
            finding("EMAIL_ADDRESS", 13, 25),
            finding("SECRET", 26, 32),
        ]
    )
    rule = rule_with(scanner, RaisingScanner(), actions={"EMAIL_ADDRESS": Action.REDACT})
    summary = Pipeline(rule).scan_text(text, USER).summary()
    assert summary == {
        "decision": "block",
        "findings": {"EMAIL_ADDRESS": 2, "SECRET": 1},
        "actions": ["flag", "redact"],
        "scores": {"fixed": 0.9},
        "failed_scanners": ["raising"],
    }
    assert "ann@acme.com" not in repr(summary)
