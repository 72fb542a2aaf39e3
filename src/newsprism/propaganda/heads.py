"""The trained propaganda heads at inference: numpy only (a BiLSTM tagger and an MLP classifier).

Weights are trained with torch (`newsprism.train.propaganda`) and saved as plain `.npz` arrays,
so running newsprism never imports torch. Both heads read a scalar mix of the encoder's layers
plus the surface features of `features.py`, standardised with the training set's mean and scale.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.errors import Code, NewsprismError

Array = NDArray[np.float32]
HEADS_DIR = Path(__file__).resolve().parents[1] / "models" / "heads"
SI_FILE = "propaganda_si.npz"
TC_FILE = "propaganda_tc.npz"
TAGS = ("O", "B", "I")


def _sigmoid(x: Array) -> Array:
    out: Array = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out


def _softmax(x: Array) -> Array:
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    out: Array = z / z.sum(axis=-1, keepdims=True)
    return out


def _small_dot(a: Array, weight: Array) -> Array:
    """`a @ weight.T` for the small per-step products of the recurrence.

    einsum's own loop, not BLAS: a threaded BLAS on a busy machine spends ~50x longer syncing
    its threads than computing a (40 x 96) by (96 x 384) product (measured 24 ms vs 0.46 ms).
    """
    out: Array = np.einsum("bh,gh->bg", a, weight)
    return out


def mix_layers(layers: Array, weights: Array) -> Array:
    """Weighted sum over the layer axis: (N, L, D) with (L,) -> (N, D)."""
    out: Array = np.einsum("nld,l->nd", layers.astype(np.float32), weights)
    return out


def _load(path: Path) -> tuple[dict[str, Array], dict[str, Any]]:
    """Arrays and the JSON metadata of one head file (E305 when it is missing)."""
    if not path.is_file():
        raise NewsprismError(Code.HEAD_MISSING, str(path), "train it: newsprism train propaganda")
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k].astype(np.float32) for k in data.files if k != "meta"}
        meta = json.loads(str(data["meta"]))
    return arrays, meta


def save_head(path: Path, arrays: dict[str, NDArray[Any]], meta: dict[str, Any]) -> None:
    """Write a head: float16 weights (halves the size; heads are tolerant) plus JSON metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    packed: dict[str, Any] = {k: np.asarray(v, dtype=np.float16) for k, v in arrays.items()}
    packed["meta"] = np.array(json.dumps(meta, sort_keys=True))
    np.savez_compressed(path, **packed)


