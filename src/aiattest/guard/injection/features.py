"""Hashed n-gram features, shared by the training script and inference (one definition).

A normalised text becomes a bag of hashed features: character n-grams of length 1 to 5
and word unigrams and bigrams. Hashing is vectorised with numpy over uint64 (wrapping
arithmetic): a polynomial rolling hash per n-gram, finished with the splitmix64 mixer, so
it is stable across processes and platforms (Python's ``hash()`` is salted per process).
Each feature carries the position it starts at, which lets inference score windows of a
long document cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

BUCKET_BITS = 18
"""Features are hashed into ``2 ** BUCKET_BITS`` buckets."""
CHAR_NGRAMS = (1, 2, 3, 4, 5)
"""Character n-gram lengths."""
WORD_NGRAMS = (1, 2)
"""Word n-gram lengths."""
FEATURE_VERSION = "poly64-splitmix-v2"
"""Changes whenever hashing changes; the model artifact records the version it was trained on."""

_MASK = (1 << 64) - 1
_P = 0x100000001B3  # FNV-1 64-bit prime: odd, so invertible modulo 2**64
_P_INV = pow(_P, -1, 1 << 64)
_WORD_SALT = 0x9E3779B97F4A7C15
_BIGRAM_SALT = 0xC2B2AE3D27D4EB4F
_CHAR_SALTS = {n: (0xD6E8FEB86659FD93 * n) & _MASK for n in CHAR_NGRAMS}

U64 = npt.NDArray[np.uint64]

# 1 for ASCII letters and digits, and (index 128) for every non-ASCII character.
_WORD_CHAR = np.zeros(129, dtype=np.int8)
_WORD_CHAR[ord("a") : ord("z") + 1] = 1
_WORD_CHAR[ord("0") : ord("9") + 1] = 1
_WORD_CHAR[128] = 1


@dataclass(frozen=True, slots=True)
class Features:
    """Hashed features of one text: parallel arrays, one entry per n-gram occurrence."""

    positions: npt.NDArray[np.int64]
    """Offset (in the normalised text) where each n-gram starts."""
    buckets: npt.NDArray[np.int64]
    """Bucket index of each n-gram, in ``[0, 2 ** BUCKET_BITS)``."""


def _u64(value: int) -> np.uint64:
    return np.uint64(value & _MASK)


def _mix_inplace(z: U64) -> None:
    """splitmix64 finaliser, in place: spreads every input bit over the whole word."""
    tmp = np.empty_like(z)
    np.right_shift(z, np.uint64(30), out=tmp)
    np.bitwise_xor(z, tmp, out=z)
    np.multiply(z, _u64(0xBF58476D1CE4E5B9), out=z)
    np.right_shift(z, np.uint64(27), out=tmp)
    np.bitwise_xor(z, tmp, out=z)
    np.multiply(z, _u64(0x94D049BB133111EB), out=z)
    np.right_shift(z, np.uint64(31), out=tmp)
    np.bitwise_xor(z, tmp, out=z)


class _PowerTable:
    """Powers of a constant modulo 2**64, grown on demand and shared between calls."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.table = self._build(4096)

    def _build(self, count: int) -> U64:
        out = np.full(count, _u64(self.base), dtype=np.uint64)
        out[0] = np.uint64(1)
        return np.cumprod(out, dtype=np.uint64)

    def first(self, count: int) -> U64:
        if count > len(self.table):
            # Replacing the reference is atomic, so concurrent readers see a whole table.
            self.table = self._build(max(count, 2 * len(self.table)))
        return self.table[:count]


_POWERS = _PowerTable(_P)
_INVERSE_POWERS = _PowerTable(_P_INV)


def extract(text: str) -> Features:
    """Hash the n-grams of a normalised ``text`` (call :func:`normalize` first)."""
    padded = f" {text} "
    codes32 = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = codes32.astype(np.uint64)
    length = len(codes)
    positions: list[npt.NDArray[np.int64]] = []
    hashes: list[U64] = []
    rolling = np.zeros(length, dtype=np.uint64)
    # Position of each n-gram in the unpadded text (the leading pad counts as offset 0).
    starts = np.maximum(np.arange(length, dtype=np.int64) - 1, 0)
    for n in range(1, max(CHAR_NGRAMS) + 1):
        count = length - n + 1
        if count <= 0:
            break
        rolling = rolling[:count] * _u64(_P) + codes[n - 1 : n - 1 + count]
        if n in CHAR_NGRAMS:
            hashes.append(rolling ^ _u64(_CHAR_SALTS[n]))
            positions.append(starts[:count])
    word_hashes, word_starts = _words(codes, codes32)
    if len(word_hashes):
        hashes.append(word_hashes ^ _u64(_WORD_SALT))
        positions.append(word_starts)
        if len(word_hashes) > 1 and 2 in WORD_NGRAMS:
            pair = word_hashes[:-1] * _u64(_BIGRAM_SALT) + word_hashes[1:]
            hashes.append(pair ^ _u64(_BIGRAM_SALT))
            positions.append(word_starts[:-1])
    mixed = np.concatenate(hashes)
    _mix_inplace(mixed)
    buckets = (mixed >> np.uint64(64 - BUCKET_BITS)).astype(np.int64)
    return Features(np.concatenate(positions), buckets)


def _words(codes: U64, codes32: npt.NDArray[np.uint32]) -> tuple[U64, npt.NDArray[np.int64]]:
    """Polynomial hashes of maximal word runs (ASCII letters/digits or any non-ASCII)."""
    is_word = _WORD_CHAR[np.minimum(codes32, 128)]
    # The text is padded with spaces, so every run has a rising and a falling edge.
    starts = np.flatnonzero(is_word[1:] > is_word[:-1]) + 1
    if not len(starts):
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    ends = np.flatnonzero(is_word[1:] < is_word[:-1]) + 1
    weighted = codes * _POWERS.first(len(codes))
    prefix = np.zeros(len(codes) + 1, dtype=np.uint64)
    np.cumsum(weighted, dtype=np.uint64, out=prefix[1:])
    # (prefix[end] - prefix[start]) * P^-start is the same for equal words anywhere.
    word = (prefix[ends] - prefix[starts]) * _INVERSE_POWERS.first(len(codes) + 1)[starts]
    return word, (starts - 1).astype(np.int64)


__all__ = ["BUCKET_BITS", "CHAR_NGRAMS", "FEATURE_VERSION", "WORD_NGRAMS", "Features", "extract"]
