"""Hashed bag-of-words logistic heads: word and word-pair features, trained by Adagrad SGD.

Comment flags are lexical by nature (slurs, insults); a hashed linear model over words and word
pairs reads them without the encoder and ships as a small array. Hashing uses crc32 (stable across
processes, unlike Python's `hash`), so a committed head means the same on every machine.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from newsprism.trust.calibration import sigmoid

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    """Lower-case words, with URLs and @mentions dropped and `&amp;` entities undone."""
    text = _MENTION.sub(" ", _URL.sub(" ", text.lower().replace("&amp;", "&")))
    return [w.strip("'") for w in _WORD.findall(text) if w.strip("'")]


def hashed_features(text: str, bits: int) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Distinct bucket ids of the text's words and adjacent word pairs."""
    tokens = words(text)
    keys = [f"w:{w}" for w in tokens] + [f"b:{a} {b}" for a, b in itertools.pairwise(tokens)]
    mask = (1 << bits) - 1
    buckets = {zlib.crc32(k.encode("utf-8")) & mask for k in keys}
    return np.fromiter(sorted(buckets), dtype=np.int64, count=len(buckets))


def train_hashed(
    rows: Sequence[np.ndarray[Any, np.dtype[np.int64]]],
    labels: np.ndarray[Any, Any],
    bits: int,
    epochs: int = 3,
    rate: float = 0.2,
    l2: float = 1e-4,
    seed: int = 13,
) -> tuple[np.ndarray[Any, np.dtype[np.float64]], float]:
    """(weights, bias) of a class-balanced logistic regression over binary hashed features."""
    rng = np.random.default_rng(seed)
    weights = np.zeros(1 << bits)
    squares = np.full(1 << bits, 1e-8)
    bias, bias_square = 0.0, 1e-8
    y = np.asarray(labels, dtype=np.float64)
    positive = float(y.mean())
    sample = (
        np.where(y == 1, 0.5 / positive, 0.5 / (1 - positive)) if 0 < positive < 1 else y * 0 + 1
    )
    for _ in range(epochs):
        for i in rng.permutation(len(rows)):
            idx = rows[i]
            p = float(sigmoid(np.asarray(weights[idx].sum() + bias)))
            g = sample[i] * (p - y[i])
            grad = g + l2 * weights[idx]
            squares[idx] += grad * grad
            weights[idx] -= rate * grad / np.sqrt(squares[idx])
            bias_square += g * g
            bias -= rate * g / np.sqrt(bias_square)
    return weights, bias


def predict_hashed(
    rows: Sequence[np.ndarray[Any, np.dtype[np.int64]]],
    weights: np.ndarray[Any, Any],
    bias: float,
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """Probabilities for rows of bucket ids."""
    z = np.asarray([float(weights[r].sum()) + bias for r in rows], dtype=np.float64)
    return sigmoid(z)
