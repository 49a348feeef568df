"""The shipped injection classifier: a hashed n-gram logistic model, numpy-only inference.

The artifact is two files next to this module: ``model.npz`` (float16 weights over the
hash buckets and the bias) and ``model.json`` (feature version, window, Platt calibration,
training parameters, corpus hash and held-out metrics). It is loaded once, lazily, on first
use — never when :mod:`aiattest.guard` is imported.

A text's raw margin is ``bias + sum(weights[distinct buckets]) / sqrt(n_distinct)``; texts longer
than the window are scored per window (stride half a window) and the highest window wins,
so one injected paragraph in a long document is not diluted by the rest. The margin goes
through the Platt calibration fitted on a held-out split, giving a probability in [0, 1].
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from aiattest.errors import ScannerError
from aiattest.guard.injection.features import (
    BUCKET_BITS,
    CHAR_NGRAMS,
    FEATURE_VERSION,
    extract,
    first_occurrences,
)

MODEL_WEIGHTS = "model.npz"
"""File name of the weights inside the package."""
MODEL_METADATA = "model.json"
"""File name of the metadata inside the package."""
DEFAULT_WINDOW = 384
"""Characters per scoring window for long texts."""


@dataclass(frozen=True, slots=True)
class Calibration:
    """Platt scaling: ``p = 1 / (1 + exp(-(slope * margin + intercept)))``."""

    slope: float
    """Multiplies the raw margin."""
    intercept: float
    """Added after the slope."""


class InjectionModel:
    """Hashed n-gram logistic model with windowed scoring and calibrated output."""

    def __init__(
        self,
        weights: npt.NDArray[np.float32],
        bias: float,
        calibration: Calibration,
        window: int = DEFAULT_WINDOW,
        metadata: dict[str, Any] | None = None,
    ) -> None:
        if weights.shape != (1 << BUCKET_BITS,):
            raise ScannerError(f"injection model has {weights.shape} weights, not 2**{BUCKET_BITS}")
        self.weights = weights.astype(np.float32)
        self.bias = float(bias)
        self.calibration = calibration
        self.window = max(16, int(window))
        self.metadata = metadata or {}

    def margin(self, normalized: str) -> float:
        """The uncalibrated margin of a normalised text (highest window for long texts)."""
        features = extract(normalized)
        first = first_occurrences(features.buckets)
        # Binary features: a repeated n-gram counts once, at its first occurrence.
        contributions = np.where(first, self.weights[features.buckets], 0.0)
        if len(normalized) <= self.window:
            unique = max(int(np.count_nonzero(first)), 1)
            return self.bias + float(contributions.sum()) / math.sqrt(unique)
        # Per-position sums over the padded text: character n-grams of every order start
        # at consecutive positions, so their blocks add up aligned; words are scattered.
        length = features.padded_length
        sums = np.zeros(length)
        counts = np.zeros(length)
        offset = 0
        for n in CHAR_NGRAMS:
            count = length - n + 1
            sums[:count] += contributions[offset : offset + count]
            counts[:count] += first[offset : offset + count]
            offset += count
        word_slots = features.word_starts + 1
        for slots in (word_slots, word_slots[:-1]):
            block = contributions[offset : offset + len(slots)]
            sums += np.bincount(slots, weights=block, minlength=length)
            counts += np.bincount(
                slots, weights=first[offset : offset + len(slots)], minlength=length
            )
            offset += len(slots)
        sum_prefix = np.concatenate(([0.0], np.cumsum(sums)))
        count_prefix = np.concatenate(([0.0], np.cumsum(counts)))
        stride = self.window // 2
        starts = np.arange(0, length - self.window + stride, stride)
        ends = np.minimum(starts + self.window, length)
        window_sums = sum_prefix[ends] - sum_prefix[starts]
        window_counts = count_prefix[ends] - count_prefix[starts]
        # A window whose n-grams all occurred earlier carries no evidence of its own.
        filled = window_counts > 0
        if not filled.any():
            return self.bias
        return self.bias + float(np.max(window_sums[filled] / np.sqrt(window_counts[filled])))

    def calibrate(self, margin: float) -> float:
        """Map a raw margin to a probability in [0, 1]."""
        z = self.calibration.slope * margin + self.calibration.intercept
        if z >= 0:
            return 1.0 / (1.0 + math.exp(-z))
        e = math.exp(z)
        return e / (1.0 + e)

    def score(self, normalized: str) -> float:
        """Calibrated probability that a normalised text is an injection attempt."""
        return self.calibrate(self.margin(normalized))


def read_model(weights_bytes: bytes, metadata_text: str) -> InjectionModel:
    """Build a model from the artifact's two files (also used by the training script)."""
    import io

    try:
        metadata = json.loads(metadata_text)
        with np.load(io.BytesIO(weights_bytes)) as data:
            weights = data["weights"].astype(np.float32)
            bias = float(data["bias"])
    except (ValueError, KeyError, OSError) as e:
        raise ScannerError(f"injection model artifact is unreadable: {e}") from e
    if metadata.get("feature_version") != FEATURE_VERSION:
        raise ScannerError(
            "injection model was trained with features "
            f"{metadata.get('feature_version')!r}, this code hashes {FEATURE_VERSION!r}",
            hint="retrain with scripts/injection/train.py",
        )
    calibration = Calibration(**metadata["calibration"])
    return InjectionModel(
        weights, bias, calibration, metadata.get("window", DEFAULT_WINDOW), metadata
    )


@lru_cache(maxsize=1)
def load_model() -> InjectionModel:
    """The shipped model, loaded once per process."""
    package = resources.files("aiattest.guard.injection")
    try:
        weights = package.joinpath(MODEL_WEIGHTS).read_bytes()
        metadata = package.joinpath(MODEL_METADATA).read_text(encoding="utf-8")
    except OSError as e:
        raise ScannerError(
            f"injection model artifact missing: {e}", hint="run scripts/injection/train.py"
        ) from e
    return read_model(weights, metadata)


__all__ = ["Calibration", "InjectionModel", "load_model", "read_model"]
