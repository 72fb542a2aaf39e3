"""Averaged multi-class perceptron over string features (training only; heads are JSON)."""

from __future__ import annotations


class AveragedPerceptron:
    """Averaged multi-class perceptron with lazy averaging (timestamps per weight)."""

    def __init__(self, n_classes: int) -> None:
        self.n_classes = n_classes
        self.weights: dict[str, list[float]] = {}
        self.totals: dict[str, list[float]] = {}
        self.stamps: dict[str, list[int]] = {}
        self.clock = 0

    def scores(self, feats: list[str]) -> list[float]:
        """Summed weights of `feats` per class."""
        out = [0.0] * self.n_classes
        for feat in feats:
            vector = self.weights.get(feat)
            if vector is not None:
                for k in range(self.n_classes):
                    out[k] += vector[k]
        return out

    def update(self, feats: list[str], truth: int, guess: int) -> None:
        """One step: move weight from the guessed class to the true one (no-op when equal)."""
        self.clock += 1
        if truth == guess:
            return
        for feat in feats:
            vector = self.weights.setdefault(feat, [0.0] * self.n_classes)
            totals = self.totals.setdefault(feat, [0.0] * self.n_classes)
            stamps = self.stamps.setdefault(feat, [0] * self.n_classes)
            for k, delta in ((truth, 1.0), (guess, -1.0)):
                totals[k] += (self.clock - stamps[k]) * vector[k]
                stamps[k] = self.clock
                vector[k] += delta

    def averaged(self, min_abs: float) -> dict[str, list[float]]:
        """Averaged weights; features whose largest |weight| is under `min_abs` are pruned."""
        out: dict[str, list[float]] = {}
        for feat, vector in self.weights.items():
            totals = self.totals[feat]
            stamps = self.stamps[feat]
            avg = [
                (totals[k] + (self.clock - stamps[k]) * vector[k]) / max(self.clock, 1)
                for k in range(self.n_classes)
            ]
            if max(abs(x) for x in avg) >= min_abs:
                out[feat] = avg
        return out
