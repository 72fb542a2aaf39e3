"""FA-KES leave-outlets-out gate: pinned just under the measured balanced accuracy (0.5477).

The gate runs the analyzers up to events.v1 over 571 articles (74 s to 4 minutes on two cores,
depending on load), hence `slow`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsprism.config import Config
from newsprism.evaluate.fakes import evaluate_fakes, leave_outlets_out, load_fakes


@pytest.mark.slow
def test_fakes_gate(shared_data: Path, config: Config) -> None:
    result = evaluate_fakes(config)
    assert result["documents"] == 571 and result["outlets"] == 9
    assert result["left_out_conflicting_ids"] == ["1926479112"]
    assert result["balanced_accuracy"] >= 0.54
    assert result["macro_f1"] >= 0.54
    assert {f["outlet"] for f in result["folds"]} == {
        "ahram", "alalam", "arabiya", "asharqalawsat", "dailysabah",
        "etilaf", "jordantimes", "manar", "sana",
    }  # fmt: skip


def test_folds_never_share_outlets(shared_data: Path) -> None:
    data = load_fakes()
    # A feature that *is* the outlet: leave-outlets-out must not be able to use it.
    outlets = sorted(set(data.outlets))
    onehot = np.asarray([[float(o == k) for k in outlets[:7]] for o in data.outlets])
    from newsprism.trust import features

    names = features.FEATURE_NAMES
    padded = np.zeros((len(onehot), len(names)))
    padded[:, : onehot.shape[1]] = onehot
    result = leave_outlets_out(padded, data.labels, data.outlets, l2=1.0)
    assert result["balanced_accuracy"] < 0.56


def test_analyse_cache_round_trip(tmp_path: Path, config: Config) -> None:
    from newsprism.document import Document
    from newsprism.evaluate.fakes import analyse

    docs = [
        Document("a", "Warplanes struck Idlib. Five people were killed.", {"outlet": "x"}),
        Document("b", "Rebels shelled Aleppo on Monday. Two died.", {"outlet": "y"}),
    ]
    names = ("sections.v1", "sentences.v1")
    cache = tmp_path / "sub" / "analysed.jsonl"
    first = analyse(docs, config, names, cache)
    assert cache.is_file() and len(first[0].layer("sentences")) == 2
    again = analyse(docs, config, names, cache)
    assert [d.to_dict() for d in again] == [d.to_dict() for d in first]
    # Another analyzer list (or other ids) does not reuse the file: it is rewritten.
    other = analyse(docs[:1], config, names, cache)
    assert len(other) == 1
    assert len(cache.read_text(encoding="utf-8").splitlines()) == 2
