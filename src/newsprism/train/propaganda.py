"""Train the propaganda heads on PTC (torch, training only) and cross-validate them by article.

`train_propaganda` encodes the PTC training articles with the project's own pipeline (cached),
trains the SI tagger (BiLSTM over a learned mix of encoder layers plus surface features, BIO tags)
and the TC classifier (MLP over pooled span and context vectors plus span features), tunes the SI
decoder (threshold, then the Viterbi O offset it ships with) and per-technique offsets on a
held-out tenth of the training articles, and writes two `.npz` heads that
`newsprism.propaganda.heads` runs with numpy. The SI head kept is the epoch snapshot (or weight
average of the last epochs) with the best validation SI F1. Everything is seeded.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.config import Config, load_config
from newsprism.document import Document
from newsprism.errors import missing_extra
from newsprism.evaluate.ptc import (
    FoldScore,
    PtcArticle,
    PtcScores,
    TechniqueSpan,
    article_folds,
    load_ptc,
    load_techniques,
    pooled_scores,
    si_score,
    tc_score,
)
from newsprism.propaganda.encoding import HEAD_LAYERS, encode_cached
from newsprism.propaganda.features import LEXICON_NAMES, SPAN_FEATURES, TOKEN_FEATURES
from newsprism.propaganda.heads import (
    MEMBER_SHARED_ARRAYS,
    SI_FILE,
    TC_FILE,
    SpanClassifier,
    SpanTagger,
    save_head,
    sequence_ids,
)
from newsprism.propaganda.infer import (
    EncodedArticle,
    classify,
    decode_spans,
    head_inputs,
    span_pool_inputs,
    tagger_inputs,
    tagger_spans,
    viterbi_spans,
)
from newsprism.train.encoder import O_BIASES, tagger_arrays

Log = Callable[[str], None]
GATE_STRIDE = 12
"""Every 12th PTC article (sorted by id): 31 articles the CI gate
(`tests/evaluate/test_ptc_gate.py`) keeps out of a one-member run of the recipe and scores it on.
The shipped heads learn from all 371 (`hold_out_gate` in `train_propaganda` leaves them out)."""
CACHE_DIR = Path(".scratch") / "ptc_enc"
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)


@dataclass(frozen=True)
class HeadOptions:
    """Training hyper-parameters (chosen on one fold of PTC train; see the report)."""

    layers: tuple[int, ...] = HEAD_LAYERS
    surface: bool = True
    proj: int = 128
    hidden: int = 96
    # BiLSTM taggers trained on the same articles (seeds and inputs in `member_recipes`), shipped
    # as one head whose probabilities are their mean (each member is one more BiLSTM pass at
    # inference). 5-fold CV SI F1 (pooled, validation-tuned offsets): seed 13 alone 0.425, seed
    # 14 alone 0.432, both 0.440, every fold above both of its members (+0.003 to +0.019).
    tagger_members: int = 4
    # How many of the members (the last ones) also read the document vector (`doc_context`):
    # seeds are not what the ensemble lacks, views are. 5-fold CV SI F1 pooled at the fixed
    # offset -1.5 (`.scratch/si/cmp.py`): two plain members 0.443, three 0.446, four plain
    # 0.416 against 0.417 for two on folds 0 and 3; three plain plus one doc_context member
    # 0.454, every fold up 0.009-0.023 on the pair. The doc_context member takes the seed of
    # the last plain one, as in that run. Each member costs about 0.035x the encoder pass
    # (ONNX; `newsprism bench`).
    doc_context_members: int = 1
    # Members (after the others, seeds continuing from the plain ones') whose BiLSTM reads
    # consecutive sentences together, up to `chunk_tokens` tokens a sequence, so a span's
    # context reaches past its sentence. 5-fold CV SI F1 pooled with the shipped decoder
    # (`.scratch/si/cv.py chunk300 16`, paired on the same members' probabilities): alone 0.435
    # (a plain member 0.436); as a fifth member 0.456 against 0.4535 for the four (folds +0.004,
    # +0.003, -0.001, 0.000, +0.007); chunks of 150 or 600 tokens 0.418 / 0.421 alone. By
    # `newsprism eval ptc --folds 5`: 0.4506 -> 0.4533 mean of folds. It costs what any member
    # does (propaganda.v1 0.18x -> 0.22x the encoder pass).
    chunk_members: int = 1
    chunk_tokens: int = 300
    # Sequences per batch of a chunk member: about as many tokens as `batch` sentences.
    chunk_batch: int = 12
    # The most tokens of consecutive sentences one training sequence holds (0: one sentence);
    # set per member by `member_recipes`.
    sequence_tokens: int = 0
    batch: int = 128
    si_epochs: int = 10
    si_lr: float = 3e-3
    dropout: float = 0.3
    tc_hidden: int = 256
    tc_epochs: int = 40
    # TC members trained with seeds seed..seed+k-1 and merged into one wider MLP (their logits
    # averaged). 5-fold CV TC micro-F1 (`.scratch` run, gold spans): 1 member 0.610, 3 0.620,
    # 5 0.624 (4 of 5 folds gain 0.004-0.027; the 31-article gate 0.599 -> 0.596, noise there).
    tc_members: int = 5
    tc_lr: float = 1e-3
    tc_weight_decay: float = 1e-4
    # Per-technique log-offsets tuned on the validation tenth (about 550 spans) overfit it: with
    # the five members, 5-fold TC micro-F1 0.624 with them, 0.630 without (every fold better).
    tune_offsets: bool = False
    dedupe_repeats: bool = True
    # Validation SI F1 (inner tenth, 34 articles; seed 13) of each option, against 0.416 for the
    # shipped recipe: a jointly trained CRF peaked at 0.391 (gate 0.39-0.40), the document vector
    # plus concatenated layers at 0.392 by epoch 4 (base: 0.400). Weight averages of the last 2-5
    # epochs scored 0.403-0.414 and lost to epoch 8, but stay candidates. See the session report.
    crf: bool = False
    doc_context: bool = False
    early_stopping: bool = True
    layer_concat: bool = False
    swa: int = 5
    # The Viterbi decoder's log P(O) offset (None: the best of O_BIASES on the validation tenth).
    # Tuned on those 34 articles it wandered: the five CV folds picked -1.6, -1.3, -0.8, -2.0 and
    # -1.6, the shipped head -1.0. SI F1 pooled over the five test folds is flat from -1.7 to
    # -1.2 (0.439-0.444) and falls to 0.425 at -1.0, so the recipe fixes the plateau's centre.
    # Nested CV (the offset chosen on four folds' test predictions, applied to the fifth): 0.441,
    # against 0.440 tuned per fold; the 31-article gate: 0.431, against 0.418 at the tuned -1.0.
    o_bias: float | None = -1.5
    # Log-offset on B at a sentence's first token (the decoder's start scores; added to a CRF's
    # learned ones): the sentence BiLSTM opens spans at sentence starts more often than the
    # annotators do (its spans begin with "The" twice as often as gold ones). 5-fold CV SI F1
    # pooled at the O offset -1.5 (`.scratch/si/startb.py` on the CV members' probabilities):
    # the shipped four members 0.449 -> 0.452 / 0.453 / 0.454 / 0.453 at -0.5 / -0.7 / -1.0 /
    # -1.5, every fold equal or up; two plain members 0.437 -> 0.440, a plain and a document
    # member 0.439 -> 0.445, one member 0.427 -> 0.431. On the 31-article gate 0.441 -> 0.437,
    # inside that small set's noise.
    sentence_start_b: float = -1.0


@dataclass(frozen=True)
class TrainReport:
    """What a training run produced and what it cost."""

    si_path: Path
    tc_path: Path
    si_bytes: int
    tc_bytes: int
    articles: int
    spans: int
    threshold: float
    validation_si_f1: float
    validation_tc_f1: float
    wall_s: float
    cpu_s: float
    log: list[str] = field(default_factory=list)


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise missing_extra("torch", "train") from None
    # One thread: the float sums then happen in one order whatever the machine's core count, so a
    # rerun reproduces the shipped heads (with the default threads the BiLSTM drifted apart by
    # epoch 4 and another epoch won the validation); these small models gain little from threads.
    torch.set_num_threads(1)
    return torch


# -- data ---------------------------------------------------------------------------------------


def encode_ptc(
    articles: Sequence[PtcArticle], config: Config, cache_dir: Path | None, log: Log
) -> list[EncodedArticle]:
    """Encode PTC articles through the pipeline, with an on-disk cache."""
    docs = [Document(id=a.id, text=a.text) for a in articles]
    start = time.time()

    def progress(done: int) -> None:
        if done % 64 < 16:
            log(f"encoded {done} articles ({time.time() - start:.0f} s)")

    return encode_cached(docs, config, cache_dir, progress)


def bio_tags(article: EncodedArticle, gold: Sequence[TechniqueSpan]) -> NDArray[np.int64]:
    """O=0 / B=1 / I=2 per token from the article's merged gold spans (any technique)."""
    tags = np.zeros(len(article.offsets), dtype=np.int64)
    merged: list[list[int]] = []
    for span in sorted(gold, key=lambda s: (s.start, s.end)):
        if merged and span.start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], span.end)
        else:
            merged.append([span.start, span.end])
    starts, ends = article.offsets[:, 0], article.offsets[:, 1]
    for start, end in merged:
        inside = np.flatnonzero((starts < end) & (ends > start))
        if inside.size:
            tags[inside] = 2
            tags[inside[0]] = 1
            # A span crossing a sentence break restarts at the new sentence (heads tag sentences).
            breaks = inside[1:][article.sentence[inside[1:]] != article.sentence[inside[:-1]]]
            tags[breaks] = 1
    return tags


