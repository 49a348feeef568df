"""Eval suites for the change gate: a versioned JSONL dataset (content-hashed), metrics
(accuracy, precision, recall, F1, exact match) with a threshold each, run against a model
through a gateway :class:`~aiattest.gateway.interface.Provider`.

The metric functions are pure; :func:`run_suite` is the one place that calls a model, and
its result is an :class:`EvalRunSpec` that the eval-run register stores.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from aiattest.errors import InputError
from aiattest.governance.workflow_specs import EvalRunSpec

if TYPE_CHECKING:
    from aiattest.gateway.interface import Provider

METRICS = ("accuracy", "precision", "recall", "f1", "exact_match")
"""Metric names a suite may threshold."""


@dataclass(frozen=True)
class EvalCase:
    """One line of a suite dataset."""

    input: str
    """The prompt."""
    expected: str
    """The expected answer (a label for classification suites)."""


@dataclass(frozen=True)
class Suite:
    """A versioned eval suite."""

    name: str
    """Suite name."""
    version: str
    """Suite version."""
    cases: tuple[EvalCase, ...]
    """Its cases."""
    dataset_hash: str
    """``sha256:`` of the canonical dataset."""
    thresholds: dict[str, float]
    """Minimum per metric."""
    positive_label: str | None = None
    """For precision/recall/F1: the label counted as positive."""


def load_suite(
    path: Path,
    name: str,
    version: str,
    thresholds: dict[str, float],
    positive_label: str | None = None,
) -> Suite:
    """Read a JSONL dataset (``{"input": ..., "expected": ...}`` per line) into a suite."""
    unknown = sorted(set(thresholds) - set(METRICS))
    if unknown:
        raise InputError(f"unknown metrics {unknown}; known: {', '.join(METRICS)}")
    try:
        lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    cases, canonical = [], []
    for number, line in enumerate(lines, 1):
        try:
            row = json.loads(line)
            case = EvalCase(str(row["input"]), str(row["expected"]))
        except (json.JSONDecodeError, KeyError, TypeError) as e:
            raise InputError(f"{path}:{number}: need a JSON object with input and expected") from e
        cases.append(case)
        canonical.append(
            json.dumps(
                {"expected": case.expected, "input": case.input},
                sort_keys=True,
                separators=(",", ":"),
            )
        )
    if not cases:
        raise InputError(f"{path} has no cases")
    digest = hashlib.sha256("\n".join(canonical).encode()).hexdigest()
    return Suite(name, version, tuple(cases), f"sha256:{digest}", dict(thresholds), positive_label)


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def score(
    expected: Sequence[str], predicted: Sequence[str], positive_label: str | None = None
) -> dict[str, float]:
    """Metrics of ``predicted`` against ``expected`` (answers compared case- and
    space-insensitively). Precision, recall and F1 need ``positive_label``."""
    if len(expected) != len(predicted) or not expected:
        raise InputError("expected and predicted must be non-empty and of equal length")
    pairs = [(_norm(e), _norm(p)) for e, p in zip(expected, predicted, strict=True)]
    exact = sum(e == p for e, p in pairs) / len(pairs)
    out = {"accuracy": exact, "exact_match": exact}
    if positive_label is not None:
        pos = _norm(positive_label)
        tp = sum(e == pos and p == pos for e, p in pairs)
        fp = sum(e != pos and p == pos for e, p in pairs)
        fn = sum(e == pos and p != pos for e, p in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out |= {"precision": precision, "recall": recall, "f1": f1}
    return out


async def run_suite(
    suite: Suite, provider: Provider, *, model: str, target: str, run_name: str, at: datetime
) -> EvalRunSpec:
    """Ask ``provider`` every case (one user message each) and score the answers."""
    from aiattest.gateway.interface import ChatRequest

    answers = []
    for case in suite.cases:
        request = ChatRequest(model=model, messages=({"role": "user", "content": case.input},))
        response = await provider.complete(request)
        answers.append(response.content or "")
    metrics = score([c.expected for c in suite.cases], answers, suite.positive_label)
    return EvalRunSpec(
        name=run_name,
        suite=suite.name,
        suite_version=suite.version,
        dataset_hash=suite.dataset_hash,
        target=target,
        metrics={k: round(v, 6) for k, v in metrics.items()},
        thresholds=suite.thresholds,
        run_at=at,
    )
