"""Span matching and P/R/F1 arithmetic shared by the span-level scorers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsprism.analyzers.cues import trim

Range = tuple[int, int]

__all__ = ["PRF", "Range", "add_matches", "iou", "match_one_to_one", "overlap", "trim"]


def overlap(a: Range, b: Range) -> int:
    """Characters two ranges share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def iou(a: Range, b: Range) -> float:
    """Intersection over union of two ranges (0 when both are empty)."""
    inter = overlap(a, b)
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0


@dataclass(slots=True)
class PRF:
    """Counts of true positives, predictions and gold items, with P/R/F1."""

    tp_pred: int = 0
    tp_gold: int = 0
    n_pred: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        """Matched predictions / predictions."""
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        """Matched gold items / gold items."""
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        """JSON-ready scores."""
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "n_pred": self.n_pred,
            "n_gold": self.n_gold,
        }


def match_one_to_one(
    pred: Sequence[Range], gold: Sequence[Range], min_iou: float
) -> list[tuple[int, int]]:
    """Greedy one-to-one pairs `(pred_index, gold_index)` by descending IoU above `min_iou`.

    `min_iou == 0` means "any overlap".
    """
    candidates = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            if overlap(p, g) <= 0:
                continue
            score = iou(p, g)
            if score >= min_iou:
                candidates.append((score, i, j))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs = []
    for _, i, j in candidates:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


def add_matches(prf: PRF, pred: Sequence[Range], gold: Sequence[Range], min_iou: float) -> int:
    """Count one document into `prf`; returns the number of matched pairs."""
    pairs = match_one_to_one(pred, gold, min_iou)
    prf.n_pred += len(pred)
    prf.n_gold += len(gold)
    prf.tp_pred += len(pairs)
    prf.tp_gold += len(pairs)
    return len(pairs)
