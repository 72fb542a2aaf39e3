"""`train_tuned_propaganda` end to end on a few PTC articles: three files, loadable, consistent."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from newsprism.models.encoder_tuning import TUNING_FILE, read_tuning
from newsprism.models.minilm import BASE_VERSION, SHA256
from newsprism.models.packaged import TRAINED_ON
from newsprism.propaganda.heads import SpanClassifier, SpanTagger
from newsprism.train.encoder import TuneOptions

pytest.importorskip("torch")


def test_a_short_run_writes_the_delta_and_both_heads(shared_data: Path, tmp_path: Path) -> None:
    from newsprism.train.propaganda_tuned import train_tuned_propaganda

    if not (shared_data / "ptc" / "train").is_dir():
        pytest.skip("PTC not present")
    options = replace(TuneOptions(), epochs=1, distill_sentences=40, threads=1)
    report = train_tuned_propaganda(
        shared_data / "ptc",
        tmp_path,
        log=lambda _line: None,
        options=options,
        hold_out_gate=True,
        limit=14,
    )
    assert report.articles == 14 - 2  # two of the first 14 are gate articles
    tuning = read_tuning(tmp_path / TUNING_FILE)
    assert tuning.base_sha256 == SHA256["model.safetensors"]
    assert tuning.meta["epoch"] == 1 and tuning.meta["options"]["epochs"] == 1
    tagger, classifier = SpanTagger.load(tmp_path), SpanClassifier.load(tmp_path)
    version = f"{BASE_VERSION}+{tuning.version}"
    assert tagger.meta["encoder"] == classifier.meta["encoder"] == version
    assert tagger.meta["o_bias"] == report.o_bias
    # Heads are stored as float16 (3 significant digits): a softmax mix sums to 1 within that.
    assert np.isclose(tagger.mix.sum(), 1.0, atol=2e-3)
    assert np.isclose(classifier.mix.sum(), 1.0, atol=2e-3)
    record = json.loads((tmp_path / TRAINED_ON).read_text(encoding="utf-8"))
    assert {k: v["encoder"] for k, v in record.items()} == {
        "propaganda_si.npz": version,
        "propaganda_tc.npz": version,
    }
    assert report.bytes < 40_000_000


def test_cross_validation_tunes_the_encoder_per_fold(shared_data: Path) -> None:
    from newsprism.train.propaganda_tuned import cross_validate_tuned

    if not (shared_data / "ptc" / "train").is_dir():
        pytest.skip("PTC not present")
    options = replace(TuneOptions(), epochs=1, distill_sentences=20, threads=1)
    lines: list[str] = []
    scores = cross_validate_tuned(
        shared_data / "ptc", folds=2, log=lines.append, limit=10, options=options, only_folds=[0]
    )
    assert [f.fold for f in scores.folds] == [0]
    assert scores.folds[0].articles == 5
    assert 0.0 <= scores.si_mean.f1 <= 1.0 and 0.0 <= scores.tc_mean_micro_f1 <= 1.0
    assert any(line.startswith("fold 0: tuning on 5 articles") for line in lines)