def _uniform(n: int) -> NDArray[np.float32]:
    return np.full(n, 1.0 / n, dtype=np.float32)


# -- SI -----------------------------------------------------------------------------------------


def train_tagger(
    articles: Sequence[EncodedArticle],
    gold: Sequence[Sequence[TechniqueSpan]],
    options: HeadOptions,
    seed: int,
    log: Log,
    on_epoch: Callable[[int, SpanTagger], float] | None = None,
) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """Train the BiLSTM tagger; returns its arrays and metadata (threshold set later).

    The layers are mixed with equal weights before the head: a learned mix over the stacked
    layers tripled the cost of an epoch on 2 cores for no gain we could afford to measure.
    With `options.crf` a linear-chain CRF (learned BIO transitions) is trained jointly with the
    token cross-entropy. `on_epoch(epoch, head)` scores the head after each epoch (validation
    SI F1); the best-scoring epoch's weights are returned (early stopping by snapshot).
    """
    torch = _torch()
    torch.manual_seed(seed)
    mix = _uniform(len(options.layers))
    inputs = [_tagger_features(a, mix, options) for a in articles]
    tags = [bio_tags(a, g) for a, g in zip(articles, gold, strict=True)]
    full = np.concatenate(inputs)
    mean = full.mean(axis=0)
    scale = full.std(axis=0) + 1e-3
    del full
    sequences: list[tuple[NDArray[np.float32], NDArray[np.int64]]] = []
    for x, tag, article in zip(inputs, tags, articles, strict=True):
        x = ((x - mean) / scale).astype(np.float32)
        bounds = (
            np.flatnonzero(np.diff(sequence_ids(article.sentence, options.sequence_tokens))) + 1
        )
        for s, e in zip(
            np.concatenate([[0], bounds]), np.concatenate([bounds, [len(tag)]]), strict=True
        ):
            if e > s:
                sequences.append((x[s:e], tag[s:e]))
    dim = len(mean)

    module_base: Any = torch.nn.Module

    class Tagger(module_base):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.drop = torch.nn.Dropout(options.dropout)
            self.proj = torch.nn.Linear(dim, options.proj)
            self.lstm = torch.nn.LSTM(
                options.proj, options.hidden, batch_first=True, bidirectional=True
            )
            self.out = torch.nn.Linear(2 * options.hidden, 3)
            self.transitions = torch.nn.Parameter(torch.zeros(3, 3))
            self.start = torch.nn.Parameter(torch.zeros(3))

        def forward(self, x: Any, lengths: Any) -> Any:
            packed = torch.nn.utils.rnn.pack_padded_sequence(
                self.proj(self.drop(x)), lengths, batch_first=True, enforce_sorted=False
            )
            hidden, _ = self.lstm(packed)
            hidden, _ = torch.nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True)
            return self.out(self.drop(hidden))

    model = Tagger()
    if not options.crf:
        model.transitions.requires_grad_(False)
        model.start.requires_grad_(False)
    optimiser = torch.optim.Adam(
        [p for p in model.parameters() if p.requires_grad], lr=options.si_lr
    )
    meta: dict[str, Any] = {
        "layers": list(options.layers),
        "surface": options.surface,
        "doc_context": options.doc_context,
        "layer_concat": options.layer_concat,
        "token_features": list(TOKEN_FEATURES) if options.surface else [],
        "lexicons": list(LEXICON_NAMES),
        "threshold": 0.5,
    }
    if options.sequence_tokens:
        meta["sequence_tokens"] = [options.sequence_tokens]

    def snapshot() -> dict[str, NDArray[Any]]:
        state = {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}
        arrays = tagger_arrays(state, mix, mean, scale)
        if options.crf:
            arrays["transitions"] = state["transitions"]
            arrays["start"] = state["start"]
        return arrays

    best: tuple[float, dict[str, NDArray[Any]]] | None = None
    snapshots: list[dict[str, NDArray[Any]]] = []
    rng = random.Random(seed)
    # Batches of similar length (little padding), visited in a shuffled order each epoch.
    by_length = sorted(range(len(sequences)), key=lambda i: len(sequences[i][1]))
    size = options.chunk_batch if options.sequence_tokens else options.batch
    batches = [by_length[i : i + size] for i in range(0, len(by_length), size)]
    for epoch in range(options.si_epochs):
        rng.shuffle(batches)
        model.train()
        total = 0.0
        for chunk_ids in batches:
            chunk = [sequences[i] for i in chunk_ids]
            width = max(len(c[1]) for c in chunk)
            xb = np.zeros((len(chunk), width, dim), np.float32)
            tb = np.full((len(chunk), width), -100, np.int64)
            for row, (a, c) in enumerate(chunk):
                xb[row, : len(c)], tb[row, : len(c)] = a, c
            lengths = torch.tensor([len(c[1]) for c in chunk])
            logits = model(torch.from_numpy(xb), lengths)
            target = torch.from_numpy(tb[:, : logits.shape[1]])
            loss = torch.nn.functional.cross_entropy(
                logits.reshape(-1, 3), target.reshape(-1), ignore_index=-100
            )
            if options.crf:
                loss = loss + _crf_nll(torch, logits, target, model.transitions, model.start)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(chunk)
        log(f"SI epoch {epoch + 1}: loss {total / len(sequences):.4f}")
        if on_epoch is not None:
            model.eval()
            snapshots.append(snapshot())
            score = on_epoch(epoch + 1, _head(snapshots[-1], meta))
            log(f"SI epoch {epoch + 1}: validation {score:.4f}")
            if best is None or score > best[0]:
                best = (score, snapshots[-1])
    if on_epoch is not None:
        # Weight averages of the last k epochs' snapshots (SWA): one head, so no extra cost at
        # inference, and smoother than any single epoch of a small, noisy training set.
        for k in range(2, min(options.swa, len(snapshots)) + 1):
            # The inputs' layer mix and standardisation are not weights: averaging k equal
            # float32 copies may round them, and the members of one head must share them.
            averaged = {
                name: snapshots[-1][name]
                if name in _SHARED
                else np.mean([snap[name] for snap in snapshots[-k:]], axis=0)
                for name in snapshots[-1]
            }
            score = on_epoch(-k, _head(averaged, meta))
            log(f"SI mean of the last {k} epochs: validation {score:.4f}")
            if best is None or score > best[0]:
                best = (score, averaged)
    return (best[1] if best is not None else snapshot()), meta


