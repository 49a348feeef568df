"""Hashed n-gram features, shared by the training script and inference (one definition).

A normalised text becomes a bag of hashed features: character n-grams of length 1 to 5
and word unigrams and bigrams. Hashing is vectorised with numpy over uint32 (wrapping
arithmetic): a polynomial rolling hash per n-gram, finished with the murmur3 ``fmix32``
mixer, so it is stable across processes and platforms (Python's ``hash()`` is salted per
process). All hashes are written into one preallocated array (fewer, smaller allocations
keep a 2 KB text well under a millisecond). Positions, needed only to score windows of a
long text, are computed on demand.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

BUCKET_BITS = 18
"""Features are hashed into ``2 ** BUCKET_BITS`` buckets."""
CHAR_NGRAMS = (1, 2, 3, 4, 5)
"""Character n-gram lengths (consecutive from 1: each extends the previous rolling hash)."""
WORD_NGRAMS = (1, 2)
"""Word n-gram lengths."""
FEATURE_VERSION = "poly32-fmix32-binary-v4"
"""Changes whenever hashing changes; the model artifact records the version it was trained on."""

_MASK = (1 << 32) - 1
_P = 16777619  # FNV-1 32-bit prime: odd, so invertible modulo 2**32
_P_INV = pow(_P, -1, 1 << 32)
_WORD_SALT = 0x9E3779B9
_BIGRAM_SALT = 0x85EBCA77
_CHAR_SALTS = {n: (0xC2B2AE3D * n) & _MASK for n in CHAR_NGRAMS}

U32 = npt.NDArray[np.uint32]

# 1 for ASCII letters and digits, and (index 128) for every non-ASCII character.
_WORD_CHAR = np.zeros(129, dtype=np.int8)
_WORD_CHAR[ord("a") : ord("z") + 1] = 1
_WORD_CHAR[ord("0") : ord("9") + 1] = 1
_WORD_CHAR[128] = 1


def _u32(value: int) -> np.uint32:
    return np.uint32(value & _MASK)


@dataclass(frozen=True, slots=True)
class Features:
    """Hashed features of one text: one bucket per n-gram occurrence."""

    buckets: npt.NDArray[np.intp]
    """Bucket index of each n-gram, in ``[0, 2 ** BUCKET_BITS)``: first the character
    n-grams, order by order, then word unigrams, then word bigrams."""
    padded_length: int
    """Length of the text plus the two padding spaces."""
    word_starts: npt.NDArray[np.intp]
    """Offset (in the text) of each word."""

    def positions(self) -> npt.NDArray[np.intp]:
        """Offset (in the text) where each n-gram starts, parallel to :attr:`buckets`."""
        starts = np.maximum(np.arange(self.padded_length, dtype=np.intp) - 1, 0)
        blocks = [
            starts[: self.padded_length - n + 1]
            for n in CHAR_NGRAMS
            if self.padded_length - n + 1 > 0
        ]
        blocks.append(self.word_starts)
        if len(self.word_starts) > 1 and 2 in WORD_NGRAMS:
            blocks.append(self.word_starts[:-1])
        return np.concatenate(blocks)


def _fmix32(z: U32) -> None:
    """murmur3 finaliser, in place: spreads every input bit over the whole word."""
    tmp = np.empty_like(z)
    np.right_shift(z, np.uint32(16), out=tmp)
    np.bitwise_xor(z, tmp, out=z)
    np.multiply(z, _u32(0x85EBCA6B), out=z)
    np.right_shift(z, np.uint32(13), out=tmp)
    np.bitwise_xor(z, tmp, out=z)
    np.multiply(z, _u32(0xC2B2AE35), out=z)
    np.right_shift(z, np.uint32(16), out=tmp)
    np.bitwise_xor(z, tmp, out=z)


class _PowerTable:
    """Powers of a constant modulo 2**32, grown on demand and shared between calls."""

    def __init__(self, base: int) -> None:
        self.base = base
        self.table = self._build(4096)

    def _build(self, count: int) -> U32:
        out = np.full(count, _u32(self.base), dtype=np.uint32)
        out[0] = np.uint32(1)
        return np.cumprod(out, dtype=np.uint32)

    def first(self, count: int) -> U32:
        if count > len(self.table):
            # Replacing the reference is atomic, so concurrent readers see a whole table.
            self.table = self._build(max(count, 2 * len(self.table)))
        return self.table[:count]


_POWERS = _PowerTable(_P)
_INVERSE_POWERS = _PowerTable(_P_INV)


def extract(text: str) -> Features:
    """Hash the n-grams of a normalised ``text`` (call :func:`normalize` first)."""
    padded = f" {text} "
    codes = np.frombuffer(padded.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    length = len(codes)
    word_hashes, word_starts = _words(codes)
    n_words = len(word_hashes)
    n_bigrams = max(n_words - 1, 0) if 2 in WORD_NGRAMS else 0
    counts = [length - n + 1 for n in CHAR_NGRAMS if length - n + 1 > 0]
    out = np.empty(sum(counts) + n_words + n_bigrams, dtype=np.uint32)
    rolling = codes
    offset = 0
    for n, count in zip(CHAR_NGRAMS, counts, strict=False):
        if n > 1:
            rolling = rolling[:count] * _u32(_P) + codes[n - 1 :]
        np.bitwise_xor(rolling, _u32(_CHAR_SALTS[n]), out=out[offset : offset + count])
        offset += count
    if n_words:
        np.bitwise_xor(word_hashes, _u32(_WORD_SALT), out=out[offset : offset + n_words])
        offset += n_words
    if n_bigrams:
        pair = word_hashes[:-1] * _u32(_BIGRAM_SALT) + word_hashes[1:]
        np.bitwise_xor(pair, _u32(_BIGRAM_SALT), out=out[offset:])
    _fmix32(out)
    buckets = (out >> np.uint32(32 - BUCKET_BITS)).astype(np.intp)
    return Features(buckets, length, word_starts)


_SCRATCH = threading.local()


def first_occurrences(buckets: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
    """Mask of the first occurrence of each bucket. Features are binary (present or not):
    with raw counts a long run of one character ("------", "xxxx") multiplies a single
    weight and can push any text over the threshold. Linear time, no sort: a per-thread
    scratch table records, for each bucket, the smallest index that wrote it."""
    table = getattr(_SCRATCH, "table", None)
    if table is None:
        table = _SCRATCH.table = np.empty(1 << BUCKET_BITS, dtype=np.intp)
    indices = np.arange(len(buckets), dtype=np.intp)
    # Writes happen in order, so writing in reverse leaves each bucket's smallest index.
    table[buckets[::-1]] = indices[::-1]
    return np.asarray(table[buckets] == indices)


def _words(codes: U32) -> tuple[U32, npt.NDArray[np.intp]]:
    """Polynomial hashes of maximal word runs (ASCII letters/digits or any non-ASCII)."""
    is_word = _WORD_CHAR[np.minimum(codes, 128)]
    # The text is padded with spaces, so every run has a rising and a falling edge.
    starts = np.flatnonzero(is_word[1:] > is_word[:-1]) + 1
    if not len(starts):
        return np.zeros(0, dtype=np.uint32), np.zeros(0, dtype=np.intp)
    ends = np.flatnonzero(is_word[1:] < is_word[:-1]) + 1
    prefix = np.zeros(len(codes) + 1, dtype=np.uint32)
    np.cumsum(codes * _POWERS.first(len(codes)), dtype=np.uint32, out=prefix[1:])
    # (prefix[end] - prefix[start]) * P^-start is the same for equal words anywhere.
    word = (prefix[ends] - prefix[starts]) * _INVERSE_POWERS.first(len(codes) + 1)[starts]
    return word, starts - 1


__all__ = [
    "BUCKET_BITS",
    "CHAR_NGRAMS",
    "FEATURE_VERSION",
    "WORD_NGRAMS",
    "Features",
    "extract",
    "first_occurrences",
]
