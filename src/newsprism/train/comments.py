"""Train the comment-flag heads (hate; abusive = hate or offensive) on Davidson and HateXplain.

Data: `hate/labeled_data.csv` (Davidson: 0 hate, 1 offensive, 2 neither) and
`hate/hatexplain/mbib_092-HateXplain.csv` (category 0 normal, 1 hate, 2 offensive, 3 undecided,
left out) with the official splits in `post_id_divisions.json`. Training uses HateXplain train
and Davidson rows whose index is not 0 mod 5; the report gives F1 on HateXplain test and on the
held-out Davidson fifth. Seeded (shuffling), so the head is reproducible.
Run `python -m newsprism.train.comments [--out PATH]`.
"""

from __future__ import annotations

import argparse
import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.analyzers.comments import BITS, HEAD_FILE, HEADS_DIR, save_head
from newsprism.config import require_data
from newsprism.trust.calibration import f1_binary
from newsprism.trust.hashed import hashed_features, predict_hashed, train_hashed

Rows = list[tuple[str, int, int]]
"""(text, hate 0/1, abusive 0/1)."""


def load_davidson() -> tuple[Rows, Rows]:
    """(train, held-out) rows of Davidson: every fifth row held out."""
    path = require_data("hate/labeled_data.csv")
    train: Rows = []
    held: Rows = []
    with path.open(encoding="utf-8", newline="") as stream:
        for i, row in enumerate(csv.DictReader(stream)):
            label = int(row["class"])
            item = (row["tweet"], int(label == 0), int(label in (0, 1)))
            (held if i % 5 == 0 else train).append(item)
    return train, held


def load_hatexplain() -> dict[str, Rows]:
    """HateXplain rows by official split (undecided posts left out)."""
    folder = require_data("hate/hatexplain")
    splits = json.loads((folder / "post_id_divisions.json").read_text(encoding="utf-8"))
    split_of = {pid: name for name, ids in splits.items() for pid in ids}
    out: dict[str, Rows] = {"train": [], "val": [], "test": []}
    with (folder / "mbib_092-HateXplain.csv").open(encoding="utf-8", newline="") as stream:
        for row in csv.DictReader(stream):
            category = int(row["category"])
            split = split_of.get(row[""])
            if category == 3 or split is None:
                continue
            out[split].append((row["text"], int(category == 1), int(category in (1, 2))))
    return out


def _scores(rows: Rows, head: dict[str, Any]) -> dict[str, float]:
    feats = [hashed_features(t, BITS) for t, _, _ in rows]
    result: dict[str, float] = {"n": len(rows)}
    for k, name in enumerate(("hate", "abusive")):
        gold = np.asarray([r[1 + k] for r in rows])
        prob = predict_hashed(feats, head[name]["weights"], head[name]["bias"])
        result[f"{name}_f1"] = round(f1_binary(gold, (prob >= 0.5).astype(np.int64)), 4)
    return result


def train() -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit both heads; returns (head arrays, report)."""
    davidson_train, davidson_held = load_davidson()
    hatexplain = load_hatexplain()
    rows = davidson_train + hatexplain["train"]
    feats = [hashed_features(t, BITS) for t, _, _ in rows]
    head: dict[str, Any] = {}
    for k, name in enumerate(("hate", "abusive")):
        labels = np.asarray([r[1 + k] for r in rows])
        weights, bias = train_hashed(feats, labels, BITS)
        head[name] = {"weights": weights.astype(np.float32), "bias": bias}
    report = {
        "train_rows": len(rows),
        "hatexplain_test": _scores(hatexplain["test"], head),
        "davidson_heldout": _scores(davidson_held, head),
    }
    return head, report


def main() -> None:
    """Train and write the head."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HEADS_DIR / HEAD_FILE)
    args = parser.parse_args()
    head, report = train()
    save_head(args.out, head, report)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