_SHARED = MEMBER_SHARED_ARRAYS


def member_recipes(options: HeadOptions, seed: int) -> list[tuple[HeadOptions, int]]:
    """(options, seed) of each tagger member: `tagger_members - doc_context_members` plain ones
    (one at least) with seeds seed, seed + 1, ..., then the `doc_context` ones from the last
    plain seed on, then `chunk_members` reading runs of sentences, seeded after the plain ones."""
    docs = max(0, min(options.doc_context_members, options.tagger_members - 1))
    plain = options.tagger_members - docs
    recipes = [(options, seed + m) for m in range(plain)]
    with_doc = replace(options, doc_context=True)
    recipes += [(with_doc, seed + max(plain - 1, 0) + m) for m in range(docs)]
    chunked = replace(options, sequence_tokens=options.chunk_tokens)
    recipes += [(chunked, seed + plain + m) for m in range(max(0, options.chunk_members))]
    return recipes


def stack_members_meta(
    members: Sequence[tuple[dict[str, NDArray[Any]], dict[str, Any]]],
) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """One head's arrays and metadata from (arrays, meta) of members, some of which may read the
    document vector: the others get zero weights on its columns (their projection then ignores
    it), and all share the doc members' standardisation of those columns."""
    widest = max(members, key=lambda m: len(m[0]["mean"]))
    mean, scale = widest[0]["mean"], widest[0]["scale"]
    widened = []
    for arrays, meta in members:
        own = len(arrays["mean"])
        extra = len(mean) - own
        if extra and not (widest[1].get("doc_context") and not meta.get("doc_context")):
            raise ValueError("tagger members differ in inputs other than the document vector")
        # The shared columns were standardised on the same articles; the means may still differ
        # in the last bit when computed over arrays of another width.
        for name, reference in (("mean", mean), ("scale", scale)):
            if not np.allclose(arrays[name], reference[:own], rtol=1e-5, atol=1e-6):
                raise ValueError(
                    f"tagger members differ in {name}: train them on the same articles"
                )
        arrays = dict(arrays, mean=mean, scale=scale)
        if extra:
            zeros = np.zeros((*arrays["proj_w"].shape[:-1], extra), arrays["proj_w"].dtype)
            arrays["proj_w"] = np.concatenate([arrays["proj_w"], zeros], axis=-1)
        widened.append(arrays)
    meta = {k: v for k, v in widest[1].items() if k != "sequence_tokens"}
    tokens = [int((m.get("sequence_tokens") or [0])[0]) for _, m in members]
    if any(tokens):
        meta["sequence_tokens"] = tokens
    return stack_members(widened), meta


