"""Train the shipped injection classifier from our corpus, reproducibly (fixed seeds).

    .venv/bin/python scripts/injection/train.py            # writes the package artifact
    .venv/bin/python scripts/injection/train.py --out /tmp/m --attacks 20 --benign 30

Features come from :mod:`aiattest.guard.injection.features` (the same code inference
uses). A logistic regression is fitted on the train split, its weights rounded to float16,
and a Platt calibration fitted on the calibration split using the exact inference path
(windowed margins of the rounded weights). Metrics on the test split go into model.json.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from corpus import DEFAULT_SEED, Example, build_corpus, by_split, corpus_hash  # noqa: E402

from aiattest.guard.injection.features import (  # noqa: E402
    BUCKET_BITS,
    CHAR_NGRAMS,
    FEATURE_VERSION,
    WORD_NGRAMS,
    extract,
    first_occurrences,
)
from aiattest.guard.injection.model import (  # noqa: E402
    DEFAULT_WINDOW,
    MODEL_METADATA,
    MODEL_WEIGHTS,
    Calibration,
    InjectionModel,
)
from aiattest.guard.normalize import normalize  # noqa: E402

PACKAGE_DIR = HERE.parents[1] / "src" / "aiattest" / "guard" / "injection"
DEFAULT_C = 4.0


def feature_matrix(texts: list[str]) -> sparse.csr_matrix:
    """Rows of binary hashed n-gram features scaled by 1/sqrt(distinct n-grams): exactly the
    inference margin's input for a text within one window."""
    rows, cols, vals = [], [], []
    for i, text in enumerate(texts):
        buckets = extract(normalize(text).text).buckets
        distinct = buckets[first_occurrences(buckets)]
        n = max(len(distinct), 1)
        rows.append(np.full(len(distinct), i, dtype=np.int64))
        cols.append(distinct)
        vals.append(np.full(len(distinct), 1.0 / math.sqrt(n)))
    matrix = sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(len(texts), 1 << BUCKET_BITS),
    )
    matrix.sum_duplicates()
    return matrix


def expected_calibration_error(
    probs: npt.NDArray[np.float64], labels: npt.NDArray[np.int64]
) -> float:
    """Mean |accuracy - confidence| over 10 equal-width bins, weighted by bin size."""
    bins = np.minimum((probs * 10).astype(int), 9)
    error = 0.0
    for b in range(10):
        mask = bins == b
        if mask.any():
            error += mask.sum() * abs(labels[mask].mean() - probs[mask].mean())
    return float(error / len(probs))


def _rates(
    probs: npt.NDArray[np.float64], labels: npt.NDArray[np.int64], at: float
) -> dict[str, float]:
    predicted = probs >= at
    positives = max(int(labels.sum()), 1)
    negatives = max(int((1 - labels).sum()), 1)
    return {
        "tpr": float((predicted & (labels == 1)).sum() / positives),
        "fpr": float((predicted & (labels == 0)).sum() / negatives),
    }


def train(
    seed: int = DEFAULT_SEED,
    attacks_per_group: int = 220,
    benign_per_group: int = 320,
    c: float = DEFAULT_C,
) -> tuple[InjectionModel, dict[str, Any]]:
    """Build the corpus, fit, calibrate and evaluate; returns the model and its metadata."""
    examples = build_corpus(seed, attacks_per_group, benign_per_group)
    splits = by_split(examples)
    train_set = splits["train"]
    # The scanner does not run the classifier on system prompts (see CLASSIFIER_CHANNELS);
    # they train it as negatives but are left out of calibration and metrics.
    held_out = {
        split: [e for e in splits[split] if e.channel != "system"]
        for split in ("calibration", "test")
    }
    x = feature_matrix([e.text for e in train_set])
    y = np.array([e.label for e in train_set])
    # No intercept: a text with no known n-grams has margin 0 and its probability is set
    # by the calibration, instead of by a bias that mirrors the corpus' attack share.
    fit = LogisticRegression(
        C=c, solver="liblinear", max_iter=2000, random_state=seed, fit_intercept=False
    )
    fit.fit(x, y)
    weights = fit.coef_[0].astype(np.float16)
    bias = 0.0
    raw = InjectionModel(weights.astype(np.float32), bias, Calibration(1.0, 0.0), DEFAULT_WINDOW)
    calibration = _platt(raw, held_out["calibration"], seed)
    model = InjectionModel(weights.astype(np.float32), bias, calibration, DEFAULT_WINDOW)
    metrics = {split: _evaluate(model, items) for split, items in held_out.items()}
    metadata: dict[str, Any] = {
        "feature_version": FEATURE_VERSION,
        "bucket_bits": BUCKET_BITS,
        "char_ngrams": list(CHAR_NGRAMS),
        "word_ngrams": list(WORD_NGRAMS),
        "window": DEFAULT_WINDOW,
        "calibration": {"slope": calibration.slope, "intercept": calibration.intercept},
        "training": {
            "seed": seed,
            "attacks_per_group": attacks_per_group,
            "benign_per_group": benign_per_group,
            "model": "LogisticRegression(solver=liblinear, fit_intercept=False)",
            "C": c,
            "weights_dtype": "float16",
        },
        "corpus": {
            "sha256": corpus_hash(examples),
            "sizes": {split: len(items) for split, items in splits.items()},
            "test_groups": sorted({e.group for e in splits["test"]}),
        },
        "metrics_classifier_only": metrics,
    }
    return model, metadata


def _margins(model: InjectionModel, examples: list[Example]) -> npt.NDArray[np.float64]:
    return np.array([model.margin(normalize(e.text).text) for e in examples])


def _platt(model: InjectionModel, examples: list[Example], seed: int) -> Calibration:
    margins = _margins(model, examples).reshape(-1, 1)
    labels = np.array([e.label for e in examples])
    fit = LogisticRegression(C=1e4, solver="lbfgs", random_state=seed)
    fit.fit(margins, labels)
    return Calibration(float(fit.coef_[0][0]), float(fit.intercept_[0]))


def _evaluate(model: InjectionModel, examples: list[Example]) -> dict[str, float]:
    if not examples:
        return {}
    probs = np.array([model.calibrate(m) for m in _margins(model, examples)])
    labels = np.array([e.label for e in examples])
    return {
        "n": len(examples),
        "ece": round(expected_calibration_error(probs, labels), 4),
        **{k: round(v, 4) for k, v in _rates(probs, labels, 0.5).items()},
    }


def save(model: InjectionModel, metadata: dict[str, Any], out: Path) -> None:
    """Write ``model.npz`` and ``model.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / MODEL_WEIGHTS).open("wb") as f:
        np.savez_compressed(
            f, weights=model.weights.astype(np.float16), bias=np.float64(model.bias)
        )
    (out / MODEL_METADATA).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Train and write the artifact."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--attacks", type=int, default=220, help="examples per attack group")
    parser.add_argument("--benign", type=int, default=320, help="examples per benign group")
    parser.add_argument("--c", type=float, default=DEFAULT_C, help="inverse regularisation")
    parser.add_argument("--out", type=Path, default=PACKAGE_DIR)
    args = parser.parse_args(argv)
    model, metadata = train(args.seed, args.attacks, args.benign, args.c)
    save(model, metadata, args.out)
    print(json.dumps(metadata["metrics_classifier_only"], indent=2))
    print(f"wrote {args.out / MODEL_WEIGHTS} ({(args.out / MODEL_WEIGHTS).stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
