"""Train the check-worthiness head on `checkworthy/train.json`; report F1 on `test.json`.

Reproducible: the encoder is deterministic and the logistic regression is fitted by Newton's
method (no random state). The L2 penalty is chosen by 5-fold CV on train (folds by index mod 5).
Run `python -m newsprism.train.checkworthy [--out PATH]`.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.analyzers.checkworthy import HEAD_FILE, HEADS_DIR, SURFACE_NAMES, feature_matrix
from newsprism.config import Config, load_config, require_data
from newsprism.trust.calibration import f1_binary, fit_logistic

L2_GRID = (1.0, 10.0, 100.0, 1000.0)


def load_split(name: str) -> tuple[list[str], np.ndarray[Any, Any]]:
    """Texts and labels of `checkworthy/<name>.json`."""
    rows = json.loads(require_data(f"checkworthy/{name}.json").read_text(encoding="utf-8"))
    return [str(r["text"]) for r in rows], np.asarray([int(r["label"]) for r in rows])


def encode(texts: list[str], config: Config) -> np.ndarray[Any, Any]:
    """[n, 384] sentence vectors from the shared encoder."""
    from newsprism.analyzers.encoder import get_encoder

    encoded = get_encoder(config).encode(texts)
    return np.vstack([e.sentence_vector for e in encoded])


def train(config: Config) -> dict[str, Any]:
    """Fit the head; returns the head file's JSON object (model and report)."""
    texts, labels = load_split("train")
    x = feature_matrix(texts, encode(texts, config))
    names = [f"minilm_{i}" for i in range(x.shape[1] - len(SURFACE_NAMES))] + list(SURFACE_NAMES)
    fold = np.arange(len(labels)) % 5
    cv: dict[str, float] = {}
    for l2 in L2_GRID:
        predicted = np.zeros(len(labels), dtype=np.int64)
        for k in range(5):
            model = fit_logistic(x[fold != k], labels[fold != k], names, l2=l2)
            predicted[fold == k] = model.predict(x[fold == k]) >= 0.5
        cv[str(l2)] = round(f1_binary(labels, predicted), 4)
    best = max(L2_GRID, key=lambda v: cv[str(v)])
    model = fit_logistic(x, labels, names, l2=best)
    test_texts, test_labels = load_split("test")
    test_x = feature_matrix(test_texts, encode(test_texts, config))
    test_predicted = (model.predict(test_x) >= 0.5).astype(np.int64)
    report = {
        "train": len(labels),
        "test": len(test_labels),
        "cv_f1_by_l2": cv,
        "l2": best,
        "test_f1": round(f1_binary(test_labels, test_predicted), 4),
        "test_precision": round(
            float(test_labels[test_predicted == 1].mean()) if test_predicted.any() else 0.0, 4
        ),
        "test_recall": round(float(test_predicted[test_labels == 1].mean()), 4),
    }
    return {"model": model.to_dict(), "report": report}


def main() -> None:
    """Train and write the head."""
    from newsprism.models.minilm import MODEL_VERSION
    from newsprism.models.packaged import record_trained_on

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HEADS_DIR / HEAD_FILE)
    args = parser.parse_args()
    head = train(load_config())
    with gzip.open(args.out, "wt", encoding="utf-8") as stream:
        json.dump(head, stream, sort_keys=True)
    record_trained_on(args.out, MODEL_VERSION)
    print(json.dumps(head["report"], indent=1))


if __name__ == "__main__":
    main()