def stack_members(members: Sequence[dict[str, NDArray[Any]]]) -> dict[str, NDArray[Any]]:
    """One SI head's arrays from several BiLSTM taggers: their weights stacked on a leading
    member axis (`SpanTagger` averages the members' probabilities); one tagger is kept as is."""
    if len(members) == 1:
        return dict(members[0])
    for name in (n for n in _SHARED if n in members[0]):
        if any(name not in m or not np.array_equal(m[name], members[0][name]) for m in members):
            raise ValueError(f"tagger members differ in {name}: train them on the same articles")
    return {
        name: value if name in _SHARED else np.stack([m[name] for m in members])
        for name, value in members[0].items()
    }


def _head(arrays: dict[str, NDArray[Any]], meta: dict[str, Any]) -> SpanTagger:
    """A numpy tagger over float32 copies of `arrays` (its own copy of `meta`)."""
    return SpanTagger({k: np.asarray(v, np.float32) for k, v in arrays.items()}, dict(meta))


def _crf_nll(torch: Any, logits: Any, gold: Any, transitions: Any, start: Any) -> Any:
    """Negative log-likelihood of the gold BIO paths under a linear-chain CRF, per token.

    `logits` (B, T, 3) are the emissions, `gold` (B, T) the tags with -100 on padding (every
    sequence is a padded prefix). O -> I and a leading I are forbidden, as in the decoder.
    """
    forbid = torch.zeros(3, 3)
    forbid[0, 2] = -1e4
    moves = transitions + forbid
    first = start + torch.tensor([0.0, 0.0, -1e4])
    mask = gold >= 0
    tags = gold.clamp(min=0)
    rows = torch.arange(len(tags))
    score = first[tags[:, 0]] + logits[rows, 0, tags[:, 0]]
    alpha = first + logits[:, 0]
    for t in range(1, logits.shape[1]):
        live = mask[:, t]
        step = moves[tags[:, t - 1], tags[:, t]] + logits[rows, t, tags[:, t]]
        score = score + torch.where(live, step, torch.zeros_like(step))
        nxt = torch.logsumexp(alpha[:, :, None] + moves[None], dim=1) + logits[:, t]
        alpha = torch.where(live[:, None], nxt, alpha)
    # Per token, like the cross-entropy it is added to (a per-sentence sum swamped it and
    # made Adam's steps erratic at the tagger's learning rate).
    return (torch.logsumexp(alpha, dim=1) - score).sum() / mask.sum()