@dataclass(frozen=True)
class SpanTagger:
    """BIO tagger: a linear projection, a one-layer BiLSTM over each sentence, a linear output."""

    arrays: dict[str, Array]
    meta: dict[str, Any]

    @classmethod
    def load(cls, directory: Path = HEADS_DIR) -> SpanTagger:
        """The shipped (or given) SI head."""
        arrays, meta = _load(directory / SI_FILE)
        return cls(arrays, meta)

    @property
    def mix(self) -> Array:
        """Layer weights applied to the encoder's stacked layers."""
        return self.arrays["mix"]

    def _lstm(self, x: Array, lengths: NDArray[np.int64], prefix: str, reverse: bool) -> Array:
        """One LSTM direction over a padded batch (B, T, D); torch's gate order i, f, g, o."""
        w_ih, w_hh = self.arrays[prefix + "w_ih"], self.arrays[prefix + "w_hh"]
        bias = self.arrays[prefix + "b"]
        batch, steps, _ = x.shape
        hidden = w_hh.shape[1]
        # Input projections for all steps at once: each recurrent step is one small matmul.
        proj = x @ w_ih.T + bias
        h = np.zeros((batch, hidden), dtype=np.float32)
        c = np.zeros((batch, hidden), dtype=np.float32)
        out = np.zeros((batch, steps, hidden), dtype=np.float32)
        for step in range(steps):
            if reverse:
                # Each sequence starts at its own last real token, so padding never feeds it.
                index = lengths - 1 - step
                alive = index >= 0
                rows = np.where(alive)[0]
                if rows.size == 0:
                    break
                cols = index[rows]
                gates = proj[rows, cols] + _small_dot(h[rows], w_hh)
            else:
                rows = np.where(lengths > step)[0]
                if rows.size == 0:
                    break
                cols = np.full(rows.size, step)
                gates = proj[rows, step] + _small_dot(h[rows], w_hh)
            i, f, g, o = np.split(gates, 4, axis=1)
            c_new = _sigmoid(f) * c[rows] + _sigmoid(i) * np.tanh(g)
            h_new = _sigmoid(o) * np.tanh(c_new)
            c[rows], h[rows] = c_new, h_new
            out[rows, cols] = h_new
        return out

    def tag_probs(self, inputs: Array, sentence: NDArray[np.int64]) -> Array:
        """(N, 3) probabilities of O, B, I for every token; `inputs` (N, D) in token order."""
        n = len(inputs)
        if n == 0:
            return np.zeros((0, 3), dtype=np.float32)
        x = (inputs - self.arrays["mean"]) / self.arrays["scale"]
        x = x @ self.arrays["proj_w"].T + self.arrays["proj_b"]
        # Group tokens by sentence into a padded batch (sentences are contiguous runs of tokens).
        bounds = np.flatnonzero(np.diff(sentence)) + 1
        starts = np.concatenate([[0], bounds])
        ends = np.concatenate([bounds, [n]])
        lengths = (ends - starts).astype(np.int64)
        batch = np.zeros((len(starts), int(lengths.max()), x.shape[1]), dtype=np.float32)
        for row, (s, e) in enumerate(zip(starts, ends, strict=True)):
            batch[row, : e - s] = x[s:e]
        forward = self._lstm(batch, lengths, "fw_", reverse=False)
        backward = self._lstm(batch, lengths, "bw_", reverse=True)
        hidden = np.concatenate([forward, backward], axis=2)
        logits = hidden @ self.arrays["out_w"].T + self.arrays["out_b"]
        probs = _softmax(logits)
        return np.concatenate(
            [probs[row, : e - s] for row, (s, e) in enumerate(zip(starts, ends, strict=True))]
        )


@dataclass(frozen=True)
class SpanClassifier:
    """Technique classifier: a one-hidden-layer MLP over pooled span and context features."""

    arrays: dict[str, Array]
    meta: dict[str, Any]

    @classmethod
    def load(cls, directory: Path = HEADS_DIR) -> SpanClassifier:
        """The shipped (or given) TC head."""
        arrays, meta = _load(directory / TC_FILE)
        return cls(arrays, meta)

    @property
    def techniques(self) -> tuple[str, ...]:
        """Class names in output order."""
        return tuple(self.meta["techniques"])

    @property
    def mix(self) -> Array:
        """Layer weights applied to the encoder's stacked layers."""
        return self.arrays["mix"]

    def probs(self, inputs: Array) -> Array:
        """(M, C) technique probabilities for M spans (`inputs` from `pool_spans`)."""
        if len(inputs) == 0:
            return np.zeros((0, len(self.techniques)), dtype=np.float32)
        x = (inputs - self.arrays["mean"]) / self.arrays["scale"]
        hidden = np.maximum(0.0, x @ self.arrays["w1"].T + self.arrays["b1"])
        logits = hidden @ self.arrays["w2"].T + self.arrays["b2"]
        return _softmax(logits)

    def decide(self, probs: Array) -> NDArray[np.int64]:
        """Class index per span after the per-technique log-offsets tuned in cross-validation."""
        offsets = self.arrays.get("offsets")
        scores = np.log(probs + 1e-9)
        if offsets is not None:
            scores = scores + offsets
        return np.asarray(scores.argmax(axis=1), dtype=np.int64)
