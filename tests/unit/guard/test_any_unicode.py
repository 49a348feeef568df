"""Every registered scanner survives arbitrary Unicode, with offsets inside the text."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiattest.guard import registry
from aiattest.guard.interface import Action, Channel, ScanContext, Scanner
from aiattest.guard.pipeline import Pipeline
from tests.unit.guard.conftest import rule_with

OPTIONS: dict[str, dict[str, Any]] = {
    "custom": {
        "patterns": [{"type": "X", "regex": r"[\w.]+@\w+"}],
        "deny_lists": [{"words": ["bluebird", "ümlaut"]}],
    },
    "json_schema": {"schema": {"type": "object", "required": ["a"]}},
}
CONTEXTS = [
    ScanContext(channel=channel, system_prompt="You are a careful assistant for Ünïcode tests ok")
    for channel in Channel
] + [ScanContext(canary="aiattest-canary-x", rag_context=("Some retrieved context, über alles.",))]
SCANNERS = registry.names()


def build(name: str) -> Scanner:
    return registry.build(name, OPTIONS.get(name, {}))


@pytest.mark.parametrize("name", SCANNERS)
def test_no_scanner_raises_on_arbitrary_unicode(name: str) -> None:
    scanner = build(name)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(text=st.text(max_size=300), which=st.integers(0, len(CONTEXTS) - 1))
    def check(text: str, which: int) -> None:
        outcome = scanner.assess(text, CONTEXTS[which])
        assert 0.0 <= outcome.score <= 1.0
        for f in outcome.findings:
            assert 0 <= f.start <= f.end <= len(text)
            assert 0.0 <= f.score <= 1.0

    check()


def test_every_registered_scanner_is_importable() -> None:
    # A scanner whose module fails to import must fail here, not drop out of the suite.
    assert registry.available() == registry.names()
    assert {"injection", "pii", "secrets", "custom", "exfiltration", "groundedness"} <= set(
        SCANNERS
    )
    assert {"json_schema", "refusal", "system_prompt_leak"} <= set(SCANNERS)


def test_unknown_name_raises() -> None:
    from aiattest.errors import ScannerError

    with pytest.raises(ScannerError, match="unknown scanner"):
        registry.build("nope")


@given(text=st.text(alphabet=st.characters(codec=None, categories=["Cs", "Ll", "Zs"])))
@settings(max_examples=50, deadline=None)
def test_pipeline_tolerates_lone_surrogates(text: str) -> None:
    scanners = [build(n) for n in ("custom", "refusal", "exfiltration")]
    verdict = Pipeline(rule_with(*scanners)).scan_text(text, ScanContext())
    assert verdict.failures == ()
    assert verdict.decision in {Action.ALLOW, Action.FLAG}