def _tagger_features(
    article: EncodedArticle, mix: NDArray[np.float32], options: HeadOptions
) -> NDArray[np.float32]:
    """Tagger inputs, without the surface columns when the options leave them out."""
    x = tagger_inputs(article, mix, options.layers, options.doc_context, options.layer_concat)
    if options.surface:
        return x
    vectors = 384 * len(options.layers) if options.layer_concat else 384
    return (
        np.concatenate([x[:, :vectors], x[:, x.shape[1] - 384 :]], axis=1)
        if options.doc_context
        else x[:, :vectors]
    )


def _tagger_probs(tagger: SpanTagger, article: EncodedArticle) -> NDArray[np.float32]:
    return tagger.tag_probs(head_inputs(tagger, article), article.sentence)


def predict_spans(
    tagger: SpanTagger, articles: Sequence[EncodedArticle], threshold: float | None = None
) -> list[list[tuple[int, int, float]]]:
    """Detected spans per article: the head's own decoder, or thresholding at `threshold`."""
    out = []
    for article in articles:
        probs = _tagger_probs(tagger, article)
        if threshold is None:
            found = tagger_spans(tagger, article.text, probs, article.offsets, article.sentence)
        else:
            found = decode_spans(article.text, probs, article.offsets, article.sentence, threshold)
        out.append(found)
    return out


def _best_decoding(
    tagger: SpanTagger,
    articles: Sequence[EncodedArticle],
    gold: Sequence[PtcArticle],
    values: Sequence[float],
    decode: Callable[[EncodedArticle, NDArray[np.float32], float], list[tuple[int, int, float]]],
    fallback: float,
) -> tuple[float, float]:
    """The value of `values` whose decoding scores the best SI F1 on `articles` (and that F1).

    The tagger runs once per article; only the decoding is repeated per value. The first value
    reaching the best F1 wins; `fallback` is returned (with F1 -1) when there is nothing to try.
    """
    probs = [_tagger_probs(tagger, a) for a in articles]
    ref = {g.id: [(s.start, s.end) for s in g.spans] for g in gold}
    best = (fallback, -1.0)
    for value in values:
        pred = {
            g.id: [(s, e) for s, e, _ in decode(a, p, value)]
            for g, a, p in zip(gold, articles, probs, strict=True)
        }
        f1 = si_score(pred, ref).f1
        if f1 > best[1]:
            best = (value, f1)
    return best


def sentence_start_scores(
    start_b: float, learned: NDArray[np.float32] | None = None
) -> NDArray[np.float32]:
    """The decoder's O / B / I scores at a sentence's first token: `start_b` on B, plus a CRF
    head's `learned` start scores where it has them."""
    scores = np.array([0.0, start_b, 0.0], np.float32)
    return scores if learned is None else (scores + learned).astype(np.float32)


def tune_threshold(
    tagger: SpanTagger, articles: Sequence[EncodedArticle], gold: Sequence[PtcArticle]
) -> tuple[float, float]:
    """The decoding threshold with the best SI F1 on `articles` (and that F1)."""
    return _best_decoding(
        tagger,
        articles,
        gold,
        THRESHOLDS,
        lambda a, p, cut: decode_spans(a.text, p, a.offsets, a.sentence, cut),
        fallback=0.5,
    )


def tune_o_bias(
    tagger: SpanTagger,
    articles: Sequence[EncodedArticle],
    gold: Sequence[PtcArticle],
    biases: Sequence[float] = O_BIASES,
) -> tuple[float, float]:
    """The Viterbi decoder's log P(O) offset of `biases` with the best SI F1 on `articles` (and
    that F1; one offset: its F1)."""
    return _best_decoding(
        tagger,
        articles,
        gold,
        biases,
        lambda a, p, bias: viterbi_spans(
            a.text,
            p,
            a.offsets,
            a.sentence,
            bias,
            tagger.arrays.get("transitions"),
            tagger.arrays.get("start"),
        ),
        fallback=0.0,
    )


# -- TC -----------------------------------------------------------------------------------------


def tc_inputs(
    articles: Sequence[EncodedArticle],
    spans: Sequence[Sequence[tuple[int, int]]],
    layers: tuple[int, ...],
) -> NDArray[np.float32]:
    """Stacked TC inputs of every span of every article (uniform layer mix)."""
    rows = [
        span_pool_inputs(a, s, _uniform(len(layers)), layers)
        for a, s in zip(articles, spans, strict=True)
        if s
    ]
    width = 4 * 384 + len(SPAN_FEATURES)
    return np.concatenate(rows) if rows else np.zeros((0, width), np.float32)


