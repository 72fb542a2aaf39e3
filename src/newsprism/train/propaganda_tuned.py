"""Train the propaganda heads with the shared encoder fine-tuned (opt-in, `--tune-encoder`).

`train_tuned_propaganda` fine-tunes all-MiniLM-L6-v2 together with the SI tagger and the TC
classifier (`newsprism.train.encoder`) on PTC train (less the gate articles with `hold_out_gate`),
with a seeded tenth of them held out to pick the epoch and tune the SI decoder (the Viterbi O
offset). It writes three files: the encoder delta (`encoder_tuning.npz`, int8 rows on the
upstream weights) and the two numpy heads. The delta is quantised before the decoder is tuned,
so the numbers reported are those of the encoder the analyzer would run. Every other head reads
the same encoder, so shipping a delta means retraining them after it (`newsprism train all
--tune-encoder`).

`cross_validate_tuned` runs the same recipe once per fold: the encoder is tuned on the fold's
training articles only, so no held-out article was ever seen by the encoder or the heads (a fold
costs about 40 minutes on 2 cores). The frozen-encoder recipe stays the default
(`newsprism.train.propaganda`): on PTC fold 0 this one gained SI F1 0.387 -> 0.403 and lost TC
micro-F1 0.643 -> 0.629, too little to ship yet (docs/measurements.md: what each ingredient adds).
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.config import Config, data_dir, load_config
from newsprism.evaluate.ptc import (
    PtcArticle,
    PtcScores,
    load_ptc,
    load_techniques,
)
from newsprism.models.encoder_tuning import TUNING_FILE, EncoderTuning, make_tuning, save_tuning
from newsprism.propaganda.heads import SI_FILE, TC_FILE, SpanClassifier, SpanTagger, save_head
from newsprism.propaganda.infer import (
    EncodedArticle,
    classify,
)
from newsprism.train.encoder import (
    PreparedArticle,
    TunedEncoder,
    TuneOptions,
    encoded_articles,
    prepare_articles,
    rehearsal_sentences,
    tune_encoder,
)
from newsprism.train.propaganda import (
    FoldPredictions,
    evaluate_heads,
    gate_ids,
    run_folds,
    tune_o_bias,
    tune_threshold,
)

Log = Callable[[str], None]


@dataclass(frozen=True)
class TrainReport:
    """What a training run produced and what it cost."""

    encoder_path: Path
    si_path: Path
    tc_path: Path
    bytes: int
    articles: int
    spans: int
    epoch: int
    o_bias: float
    validation_si_f1: float
    validation_tc_f1: float
    wall_s: float
    cpu_s: float
    log: list[str] = field(default_factory=list)


@dataclass
class ShippedModels:
    """The quantised encoder delta with the heads tuned on it."""

    tuning: EncoderTuning
    tagger: SpanTagger
    classifier: SpanClassifier
    encoder: Any
    """The torch encoder holding upstream + the quantised delta (what the ONNX export runs)."""
    validation_si_f1: float
    validation_tc_f1: float


def split_validation(count: int, seed: int) -> tuple[list[int], list[int]]:
    """(fit, validation) positions: a seeded tenth of `count` items held out for validation."""
    order = list(range(count))
    random.Random(seed).shuffle(order)
    n_val = max(1, count // 10)
    return sorted(order[n_val:]), sorted(order[:n_val])


def _tc_accuracy(
    classifier: SpanClassifier, articles: Sequence[PtcArticle], encoded: Sequence[EncodedArticle]
) -> float:
    right = total = 0
    for article, enc in zip(articles, encoded, strict=True):
        labels, _ = classify(classifier, enc, [(s.start, s.end) for s in article.spans])
        right += sum(lab == s.technique for lab, s in zip(labels, article.spans, strict=True))
        total += len(article.spans)
    return right / max(1, total)


# -- the recipe --------------------------------------------------------------------------------


def _torch_encoder(weights: dict[str, NDArray[np.float32]]) -> Any:
    """A torch MiniLM (eval mode, no dropout) holding `weights`."""
    from newsprism.models.minilm import locate_package
    from newsprism.models.onnx_bert import BertShape
    from newsprism.train.minilm_torch import build_minilm

    shape = BertShape.from_config(json.loads(locate_package().config.read_text("utf-8")))
    return build_minilm(weights, shape, dropout=0.0).eval()


def upstream_weights() -> dict[str, NDArray[np.float32]]:
    """The packaged upstream weights (checked by sha256 first)."""
    from safetensors.numpy import load_file

    from newsprism.models.minilm import locate_package, verify

    files = locate_package()
    verify(files)
    return {k: np.asarray(v, np.float32) for k, v in load_file(str(files.safetensors)).items()}


def ship(
    tuned: TunedEncoder,
    val: Sequence[PreparedArticle],
    upstream: dict[str, NDArray[np.float32]],
    meta: dict[str, Any],
    log: Log,
) -> ShippedModels:
    """Quantise the tuned encoder into its delta, then tune the SI decoder on `val` with the
    quantised encoder, so that the heads fit the encoder the analyzer will run."""
    import torch

    from newsprism.models.minilm import BASE_VERSION, SHA256

    tuning = make_tuning(upstream, tuned.weights, SHA256["model.safetensors"], meta)
    encoder = _torch_encoder(tuning.apply(upstream))
    encoded = encoded_articles(torch, encoder, val)
    articles = [p.article for p in val]
    tagger, classifier = tuned.tagger, tuned.classifier
    threshold, _ = tune_threshold(tagger, encoded, articles)
    o_bias, val_si = tune_o_bias(tagger, encoded, articles)
    version = f"{BASE_VERSION}+{tuning.version}"
    tagger.meta.update({"threshold": threshold, "o_bias": o_bias, "encoder": version})
    classifier.meta["encoder"] = version
    val_tc = _tc_accuracy(classifier, articles, encoded)
    log(
        f"quantised encoder {version}: validation SI F1 {val_si:.4f} (O offset {o_bias}), "
        f"TC {val_tc:.4f}"
    )
    return ShippedModels(tuning, tagger, classifier, encoder, val_si, val_tc)


def _prepare(
    ptc_dir: Path, config: Config, log: Log, limit: int | None
) -> tuple[list[PtcArticle], list[PreparedArticle], tuple[str, ...]]:
    techniques = load_techniques(ptc_dir)
    articles = load_ptc(ptc_dir)
    if limit is not None:
        articles = articles[:limit]
    log(f"{len(articles)} articles, {sum(len(a.spans) for a in articles)} spans")
    prepared = prepare_articles(articles, config, techniques)
    kept = {p.article.id for p in prepared}
    return [a for a in articles if a.id in kept], prepared, techniques


def _fit_recipe(
    prepared: Sequence[PreparedArticle],
    techniques: Sequence[str],
    options: TuneOptions,
    data_root: Path | None,
    upstream: dict[str, NDArray[np.float32]],
    meta: dict[str, Any],
    log: Log,
) -> ShippedModels:
    """The whole recipe on `prepared`: validation split, joint tuning, quantised shipping."""
    fit_ids, val_ids = split_validation(len(prepared), options.seed)
    fit, val = [prepared[i] for i in fit_ids], [prepared[i] for i in val_ids]
    rehearsal = rehearsal_sentences(data_root)
    log(f"tuning on {len(fit)} articles, validating on {len(val)}; {len(rehearsal)} rehearsal")
    tuned = tune_encoder(fit, val, rehearsal, techniques, options, log)
    return ship(tuned, val, upstream, {**meta, "epoch": tuned.epoch}, log)


def train_tuned_propaganda(
    ptc_dir: Path,
    out_dir: Path,
    seed: int = 13,
    log: Log = print,
    options: TuneOptions | None = None,
    hold_out_gate: bool = False,
    data_root: Path | None = None,
    limit: int | None = None,
) -> TrainReport:
    """Fine-tune the encoder with both heads on PTC train (less the gate articles with
    `hold_out_gate`) and write the encoder delta and the heads to `out_dir`. `data_root` holds
    `polnear/` for the rehearsal term (default: the public data folder)."""
    wall, cpu = time.time(), time.process_time()
    lines: list[str] = []

    def record(line: str) -> None:
        lines.append(line)
        log(line)

    opts = options or TuneOptions(seed=seed)
    articles, prepared, techniques = _prepare(ptc_dir, load_config(), record, limit)
    if hold_out_gate:
        held = set(gate_ids([a.id for a in articles]))
        prepared = [p for p in prepared if p.article.id not in held]
        record(f"held out {len(held)} gate articles; training on {len(prepared)}")
    upstream = upstream_weights()
    meta = {
        "trained_on": "PTC train" + (" less the gate articles" if hold_out_gate else ""),
        "articles": len(prepared),
        "options": {k: v for k, v in vars(opts).items()},
    }
    shipped = _fit_recipe(
        prepared, techniques, opts, data_root or data_dir(), upstream, meta, record
    )
    encoder_path = out_dir / TUNING_FILE
    si_path, tc_path = out_dir / SI_FILE, out_dir / TC_FILE
    save_tuning(shipped.tuning, encoder_path)
    save_head(si_path, dict(shipped.tagger.arrays), shipped.tagger.meta)
    save_head(tc_path, dict(shipped.classifier.arrays), shipped.classifier.meta)
    from newsprism.models.packaged import record_trained_on

    version = str(shipped.tagger.meta["encoder"])
    for path in (si_path, tc_path):
        record_trained_on(path, version)
    return TrainReport(
        encoder_path=encoder_path,
        si_path=si_path,
        tc_path=tc_path,
        bytes=sum(p.stat().st_size for p in (encoder_path, si_path, tc_path)),
        articles=len(prepared),
        spans=sum(len(p.article.spans) for p in prepared),
        epoch=int(shipped.tuning.meta["epoch"]),
        o_bias=float(shipped.tagger.meta["o_bias"]),
        validation_si_f1=shipped.validation_si_f1,
        validation_tc_f1=shipped.validation_tc_f1,
        wall_s=time.time() - wall,
        cpu_s=time.process_time() - cpu,
        log=lines,
    )


def cross_validate_tuned(
    ptc_dir: Path,
    folds: int = 5,
    seed: int = 13,
    log: Log | None = None,
    limit: int | None = None,
    options: TuneOptions | None = None,
    only_folds: Sequence[int] | None = None,
    data_root: Path | None = None,
) -> PtcScores:
    """Article-level cross-validation of the whole recipe: per fold, the encoder and heads are
    tuned on the other folds' articles and the held-out fold is scored (SI on detected spans,
    TC on the gold spans)."""
    import torch

    say: Log = log or (lambda _line: None)
    opts = options or TuneOptions(seed=seed)
    articles, prepared, techniques = _prepare(ptc_dir, load_config(), say, limit)
    by_id = {p.article.id: p for p in prepared}
    upstream = upstream_weights()

    def run_fold(number: int, held: list[str]) -> FoldPredictions:
        held_set = set(held)
        train = [p for p in prepared if p.article.id not in held_set]
        test = [by_id[i] for i in sorted(held_set)]
        say(f"fold {number}: tuning on {len(train)} articles")
        shipped = _fit_recipe(train, techniques, opts, data_root or data_dir(), upstream, {}, say)
        encoded = encoded_articles(torch, shipped.encoder, test)
        test_articles = [p.article for p in test]
        si_pred, tc_pred = evaluate_heads(
            shipped.tagger, shipped.classifier, test_articles, encoded, techniques
        )
        return test_articles, si_pred, tc_pred

    return run_folds([a.id for a in articles], folds, seed, only_folds, techniques, say, run_fold)
