"""Fit the combined trust model on FA-KES and store it with its leave-outlets-out report.

Deterministic (Newton's method, no random state). The report holds the per-fold balanced
accuracy and macro-F1 of `newsprism eval fakes` for the same features, so the head says how it
does on outlets it never saw. The features include the claim grades of the corpus analysis over
FA-KES (`evaluate.fakes.fakes_grades`). Run `python -m newsprism.train.trust [--out PATH]
[--cache JSONL]` (the cache keeps the analysed documents and grades: 3-5 minutes the first time on
two cores, seconds after while the analysis code is unchanged).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from newsprism.config import Config, load_config
from newsprism.evaluate.fakes import (
    FAKES_ANALYZERS,
    analyse,
    fakes_grades,
    leave_outlets_out,
    load_fakes,
)
from newsprism.trust.calibration import fit_logistic
from newsprism.trust.features import FEATURE_NAMES, corpus_features, feature_signs
from newsprism.trust.score import HEAD_FILE, HEADS_DIR


def train(config: Config, cache: Path | None = None) -> dict[str, Any]:
    """The head file's JSON object: the model fitted on all of FA-KES, and the CV report."""
    data = load_fakes(config=config)
    docs = analyse(data.docs, config, FAKES_ANALYZERS, cache)
    matrix = corpus_features(docs, config, fakes_grades(docs, config, cache))
    report = leave_outlets_out(matrix, data.labels, data.outlets, config.trust.l2)
    report["documents"] = len(docs)
    report["analyzers"] = list(FAKES_ANALYZERS)
    model = fit_logistic(
        matrix, data.labels, FEATURE_NAMES, l2=config.trust.l2, signs=feature_signs()
    )
    return {"model": model.to_dict(), "report": report}


def main() -> None:
    """Train and write the head."""
    from newsprism.models.minilm import MODEL_VERSION
    from newsprism.models.packaged import record_trained_on

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=HEADS_DIR / HEAD_FILE)
    parser.add_argument(
        "--cache", type=Path, default=None, help="JSONL of analysed FA-KES documents (reused)."
    )
    args = parser.parse_args()
    head = train(load_config(), args.cache)
    args.out.write_text(json.dumps(head, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    record_trained_on(args.out, MODEL_VERSION)
    report = head["report"]
    print(
        f"leave-outlets-out: balanced accuracy {report['balanced_accuracy']}, "
        f"macro-F1 {report['macro_f1']}"
    )


if __name__ == "__main__":
    main()