def train_classifier(
    inputs: NDArray[np.float32],
    labels: NDArray[np.int64],
    techniques: Sequence[str],
    options: HeadOptions,
    seed: int,
    log: Log,
) -> tuple[dict[str, NDArray[Any]], dict[str, Any]]:
    """Train the MLP technique classifier on pooled span inputs: `options.tc_members` members
    (seeds `seed`, `seed + 1`, ...) on the same normalised inputs, as one MLP.

    Averaging the members' logits is exactly one MLP whose hidden layer is their hidden layers
    side by side and whose output weights are theirs divided by the member count, so the shipped
    head keeps the single-MLP format and the numpy inference is unchanged.
    """
    torch = _torch()
    mean = inputs.mean(axis=0)
    scale = inputs.std(axis=0) + 1e-3
    x = torch.from_numpy((inputs - mean) / scale)
    y = torch.from_numpy(labels)
    members = [
        _train_member(torch, x, y, len(techniques), options, seed + k, log)
        for k in range(max(1, options.tc_members))
    ]
    arrays: dict[str, NDArray[Any]] = {
        "mix": _uniform(len(options.layers)),
        "mean": mean,
        "scale": scale,
        "w1": np.concatenate([m["1.weight"] for m in members]),
        "b1": np.concatenate([m["1.bias"] for m in members]),
        "w2": np.concatenate([m["4.weight"] for m in members], axis=1) / len(members),
        "b2": np.mean([m["4.bias"] for m in members], axis=0),
    }
    meta: dict[str, Any] = {
        "layers": list(options.layers),
        "techniques": list(techniques),
        "span_features": list(SPAN_FEATURES),
        "members": len(members),
    }
    return arrays, meta


