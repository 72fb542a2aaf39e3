"""`newsprism eval ptc` (the shipped, frozen-encoder recipe) end to end on a few PTC articles."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")


def test_a_fold_trains_the_heads_and_scores_the_held_out_articles(
    shared_data: Path, tmp_path: Path
) -> None:
    from newsprism.train.propaganda import cross_validate

    if not (shared_data / "ptc" / "train").is_dir():
        pytest.skip("PTC not present")
    lines: list[str] = []
    scores = cross_validate(
        shared_data / "ptc", folds=2, log=lines.append, limit=8, cache_dir=tmp_path, only_folds=[0]
    )
    assert [(f.fold, f.articles) for f in scores.folds] == [(0, 4)]
    assert 0.0 <= scores.si_mean.f1 <= 1.0 and 0.0 <= scores.tc_mean_micro_f1 <= 1.0
    assert any(line.startswith("fold 0: SI P ") for line in lines)
