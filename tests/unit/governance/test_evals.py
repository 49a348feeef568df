"""Eval suites: metrics on known vectors, dataset hashing, and a run through a real gateway
provider (the rule-based one answers without any network)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aiattest.config.gateway import CannedAnswer
from aiattest.errors import InputError
from aiattest.gateway.providers.rules import RuleBasedProvider
from aiattest.governance.evals import load_suite, run_suite, score
from aiattest.governance.workflow_specs import eval_passed


def test_metrics_on_a_known_confusion_matrix() -> None:
    # tp=2 (rows 0,1), fp=1 (row 2), fn=1 (row 3), tn=1 (row 4)
    expected = ["spam", "spam", "ham", "spam", "ham"]
    predicted = ["SPAM", " spam ", "spam", "ham", "ham"]
    m = score(expected, predicted, positive_label="spam")
    assert m["accuracy"] == m["exact_match"] == pytest.approx(3 / 5)
    assert m["precision"] == pytest.approx(2 / 3)
    assert m["recall"] == pytest.approx(2 / 3)
    assert m["f1"] == pytest.approx(2 / 3)
    assert set(score(["a"], ["b"])) == {"accuracy", "exact_match"}
    with pytest.raises(InputError, match="equal length"):
        score(["a"], [])


def test_eval_passed_needs_every_threshold() -> None:
    assert eval_passed({"f1": 0.9, "accuracy": 0.5}, {"f1": 0.85})
    assert not eval_passed({"f1": 0.8}, {"f1": 0.85})
    assert not eval_passed({"accuracy": 0.99}, {"f1": 0.85})  # metric missing
    assert not eval_passed({"f1": 1.0}, {})  # no thresholds: nothing was gated


def _write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


def test_dataset_hash_is_content_based(tmp_path: Path) -> None:
    rows = [{"input": "Is 'win a prize' spam?", "expected": "spam"},
            {"input": "Is 'lunch at 1' spam?", "expected": "ham"}]  # fmt: skip
    a = load_suite(_write(tmp_path / "a.jsonl", rows), "s", "1", {"accuracy": 0.5})
    spaced = tmp_path / "b.jsonl"
    spaced.write_text(
        "\n\n".join(json.dumps(r, indent=None, separators=(", ", ": ")) for r in rows)
    )
    b = load_suite(spaced, "s", "1", {"accuracy": 0.5})
    c = load_suite(_write(tmp_path / "c.jsonl", rows[:1]), "s", "1", {"accuracy": 0.5})
    assert a.dataset_hash == b.dataset_hash != c.dataset_hash
    assert a.dataset_hash.startswith("sha256:")
    with pytest.raises(InputError, match="unknown metrics"):
        load_suite(spaced, "s", "1", {"bleu": 0.5})
    (tmp_path / "bad.jsonl").write_text('{"input": "x"}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:1"):
        load_suite(tmp_path / "bad.jsonl", "s", "1", {})


def test_run_suite_through_a_provider(tmp_path: Path) -> None:
    rows = [{"input": "Is 'win a prize now' spam?", "expected": "spam"},
            {"input": "Is 'claim your prize' spam?", "expected": "spam"},
            {"input": "Is 'lunch at noon' spam?", "expected": "ham"}]  # fmt: skip
    suite = load_suite(_write(tmp_path / "s.jsonl", rows), "spam", "2", {"f1": 0.6},
                       positive_label="spam")  # fmt: skip
    provider = RuleBasedProvider("rules", canned=[
        CannedAnswer(keywords=("prize", "now"), answer="spam"),
        CannedAnswer(keywords=("lunch",), answer="ham")])  # fmt: skip
    at = datetime(2026, 10, 1, tzinfo=UTC)
    run = asyncio.run(run_suite(suite, provider, model="m", target="m@1", run_name="r1", at=at))
    # 'claim your prize' gets the degraded reply: one false negative.
    assert run.metrics["recall"] == 0.5
    assert run.metrics["precision"] == 1.0
    assert run.metrics["f1"] == pytest.approx(2 / 3, abs=1e-6)
    assert (run.dataset_hash, run.target, run.suite_version) == (suite.dataset_hash, "m@1", "2")
    assert eval_passed(run.metrics, run.thresholds)