def _train_member(
    torch: Any, x: Any, y: Any, classes: int, options: HeadOptions, seed: int, log: Log
) -> dict[str, NDArray[Any]]:
    """One MLP member trained on normalised inputs `x`; its weights by `state_dict` name."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(
        torch.nn.Dropout(options.dropout),
        torch.nn.Linear(x.shape[1], options.tc_hidden),
        torch.nn.ReLU(),
        torch.nn.Dropout(options.dropout),
        torch.nn.Linear(options.tc_hidden, classes),
    )
    optimiser = torch.optim.AdamW(
        model.parameters(), lr=options.tc_lr, weight_decay=options.tc_weight_decay
    )
    generator = torch.Generator().manual_seed(seed)
    for epoch in range(options.tc_epochs):
        model.train()
        order = torch.randperm(len(y), generator=generator)
        total = 0.0
        for first in range(0, len(order), 64):
            index = order[first : first + 64]
            loss = torch.nn.functional.cross_entropy(model(x[index]), y[index])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total += float(loss.detach()) * len(index)
        if (epoch + 1) % 10 == 0:
            log(f"TC epoch {epoch + 1}: loss {total / len(y):.4f}")
    return {name: value.numpy() for name, value in model.state_dict().items()}


def tune_offsets(
    probs: NDArray[np.float32], labels: NDArray[np.int64], rounds: int = 2
) -> NDArray[np.float32]:
    """Per-technique log-offsets that raise accuracy (= micro-F1) on held-out spans.

    Coordinate ascent over a coarse grid; a change is kept only when it strictly helps, so with
    little validation data the offsets stay at zero.
    """
    logp = np.log(probs + 1e-9)
    offsets = np.zeros(probs.shape[1], dtype=np.float32)

    def accuracy(o: NDArray[np.float32]) -> float:
        return float(((logp + o).argmax(axis=1) == labels).mean())

    best = accuracy(offsets)
    for _ in range(rounds):
        for k in range(len(offsets)):
            for value in (-1.0, -0.5, 0.0, 0.5, 1.0):
                trial = offsets.copy()
                trial[k] = value
                score = accuracy(trial)
                if score > best + 1e-9:
                    best, offsets = score, trial
    return offsets


# -- the whole run ------------------------------------------------------------------------------


@dataclass
class TrainedHeads:
    """Both heads in memory, with their validation scores."""

    tagger: SpanTagger
    classifier: SpanClassifier
    validation_si_f1: float
    validation_tc_f1: float


def fit_heads(
    articles: Sequence[PtcArticle],
    encoded: Sequence[EncodedArticle],
    techniques: Sequence[str],
    options: HeadOptions,
    seed: int,
    log: Log,
    tagger: SpanTagger | None = None,
    on_epoch: Callable[[int, SpanTagger], object] | None = None,
) -> TrainedHeads:
    """Train both heads on `articles`, tuning thresholds on a seeded tenth held out from them.

    A given `tagger` (trained earlier by this function with the same articles and seed) is
    reused instead of training the SI head again; its threshold is tuned afresh.
    """
    if options.crf and options.tagger_members > 1:
        raise ValueError("a CRF tagger has one member: its transitions are not averaged")
    order = list(range(len(articles)))
    random.Random(seed).shuffle(order)
    n_val = max(1, len(order) // 10)
    val, fit = sorted(order[:n_val]), sorted(order[n_val:])
    val_encoded, val_articles = [encoded[i] for i in val], [articles[i] for i in val]

    def validate(epoch: int, head: SpanTagger) -> float:
        score = tune_o_bias(head, val_encoded, val_articles)[1]
        if on_epoch is not None:
            on_epoch(epoch, head)
        return score

    if tagger is None:
        members = [
            train_tagger(
                [encoded[i] for i in fit],
                [articles[i].spans for i in fit],
                member_options,
                member_seed,
                log,
                validate if options.early_stopping else None,
            )
            for member_options, member_seed in member_recipes(options, seed)
        ]
        tagger = _head(*stack_members_meta(members))
    else:
        log("SI head reused")
    threshold, val_si = tune_threshold(tagger, val_encoded, val_articles)
    tagger.meta["threshold"] = threshold
    log(f"SI threshold {threshold} (validation F1 {val_si:.3f})")
    # BIO-constrained Viterbi with an O offset beat the best threshold on the validation
    # articles (0.416 vs 0.376 for the shipped head), so the head ships with it.
    # A reused head already carries its offset: only a CRF's learned start scores are kept.
    learned = tagger.arrays.get("start")
    if learned is not None and "sentence_start_b" in tagger.meta:
        learned = learned - sentence_start_scores(float(tagger.meta["sentence_start_b"]))
    tagger.arrays["start"] = sentence_start_scores(options.sentence_start_b, learned)
    tagger.meta["sentence_start_b"] = options.sentence_start_b
    biases = O_BIASES if options.o_bias is None else (options.o_bias,)
    o_bias, val_si = tune_o_bias(tagger, val_encoded, val_articles, biases)
    tagger.meta["o_bias"] = o_bias
    tagger.meta["decoder"] = "viterbi"
    log(f"SI Viterbi O offset {o_bias} (validation F1 {val_si:.3f})")
    index = {t: k for k, t in enumerate(techniques)}

    def spans_of(ids: Sequence[int]) -> list[list[tuple[int, int]]]:
        return [[(s.start, s.end) for s in articles[i].spans] for i in ids]

    def labels_of(ids: Sequence[int]) -> NDArray[np.int64]:
        return np.array([index[s.technique] for i in ids for s in articles[i].spans], np.int64)

    tc_arrays, tc_meta = train_classifier(
        tc_inputs([encoded[i] for i in fit], spans_of(fit), options.layers),
        labels_of(fit),
        techniques,
        options,
        seed,
        log,
    )
    classifier = SpanClassifier(
        {k: np.asarray(v, np.float32) for k, v in tc_arrays.items()}, tc_meta
    )
    val_probs = classifier.probs(
        tc_inputs([encoded[i] for i in val], spans_of(val), options.layers)
    )
    val_labels = labels_of(val)
    if options.tune_offsets and len(val_labels):
        classifier.arrays["offsets"] = tune_offsets(val_probs, val_labels)
    val_tc = float((classifier.decide(val_probs) == val_labels).mean()) if len(val_labels) else 0.0
    log(f"TC validation accuracy {val_tc:.3f}")
    return TrainedHeads(tagger, classifier, val_si, val_tc)


def save_heads(heads: TrainedHeads, out_dir: Path) -> tuple[Path, Path]:
    """Write both heads as `.npz` files under `out_dir`."""
    si_path, tc_path = out_dir / SI_FILE, out_dir / TC_FILE
    save_head(si_path, dict(heads.tagger.arrays), heads.tagger.meta)
    save_head(tc_path, dict(heads.classifier.arrays), heads.classifier.meta)
    return si_path, tc_path


def gate_ids(ids: Sequence[str]) -> list[str]:
    """The article ids held out of the shipped heads for the evaluation gate."""
    return sorted(ids)[::GATE_STRIDE]


def _load_all(
    ptc_dir: Path, config: Config, cache_dir: Path | None, log: Log, limit: int | None
) -> tuple[list[PtcArticle], list[EncodedArticle], tuple[str, ...]]:
    techniques = load_techniques(ptc_dir)
    articles = load_ptc(ptc_dir)
    if limit is not None:
        articles = articles[:limit]
    log(f"{len(articles)} articles, {sum(len(a.spans) for a in articles)} spans")
    encoded = encode_ptc(articles, config, cache_dir, log)
    return articles, encoded, techniques


def train_propaganda(
    ptc_dir: Path,
    out_dir: Path,
    seed: int = 13,
    log: Log = print,
    cache_dir: Path | None = CACHE_DIR,
    options: HeadOptions | None = None,
    hold_out_gate: bool = False,
    reuse_si: Path | None = None,
) -> TrainReport:
    """Train both heads on PTC train (less the gate articles with `hold_out_gate`) and write
    them to `out_dir`.

    `reuse_si` names a folder whose SI head (from an earlier run with the same seed) is kept,
    so that only the TC head is retrained.
    """
    wall, cpu = time.time(), time.process_time()
    lines: list[str] = []

    def record(line: str) -> None:
        lines.append(line)
        log(line)

    opts = options or HeadOptions()
    articles, encoded, techniques = _load_all(ptc_dir, load_config(), cache_dir, record, None)
    if hold_out_gate:
        held = set(gate_ids([a.id for a in articles]))
        keep = [i for i, a in enumerate(articles) if a.id not in held]
        articles, encoded = [articles[i] for i in keep], [encoded[i] for i in keep]
        record(f"held out {len(held)} gate articles; training on {len(articles)}")
    reused = SpanTagger.load(reuse_si) if reuse_si is not None else None
    heads = fit_heads(articles, encoded, techniques, opts, seed, record, reused)
    si_path, tc_path = save_heads(heads, out_dir)
    from newsprism.models.minilm import MODEL_VERSION
    from newsprism.models.packaged import record_trained_on

    for path in (si_path, tc_path):
        record_trained_on(path, MODEL_VERSION)
    return TrainReport(
        si_path=si_path,
        tc_path=tc_path,
        si_bytes=si_path.stat().st_size,
        tc_bytes=tc_path.stat().st_size,
        articles=len(articles),
        spans=sum(len(a.spans) for a in articles),
        threshold=float(heads.tagger.meta["threshold"]),
        validation_si_f1=heads.validation_si_f1,
        validation_tc_f1=heads.validation_tc_f1,
        wall_s=time.time() - wall,
        cpu_s=time.process_time() - cpu,
        log=lines,
    )


def evaluate_heads(
    tagger: SpanTagger,
    classifier: SpanClassifier,
    articles: Sequence[PtcArticle],
    encoded: Sequence[EncodedArticle],
    techniques: Sequence[str],
    dedupe_repeats: bool = True,
) -> tuple[dict[str, list[tuple[int, int]]], dict[str, list[TechniqueSpan]]]:
    """SI predictions and TC predictions (on the gold spans) for `articles`."""
    si_pred = {
        a.id: [(s, e) for s, e, _ in found]
        for a, found in zip(articles, predict_spans(tagger, encoded), strict=True)
    }
    tc_pred: dict[str, list[TechniqueSpan]] = {}
    for article, enc in zip(articles, encoded, strict=True):
        spans = [(s.start, s.end) for s in article.spans]
        if dedupe_repeats:
            labels, _ = classify(classifier, enc, spans)
        else:
            probs = classifier.probs(
                span_pool_inputs(
                    enc, spans, classifier.mix, tuple(int(k) for k in classifier.meta["layers"])
                )
            )
            labels = [techniques[k] for k in classifier.decide(probs)]
        tc_pred[article.id] = [
            TechniqueSpan(label, s, e) for label, (s, e) in zip(labels, spans, strict=True)
        ]
    return si_pred, tc_pred


FoldPredictions = tuple[
    list[PtcArticle], dict[str, list[tuple[int, int]]], dict[str, list[TechniqueSpan]]
]
"""A fold's held-out articles, their SI predictions and their TC predictions on gold spans."""


