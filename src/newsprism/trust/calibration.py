"""Small numpy logistic regression (class-balanced, L2, Newton) and the metrics the heads report.

Every learned head of the trust evidence (check-worthiness, comment flags, the combined trust
score) is a linear model over a handful to a few thousand features: Newton's method on the
L2-penalised, class-balanced log loss converges in a few dozen steps, needs no extra package and
is deterministic, so trained heads are reproducible bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def sigmoid(z: FloatArray) -> FloatArray:
    """The logistic function, safe for large |z|."""
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * z))
    return out


@dataclass(frozen=True, slots=True)
class LinearModel:
    """`p = sigmoid(((x - mean) / scale) @ weights + bias)`; names label the features.

    A NaN feature is missing (evidence that was not computed, e.g. claim grades before the corpus
    analysis ran): it takes the training mean, so it moves the score neither way.
    """

    names: tuple[str, ...]
    weights: FloatArray
    bias: float
    mean: FloatArray
    scale: FloatArray

    def logits(self, features: FloatArray) -> FloatArray:
        """Raw scores of rows of `features` ([n, len(names)])."""
        z: FloatArray = self._standard(features) @ self.weights + self.bias
        return z

    def _standard(self, features: FloatArray) -> FloatArray:
        x = np.asarray(features, dtype=np.float64)
        out: FloatArray = (np.where(np.isnan(x), self.mean, x) - self.mean) / self.scale
        return out

    def predict(self, features: FloatArray) -> FloatArray:
        """Probabilities of the positive class."""
        return sigmoid(self.logits(features))

    def contributions(self, row: FloatArray) -> FloatArray:
        """Each feature's share of one row's logit (standardised value times weight)."""
        out: FloatArray = self._standard(row) * self.weights
        return out

    def to_dict(self) -> dict[str, Any]:
        """JSON form (a committed head file)."""
        return {
            "names": list(self.names),
            "weights": [round(float(w), 8) for w in self.weights],
            "bias": round(float(self.bias), 8),
            "mean": [round(float(m), 8) for m in self.mean],
            "scale": [round(float(s), 8) for s in self.scale],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinearModel:
        """Inverse of `to_dict`."""
        return cls(
            names=tuple(data["names"]),
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
        )


def fit_logistic(
    features: FloatArray,
    labels: npt.NDArray[Any],
    names: Sequence[str],
    l2: float = 1.0,
    balanced: bool = True,
    steps: int = 50,
    signs: Sequence[int] | None = None,
) -> LinearModel:
    """Fit a logistic regression by Newton's method on standardised features.

    `balanced` weighs each class to half the loss, so the 0.5 threshold sits at the balanced
    decision point (FA-KES is near balance; check-worthiness and hate are not). `l2` is the
    penalty on the weights (not the bias), in units of one example's loss. `signs` (one per
    feature: +1, -1 or 0 for free) constrains the direction of each weight: a feature whose
    weight comes out against its sign is taken out (weight 0) and the rest refitted, the
    largest violation first, until every weight agrees (an active-set fit).
    """
    x = np.asarray(features, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    if np.isnan(x).any():
        # Missing values (NaN) take their column's mean, as `LinearModel` does when predicting.
        known = ~np.isnan(x)
        fill = np.where(known, x, 0.0).sum(axis=0) / np.maximum(known.sum(axis=0), 1)
        x = np.where(known, x, fill)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    positive = float(y.mean()) if len(y) else 0.5
    if balanced and 0.0 < positive < 1.0:
        sample = np.where(y == 1, 0.5 / positive, 0.5 / (1.0 - positive))
    else:
        sample = np.ones_like(y)
    wanted = np.asarray(signs if signs is not None else [0] * len(names), dtype=np.float64)
    active = list(range(xs.shape[1]))  # the bias column (last) always stays
    while True:
        w_active = _newton(xs[:, active], y, sample, l2, steps)
        weights = np.zeros(xs.shape[1])
        weights[active] = w_active
        against = weights[:-1] * wanted < 0
        if not against.any():
            break
        active.remove(int(np.argmax(np.where(against, np.abs(weights[:-1]), -1.0))))
    return LinearModel(tuple(names), weights[:-1].copy(), float(weights[-1]), mean, scale)


def _newton(xs: FloatArray, y: FloatArray, sample: FloatArray, l2: float, steps: int) -> FloatArray:
    """Weights (the last one the unpenalised bias) minimising the weighted, L2-penalised log
    loss of the standardised columns `xs`."""
    n, d = xs.shape
    penalty = np.full(d, l2 / max(n, 1))
    penalty[-1] = 1e-8
    w = np.zeros(d)
    for _ in range(steps):
        p = sigmoid(xs @ w)
        grad = xs.T @ (sample * (p - y)) / n + penalty * w
        hess = (xs * (sample * p * (1 - p))[:, None]).T @ xs / n + np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-9:
            break
    return w


def balanced_accuracy(labels: npt.NDArray[Any], predicted: npt.NDArray[Any]) -> float:
    """Mean of the per-class recalls (classes absent from `labels` are skipped)."""
    recalls = [float((predicted[labels == c] == c).mean()) for c in np.unique(labels)]
    return float(np.mean(recalls)) if recalls else 0.0


def f1_binary(labels: npt.NDArray[Any], predicted: npt.NDArray[Any], positive: int = 1) -> float:
    """F1 of class `positive`."""
    tp = float(((predicted == positive) & (labels == positive)).sum())
    fp = float(((predicted == positive) & (labels != positive)).sum())
    fn = float(((predicted != positive) & (labels == positive)).sum())
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def macro_f1(labels: npt.NDArray[Any], predicted: npt.NDArray[Any]) -> float:
    """Unweighted mean F1 over the classes present in `labels` or `predicted`."""
    classes = np.unique(np.concatenate([labels, predicted]))
    return float(np.mean([f1_binary(labels, predicted, int(c)) for c in classes]))


def roc_auc(labels: npt.NDArray[Any], scores: npt.NDArray[Any]) -> float | None:
    """Area under the ROC curve (ties get average ranks); None with one class only."""
    y = np.asarray(labels)
    n1 = int((y == 1).sum())
    n0 = len(y) - n1
    if n1 == 0 or n0 == 0:
        return None
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(y), dtype=np.float64)
    sorted_scores = np.asarray(scores)[order]
    i = 0
    while i < len(y):
        j = i
        while j + 1 < len(y) and sorted_scores[j + 1] == sorted_scores[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2 + 1
        i = j + 1
    return float((ranks[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def brier_score(labels: npt.NDArray[Any], probabilities: npt.NDArray[Any]) -> float:
    """Mean squared difference between the predicted probability and the 0/1 label (0.25 is
    what a constant 0.5 scores on any labels)."""
    y = np.asarray(labels, dtype=np.float64)
    p = np.asarray(probabilities, dtype=np.float64)
    return float(np.mean((p - y) ** 2)) if len(y) else 0.0


def calibration_error(
    labels: npt.NDArray[Any], probabilities: npt.NDArray[Any], bins: int = 10
) -> float:
    """Expected calibration error: over `bins` equal-width bins of the predicted probability,
    the share of predictions in each times the gap between its mean prediction and its share
    of positives. 0 when a stated 0.7 comes true 70% of the time."""
    y = np.asarray(labels, dtype=np.float64)
    p = np.asarray(probabilities, dtype=np.float64)
    if not len(y):
        return 0.0
    which = np.minimum((p * bins).astype(np.int64), bins - 1)
    gap = 0.0
    for b in np.unique(which):
        chosen = which == b
        gap += chosen.mean() * abs(p[chosen].mean() - y[chosen].mean())
    return float(gap)