def run_folds(
    ids: Sequence[str],
    folds: int,
    seed: int,
    only_folds: Sequence[int] | None,
    techniques: Sequence[str],
    log: Log,
    run_fold: Callable[[int, list[str]], FoldPredictions],
) -> PtcScores:
    """Article-level cross-validation over `ids`: for each fold (or those in `only_folds`),
    `run_fold(number, held_ids)` trains on the other articles and predicts the held-out ones;
    each fold is scored (SI on detected spans, TC on the gold spans), then all are pooled."""
    scores: list[FoldScore] = []
    tc_all: dict[str, list[TechniqueSpan]] = {}
    scored: list[PtcArticle] = []
    for number, held in enumerate(article_folds(list(ids), folds, seed)):
        if only_folds is not None and number not in only_folds:
            continue
        articles, si_pred, tc_pred = run_fold(number, list(held))
        gold = {a.id: a.spans for a in articles}
        si = si_score(si_pred, {a: [(s.start, s.end) for s in g] for a, g in gold.items()})
        tc = tc_score(tc_pred, gold, techniques)
        log(
            f"fold {number}: SI P {si.precision:.3f} R {si.recall:.3f} F1 {si.f1:.3f}; "
            f"TC micro-F1 {tc.micro_f1:.3f}"
        )
        scores.append(FoldScore(number, len(articles), si, tc))
        tc_all.update(tc_pred)
        scored.extend(articles)
    return pooled_scores(scores, tc_all, scored, techniques)


def cross_validate(
    ptc_dir: Path,
    folds: int = 5,
    seed: int = 13,
    log: Callable[[str], None] | None = None,
    limit: int | None = None,
    cache_dir: Path | None = CACHE_DIR,
    options: HeadOptions | None = None,
    only_folds: Sequence[int] | None = None,
) -> PtcScores:
    """Article-level cross-validation: train on the other folds, score the held-out one."""
    say: Log = log or (lambda _line: None)
    opts = options or HeadOptions()
    articles, encoded, techniques = _load_all(ptc_dir, load_config(), cache_dir, say, limit)
    position = {a.id: i for i, a in enumerate(articles)}

    def run_fold(_number: int, held: list[str]) -> FoldPredictions:
        test = sorted(position[a] for a in held)
        train = [i for i in range(len(articles)) if i not in set(test)]
        heads = fit_heads(
            [articles[i] for i in train], [encoded[i] for i in train], techniques, opts, seed, say
        )
        test_articles = [articles[i] for i in test]
        si_pred, tc_pred = evaluate_heads(
            heads.tagger,
            heads.classifier,
            test_articles,
            [encoded[i] for i in test],
            techniques,
            opts.dedupe_repeats,
        )
        return test_articles, si_pred, tc_pred

    return run_folds([a.id for a in articles], folds, seed, only_folds, techniques, say, run_fold)
