"""Fine-tune the shared MiniLM encoder jointly with the propaganda heads (torch, training only).

DESIGN.md keeps one encoder pass for every head and, where fine-tuning pays, one encoder tuned
for several tasks at once. This module tunes all-MiniLM-L6-v2 on three objectives together:

- span identification: BIO tags per word piece from PTC's merged spans, through the SI head the
  analyzer ships (`propaganda.heads.SpanTagger`: layers 2/4/6 mixed, plus surface features);
- technique classification: the technique of every gold span, through the TC head
  (`SpanClassifier`: span mean and max, sentence context, sentence vector, span features);
- rehearsal: on news sentences of PolNeAR train, distillation towards the upstream model (the
  cosine of the sentence vector, which check-worthiness and story clustering read, weighted by
  `sentence_weight`; optionally the mean squared difference of layers 4 and 6, `layer_weight`),
  so what the other heads read stays close; they are retrained on the tuned encoder afterwards.

A step is a batch of `batch_units` sentence units (a unit is one sentence, or the sentences a
gold span crosses, kept together) drawn across articles; the heads still see article-level
features (repetition of a span elsewhere, its sentence context), computed once per article.
Validation runs the shipped numpy heads over vectors of the torch encoder, so it measures what
the analyzer will do. On PTC fold 0 the joint recipe moved SI F1 0.387 -> 0.403 over the frozen
BiLSTM and TC 0.643 -> 0.629 (a single-task SI tuning reached 0.423 but no usable TC), so the
frozen-encoder recipe stays the shipped one (docs/measurements.md: what each ingredient adds).
"""

from __future__ import annotations

import copy
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import missing_extra
from newsprism.evaluate.ptc import PtcArticle, si_score
from newsprism.propaganda.encoding import HEAD_LAYERS
from newsprism.propaganda.features import (
    LEXICON_NAMES,
    SPAN_FEATURES,
    TOKEN_FEATURES,
    TokenView,
    span_features,
    token_features,
)
from newsprism.propaganda.heads import SpanClassifier, SpanTagger
from newsprism.propaganda.infer import EncodedArticle, classify, viterbi_spans

Log = Callable[[str], None]
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float32]

O_BIASES = (-2.0, -1.6, -1.3, -1.0, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, 0.0, 0.5)
"""Offsets to log P(O) tried for the Viterbi decoder (negative: longer, more spans)."""

MAX_PIECES = 254
"""Word pieces per encoder sequence (256 with [CLS] and [SEP]), as `encoder.v1` windows them."""

CLS_ID, SEP_ID = 101, 102


@dataclass(frozen=True)
class TuneOptions:
    """Hyper-parameters of the joint fine-tuning (chosen on fold 0 of PTC train; README)."""

    epochs: int = 4
    batch_units: int = 32
    """Training units (a sentence, or the sentences one gold span crosses) per step."""
    encoder_lr: float = 8e-5
    head_lr: float = 1e-3
    warmup: float = 0.06
    encoder_dropout: float = 0.1
    head_dropout: float = 0.1
    tagger: str = "linear"
    """"linear" (one layer over the inputs) or "lstm" (projection, BiLSTM per sentence)."""
    proj: int = 128
    hidden: int = 96
    tc_hidden: int = 512
    tc_weight: float = 0.5
    tc_encoder_grad: bool = True
    """False: the TC head trains on the tuned encoder's states without shaping the encoder."""
    last_layer_prior: float = 0.0
    """Initial logit of the last layer in both heads' learned layer mixes (0: uniform)."""
    distill_weight: float = 1.0
    distill_sentences: int = 2500
    """Rehearsal sentences per epoch (spread over the steps)."""
    layer_weight: float = 0.0
    """Weight of the squared difference of layers 4 and 6 inside the distillation term."""
    sentence_weight: float = 10.0
    """Weight of (1 - cosine) of the sentence vectors inside the distillation term."""
    threads: int = 2
    seed: int = 13


@dataclass(frozen=True)
class PreparedArticle:
    """One PTC article as the joint trainer reads it (word pieces per encoder sequence)."""

    article: PtcArticle
    sequences: tuple[IntArray, ...]
    """Word-piece ids of each encoder sequence (a sentence, or a window of a long one)."""
    sequence_sentence: IntArray
    """Sentence index of each sequence."""
    offsets: IntArray
    sentence: IntArray
    sentence_spans: IntArray
    surface: FloatArray
    tags: IntArray
    span_tokens: tuple[IntArray, ...]
    span_context: tuple[IntArray, ...]
    span_sentences: tuple[IntArray, ...]
    span_surface: FloatArray
    labels: IntArray


@dataclass
class TunedEncoder:
    """The outcome: tuned encoder weights (Hugging Face names) and the two numpy heads."""

    weights: dict[str, FloatArray]
    tagger: SpanTagger
    classifier: SpanClassifier
    validation_si_f1: float
    validation_tc_accuracy: float
    epoch: int


def _torch(threads: int) -> Any:
    try:
        import torch
    except ImportError:
        raise missing_extra("torch", "train") from None
    torch.set_num_threads(max(1, threads))
    return torch


def _tokenizer() -> Any:
    from tokenizers import Tokenizer

    from newsprism.models.minilm import locate_package

    tokenizer = Tokenizer.from_file(str(locate_package().tokenizer))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer


def merged_spans(article: PtcArticle) -> list[tuple[int, int]]:
    """The article's gold spans with overlapping ones merged (SI gold, any technique)."""
    out: list[list[int]] = []
    for span in sorted(article.spans, key=lambda s: (s.start, s.end)):
        if out and span.start < out[-1][1]:
            out[-1][1] = max(out[-1][1], span.end)
        else:
            out.append([span.start, span.end])
    return [(a, b) for a, b in out]


def bio_tags(offsets: IntArray, sentence: IntArray, spans: Sequence[tuple[int, int]]) -> IntArray:
    """O=0 / B=1 / I=2 per token; a span crossing a sentence break restarts there with B."""
    tags = np.zeros(len(offsets), dtype=np.int64)
    starts, ends = offsets[:, 0], offsets[:, 1]
    for start, end in spans:
        inside = np.flatnonzero((starts < end) & (ends > start))
        if inside.size:
            tags[inside] = 2
            tags[inside[0]] = 1
            breaks = inside[1:][sentence[inside[1:]] != sentence[inside[:-1]]]
            tags[breaks] = 1
    return tags


def span_token_sets(
    offsets: IntArray, sentence: IntArray, spans: Sequence[tuple[int, int]]
) -> tuple[list[IntArray], list[IntArray], list[IntArray]]:
    """Per span: its tokens, the tokens of its sentences and those sentences' indices, exactly as
    `propaganda.infer.span_pool_inputs` pools them (a span no token overlaps takes the nearest)."""
    starts, ends = offsets[:, 0], offsets[:, 1]
    tokens, context, sentences = [], [], []
    for start, end in spans:
        inside = np.flatnonzero((starts < end) & (ends > start))
        if inside.size == 0:
            inside = np.array([int(np.argmin(np.abs(starts - start)))], dtype=np.int64)
        owners = np.unique(sentence[inside])
        tokens.append(inside.astype(np.int64))
        context.append(np.flatnonzero(np.isin(sentence, owners)).astype(np.int64))
        sentences.append(owners.astype(np.int64))
    return tokens, context, sentences


def prepare_articles(
    articles: Sequence[PtcArticle], config: Config, techniques: Sequence[str]
) -> list[PreparedArticle]:
    """Sentences by the project's own pipeline, word pieces by the encoder's tokenizer."""
    from newsprism.analyzers.encoder import token_windows
    from newsprism.pipeline import build_pipeline
    from newsprism.registry import Item

    pipeline = build_pipeline(config, names=["sections.v1", "sentences.v1"])
    tokenizer = _tokenizer()
    index = {name: k for k, name in enumerate(techniques)}
    out = []
    for article in articles:
        doc = pipeline.run_items([Item(Document(id=article.id, text=article.text))])[0].doc
        bounds = sorted((s.start, s.end) for s in doc.layer("sentences") if s.label == "sentence")
        sequences: list[IntArray] = []
        owner: list[int] = []
        offsets: list[IntArray] = []
        kept: list[tuple[int, int]] = []
        for start, end in bounds:
            encoding = tokenizer.encode(article.text[start:end], add_special_tokens=False)
            if not encoding.ids:
                continue
            ids = np.asarray(encoding.ids, dtype=np.int64)
            # Balanced windows of a long sentence, as `encoder.v1` splits it.
            for a, b in token_windows(len(ids), MAX_PIECES, "window"):
                sequences.append(ids[a:b])
                owner.append(len(kept))
            offsets.append(np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2) + start)
            kept.append((start, end))
        if not kept:
            continue
        token_offsets = np.concatenate(offsets)
        sentence = np.concatenate([np.full(len(o), k, np.int64) for k, o in enumerate(offsets)])
        sentence_spans = np.asarray(kept, dtype=np.int64)
        spans = [(s.start, s.end) for s in article.spans]
        tokens, context, owners = span_token_sets(token_offsets, sentence, spans)
        out.append(
            PreparedArticle(
                article=article,
                sequences=tuple(sequences),
                sequence_sentence=np.asarray(owner, dtype=np.int64),
                offsets=token_offsets,
                sentence=sentence,
                sentence_spans=sentence_spans,
                surface=token_features(
                    article.text, TokenView(token_offsets, sentence, sentence_spans)
                ),
                tags=bio_tags(token_offsets, sentence, merged_spans(article)),
                span_tokens=tuple(tokens),
                span_context=tuple(context),
                span_sentences=tuple(owners),
                span_surface=span_features(article.text, spans, sentence_spans)
                if spans
                else np.zeros((0, len(SPAN_FEATURES)), np.float32),
                labels=np.asarray([index[s.technique] for s in article.spans], dtype=np.int64),
            )
        )
    return out


def rehearsal_sentences(data_root: Path | None, limit: int = 20000) -> list[IntArray]:
    """Word pieces of PolNeAR train's paragraphs (news prose) for the distillation term; empty
    when PolNeAR is absent (the term is then skipped, and the training log says so)."""
    if data_root is None or not (data_root / "polnear").is_dir():
        return []
    from newsprism.evaluate.polnear_data import load_polnear

    tokenizer = _tokenizer()
    out: list[IntArray] = []
    for article in load_polnear("train", data_root / "polnear"):
        for line in article.text.split("\n"):
            line = line.strip()
            if 20 <= len(line) <= 600:
                ids = tokenizer.encode(line, add_special_tokens=False).ids[:MAX_PIECES]
                out.append(np.asarray(ids, dtype=np.int64))
                if len(out) >= limit:
                    return out
    return out


# -- the torch model -----------------------------------------------------------------------------


def _encode_sequences(
    torch: Any, encoder: Any, sequences: Sequence[IntArray]
) -> list[tuple[Any, Any]]:
    """Per sequence: the stack of hidden states [layers + 1, n, 384] of its word pieces, and its
    sentence vector, mean-pooled over every real position ([CLS] and [SEP] included) of the last
    layer and normalised, exactly as the ONNX graph's `sentence_embedding`."""
    from newsprism.train.minilm_torch import mean_pool

    order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
    out: list[Any] = [None] * len(sequences)
    for first in range(0, len(order), 64):
        batch = order[first : first + 64]
        width = max(len(sequences[i]) for i in batch) + 2
        ids = torch.zeros(len(batch), width, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, i in enumerate(batch):
            n = len(sequences[i])
            ids[row, 0] = CLS_ID
            ids[row, 1 : n + 1] = torch.from_numpy(sequences[i])
            ids[row, n + 1] = SEP_ID
            mask[row, : n + 2] = 1
        hidden = encoder(ids, mask)
        pooled = mean_pool(torch, hidden[-1], mask)
        states = torch.stack(hidden)  # [L + 1, B, T, H]
        for row, i in enumerate(batch):
            out[i] = (states[:, row, 1 : len(sequences[i]) + 1], pooled[row])
    return out


def _pool(torch: Any, windows: Sequence[tuple[int, Any]]) -> Any:
    """One unit sentence vector from its windows' (piece count, unit vector), count-weighted as
    `encoder._pool_windows` combines them."""
    if len(windows) == 1:
        return windows[0][1]
    total = sum(max(count, 1) * vector for count, vector in windows)
    return torch.nn.functional.normalize(total, dim=-1)


def batch_states(
    torch: Any, encoder: Any, items: Sequence[PreparedArticle]
) -> list[tuple[Any, Any]]:
    """Per item, (tokens [N, L + 1, 384] of every layer, sentence vectors [S, 384]), with all
    the items' sequences through the encoder together (length-sorted batches)."""
    sequences = [ids for item in items for ids in item.sequences]
    encoded = _encode_sequences(torch, encoder, sequences)
    out = []
    first = 0
    for item in items:
        mine = encoded[first : first + len(item.sequences)]
        first += len(item.sequences)
        tokens = torch.cat([states.transpose(0, 1) for states, _ in mine])
        vectors = []
        for k in range(len(item.sentence_spans)):
            windows = [
                (len(item.sequences[i]), mine[i][1])
                for i in np.flatnonzero(item.sequence_sentence == k)
            ]
            vectors.append(_pool(torch, windows))
        out.append((tokens, torch.stack(vectors)))
    return out


def article_states(torch: Any, encoder: Any, prepared: PreparedArticle) -> tuple[Any, Any]:
    """(tokens [N, L + 1, 384] of every layer, sentence vectors [S, 384]) of one article."""
    return batch_states(torch, encoder, [prepared])[0]


def training_units(prepared: PreparedArticle) -> list[PreparedArticle]:
    """The article cut into units the heads can read alone: single sentences, except where a
    gold span crosses a sentence break (the sentences it touches stay together). Each unit is a
    `PreparedArticle` over its own tokens, sentences and spans (indices renumbered), so a step
    can batch sentences of many articles, as fine-tuning wants (32 units a step trained far
    better than one article a step: 3x the updates per epoch)."""
    count = len(prepared.sentence_spans)
    joined = np.zeros(count, dtype=bool)  # joined[k]: sentence k continues sentence k - 1's unit
    for owners in prepared.span_sentences:
        joined[owners.min() + 1 : owners.max() + 1] = True
    starts = [k for k in range(count) if not joined[k]]
    units = []
    for first, stop in zip(starts, [*starts[1:], count], strict=True):
        token_ids = np.flatnonzero((prepared.sentence >= first) & (prepared.sentence < stop))
        lo, hi = int(token_ids[0]), int(token_ids[-1]) + 1
        spans = [
            k
            for k, owners in enumerate(prepared.span_sentences)
            if first <= owners.min() and owners.max() < stop
        ]
        sequences = np.flatnonzero(
            (prepared.sequence_sentence >= first) & (prepared.sequence_sentence < stop)
        )
        units.append(
            PreparedArticle(
                article=PtcArticle(
                    prepared.article.id,
                    prepared.article.text,
                    tuple(prepared.article.spans[k] for k in spans),
                ),
                sequences=tuple(prepared.sequences[i] for i in sequences),
                sequence_sentence=prepared.sequence_sentence[sequences] - first,
                offsets=prepared.offsets[lo:hi],
                sentence=prepared.sentence[lo:hi] - first,
                sentence_spans=prepared.sentence_spans[first:stop],
                surface=prepared.surface[lo:hi],
                tags=prepared.tags[lo:hi],
                span_tokens=tuple(prepared.span_tokens[k] - lo for k in spans),
                span_context=tuple(prepared.span_context[k] - lo for k in spans),
                span_sentences=tuple(prepared.span_sentences[k] - first for k in spans),
                span_surface=prepared.span_surface[spans],
                labels=prepared.labels[spans],
            )
        )
    return units


def _build_model(torch: Any, weights: dict[str, Any], options: TuneOptions, techniques: int) -> Any:
    """Encoder (word embeddings frozen) plus the SI and TC heads, with fixed input scalers."""
    from newsprism.models.minilm import locate_package
    from newsprism.models.onnx_bert import BertShape
    from newsprism.train.minilm_torch import build_minilm

    nn = torch.nn
    shape = BertShape.from_config(json.loads(locate_package().config.read_text("utf-8")))
    tag_dim = shape.hidden + len(TOKEN_FEATURES)
    tc_dim = 4 * shape.hidden + len(SPAN_FEATURES)

    # torch is optional (the `train` extra), so its classes are not visible to the type checker.
    module_base: Any = nn.Module

    class Joint(module_base):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.encoder = build_minilm(weights, shape, options.encoder_dropout)
            # The word embeddings stay upstream: 11.7M of the 22.7M parameters, updated only
            # where PTC's words occur; the shipped delta then covers the transformer layers.
            self.encoder.word.weight.requires_grad_(False)
            self.register_buffer("tag_mean", torch.zeros(tag_dim))
            self.register_buffer("tag_scale", torch.ones(tag_dim))
            self.register_buffer("tc_mean", torch.zeros(tc_dim))
            self.register_buffer("tc_scale", torch.ones(tc_dim))
            # Learned layer mixes (softmax weights over HEAD_LAYERS; they start uniform): a
            # fine-tuned encoder carries the task in its last layer, which a fixed uniform mix
            # dilutes. The numpy heads take any mix.
            start = torch.zeros(len(HEAD_LAYERS))
            start[-1] = options.last_layer_prior
            self.tag_mix = nn.Parameter(start.clone())
            self.tc_mix = nn.Parameter(start.clone())
            self.drop = nn.Dropout(options.head_dropout)
            if options.tagger == "lstm":
                self.proj = nn.Linear(tag_dim, options.proj)
                self.lstm = nn.LSTM(
                    options.proj, options.hidden, batch_first=True, bidirectional=True
                )
                self.out = nn.Linear(2 * options.hidden, 3)
            else:
                self.out = nn.Linear(tag_dim, 3)
            self.tc = nn.Sequential(
                nn.Dropout(options.head_dropout),
                nn.Linear(tc_dim, options.tc_hidden),
                nn.ReLU(),
                nn.Dropout(options.head_dropout),
                nn.Linear(options.tc_hidden, techniques),
            )

        def mixed(self, tokens: Any, mix: Any) -> Any:
            weights = torch.softmax(mix, 0)
            return (tokens[:, list(HEAD_LAYERS)] * weights[None, :, None]).sum(1)

        def tagger_inputs(self, prepared: PreparedArticle, tokens: Any) -> Any:
            mixed = self.mixed(tokens, self.tag_mix)
            return torch.cat([mixed, torch.from_numpy(prepared.surface)], 1)

        def tag_logits(self, prepared: PreparedArticle, tokens: Any) -> Any:
            x = (self.tagger_inputs(prepared, tokens) - self.tag_mean) / self.tag_scale
            if options.tagger != "lstm":
                return self.out(self.drop(x))
            x = self.proj(self.drop(x))
            bounds = np.flatnonzero(np.diff(prepared.sentence)) + 1
            cuts = list(zip(np.r_[0, bounds], np.r_[bounds, len(x)], strict=True))
            sequences = [x[a:b] for a, b in cuts]
            lengths = torch.tensor([b - a for a, b in cuts])
            padded = nn.utils.rnn.pad_sequence(sequences, batch_first=True)
            packed = nn.utils.rnn.pack_padded_sequence(
                padded, lengths, batch_first=True, enforce_sorted=False
            )
            hidden, _ = self.lstm(packed)
            hidden, _ = nn.utils.rnn.pad_packed_sequence(hidden, batch_first=True)
            logits = self.out(self.drop(hidden))
            return torch.cat([logits[k, : b - a] for k, (a, b) in enumerate(cuts)])

        def tc_inputs(self, prepared: PreparedArticle, tokens: Any, vectors: Any) -> Any:
            mixed = self.mixed(tokens, self.tc_mix)
            rows = [
                torch.cat(
                    [
                        mixed[inside].mean(0),
                        mixed[inside].max(0).values,
                        mixed[context].mean(0),
                        vectors[owners].mean(0),
                    ]
                )
                for inside, context, owners in zip(
                    prepared.span_tokens,
                    prepared.span_context,
                    prepared.span_sentences,
                    strict=True,
                )
            ]
            if not rows:
                return torch.zeros((0, tc_dim))
            return torch.cat([torch.stack(rows), torch.from_numpy(prepared.span_surface)], 1)

        def tc_logits(self, prepared: PreparedArticle, tokens: Any, vectors: Any) -> Any:
            if not options.tc_encoder_grad:
                tokens, vectors = tokens.detach(), vectors.detach()
            x = self.tc_inputs(prepared, tokens, vectors)
            return self.tc((x - self.tc_mean) / self.tc_scale)

    return Joint()


def _fit_scalers(torch: Any, model: Any, fit: Sequence[PreparedArticle]) -> None:
    """The heads' fixed input scalers: mean and spread of the upstream encoder's inputs."""
    model.eval()
    tag_rows, tc_rows = [], []
    with torch.no_grad():
        for prepared in fit:
            tokens, vectors = article_states(torch, model.encoder, prepared)
            tag_rows.append(model.tagger_inputs(prepared, tokens))
            if len(prepared.labels):
                tc_rows.append(model.tc_inputs(prepared, tokens, vectors))
        for rows, mean, scale in (
            (tag_rows, model.tag_mean, model.tag_scale),
            (tc_rows, model.tc_mean, model.tc_scale),
        ):
            stacked = torch.cat(rows)
            mean.copy_(stacked.mean(0))
            scale.copy_(stacked.std(0) + 1e-3)
    model.train()


def encoded_articles(
    torch: Any, encoder: Any, prepared: Sequence[PreparedArticle]
) -> list[EncodedArticle]:
    """What `encoder.v1` would hand the heads, computed by the torch encoder (eval mode)."""
    was_training = encoder.training
    encoder.eval()
    out = []
    with torch.no_grad():
        for item in prepared:
            tokens, vectors = article_states(torch, encoder, item)
            out.append(
                EncodedArticle(
                    text=item.article.text,
                    offsets=item.offsets,
                    sentence=item.sentence,
                    sentence_spans=item.sentence_spans,
                    sentence_vectors=vectors.numpy().astype(np.float32),
                    layers=tokens[:, list(HEAD_LAYERS)].numpy().astype(np.float32),
                    layer_ids=HEAD_LAYERS,
                )
            )
    encoder.train(was_training)
    return out


def tagger_arrays(
    state: dict[str, NDArray[Any]],
    mix: FloatArray,
    mean: FloatArray,
    scale: FloatArray,
) -> dict[str, NDArray[Any]]:
    """The numpy SI head's arrays from the torch tagger's `state_dict` (names `proj.`, `lstm.`,
    `out.`; a linear tagger has only `out.`); the two biases of each LSTM gate are summed."""
    arrays = {
        "mix": mix,
        "mean": mean,
        "scale": scale,
        "out_w": state["out.weight"],
        "out_b": state["out.bias"],
    }
    if "lstm.weight_ih_l0" in state:
        arrays |= {
            "proj_w": state["proj.weight"],
            "proj_b": state["proj.bias"],
            "fw_w_ih": state["lstm.weight_ih_l0"],
            "fw_w_hh": state["lstm.weight_hh_l0"],
            "fw_b": state["lstm.bias_ih_l0"] + state["lstm.bias_hh_l0"],
            "bw_w_ih": state["lstm.weight_ih_l0_reverse"],
            "bw_w_hh": state["lstm.weight_hh_l0_reverse"],
            "bw_b": state["lstm.bias_ih_l0_reverse"] + state["lstm.bias_hh_l0_reverse"],
        }
    return arrays


def numpy_heads(
    model: Any, options: TuneOptions, techniques: Sequence[str]
) -> tuple[SpanTagger, SpanClassifier]:
    """The torch heads as the numpy heads the analyzer runs (float32 here; saved as float16)."""
    state = {k: v.detach().numpy().astype(np.float32) for k, v in model.state_dict().items()}

    def softmax(logits: FloatArray) -> FloatArray:
        z = np.exp(logits - logits.max())
        out: FloatArray = (z / z.sum()).astype(np.float32)
        return out

    tagger = SpanTagger(
        tagger_arrays(state, softmax(state["tag_mix"]), state["tag_mean"], state["tag_scale"]),
        {
            "layers": list(HEAD_LAYERS),
            "surface": True,
            "tagger": options.tagger,
            "token_features": list(TOKEN_FEATURES),
            "lexicons": list(LEXICON_NAMES),
            "decoder": "viterbi",
            "o_bias": 0.0,
            "threshold": 0.5,
        },
    )
    classifier = SpanClassifier(
        {
            "mix": softmax(state["tc_mix"]),
            "mean": state["tc_mean"],
            "scale": state["tc_scale"],
            "w1": state["tc.1.weight"],
            "b1": state["tc.1.bias"],
            "w2": state["tc.4.weight"],
            "b2": state["tc.4.bias"],
        },
        {
            "layers": list(HEAD_LAYERS),
            "techniques": list(techniques),
            "span_features": list(SPAN_FEATURES),
        },
    )
    return tagger, classifier


def validate(
    tagger: SpanTagger,
    classifier: SpanClassifier,
    encoded: Sequence[EncodedArticle],
    articles: Sequence[PtcArticle],
) -> tuple[float, float, float]:
    """(best SI F1, its Viterbi O offset, TC accuracy on the gold spans) of the numpy heads."""
    probs = [tagger.tag_probs(_inputs(tagger, e), e.sentence) for e in encoded]
    gold = {a.id: [(s.start, s.end) for s in a.spans] for a in articles}
    best = (-1.0, 0.0)
    for bias in O_BIASES:
        pred = {
            a.id: [(s, e) for s, e, _ in viterbi_spans(x.text, p, x.offsets, x.sentence, bias)]
            for a, x, p in zip(articles, encoded, probs, strict=True)
        }
        f1 = si_score(pred, gold).f1
        if f1 > best[0]:
            best = (f1, bias)
    right = total = 0
    for article, item in zip(articles, encoded, strict=True):
        spans = [(s.start, s.end) for s in article.spans]
        labels, _ = classify(classifier, item, spans)
        right += sum(lab == s.technique for lab, s in zip(labels, article.spans, strict=True))
        total += len(spans)
    return best[0], best[1], right / max(1, total)


def _inputs(tagger: SpanTagger, article: EncodedArticle) -> FloatArray:
    from newsprism.propaganda.infer import head_inputs

    return head_inputs(tagger, article)


def tune_encoder(
    fit: Sequence[PreparedArticle],
    val: Sequence[PreparedArticle],
    rehearsal: Sequence[IntArray],
    techniques: Sequence[str],
    options: TuneOptions,
    log: Log,
) -> TunedEncoder:
    """Fine-tune the encoder with both heads on `fit`; keep the epoch whose numpy heads score the
    best SI F1 on `val` (ties: TC accuracy). Everything is seeded."""
    from safetensors.numpy import load_file

    from newsprism.models.minilm import locate_package
    from newsprism.train.minilm_torch import to_hf_names

    torch = _torch(options.threads)
    torch.manual_seed(options.seed)
    rng = random.Random(options.seed)
    upstream = load_file(str(locate_package().safetensors))
    model = _build_model(torch, upstream, options, len(techniques))
    teacher = None
    if rehearsal and options.distill_weight > 0:
        teacher = copy.deepcopy(model.encoder).eval()
        for parameter in teacher.parameters():
            parameter.requires_grad_(False)
    else:
        log("no rehearsal sentences (PolNeAR absent or distill_weight 0): no distillation")
    started = time.time()
    _fit_scalers(torch, model, fit)
    log(f"head input scalers from the upstream encoder ({time.time() - started:.0f} s)")
    encoder_params = [p for p in model.encoder.parameters() if p.requires_grad]
    head_params = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    optimiser = torch.optim.AdamW(
        [
            {"params": encoder_params, "lr": options.encoder_lr, "weight_decay": 0.01},
            {"params": head_params, "lr": options.head_lr, "weight_decay": 1e-4},
        ]
    )
    units = [unit for prepared in fit for unit in training_units(prepared)]
    # Batches of similar length (little padding), visited in a shuffled order each epoch.
    by_length = sorted(range(len(units)), key=lambda i: len(units[i].tags))
    batches = [
        by_length[i : i + options.batch_units]
        for i in range(0, len(by_length), options.batch_units)
    ]
    log(f"{len(units)} training units in {len(batches)} batches an epoch")
    total_steps = options.epochs * len(batches)
    warm = max(1, int(options.warmup * total_steps))

    def rate(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total_steps - step) / max(1, total_steps - warm))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, rate)
    per_step = max(1, options.distill_sentences // max(1, len(batches)))
    val_articles = [p.article for p in val]
    best: tuple[tuple[float, float], int, dict[str, Any]] | None = None
    for epoch in range(1, options.epochs + 1):
        rng.shuffle(batches)
        sums = np.zeros(3)
        for step, batch in enumerate(batches, 1):
            items = [units[i] for i in batch]
            states = batch_states(torch, model.encoder, items)
            tag_logits = torch.cat(
                [model.tag_logits(u, tokens) for u, (tokens, _) in zip(items, states, strict=True)]
            )
            tags = torch.from_numpy(np.concatenate([u.tags for u in items]))
            loss_si = torch.nn.functional.cross_entropy(tag_logits, tags)
            loss = loss_si
            loss_tc = torch.zeros(())
            labelled = [(u, st) for u, st in zip(items, states, strict=True) if len(u.labels)]
            if labelled:
                tc_logits = torch.cat([model.tc_logits(u, t, v) for u, (t, v) in labelled])
                labels = torch.from_numpy(np.concatenate([u.labels for u, _ in labelled]))
                loss_tc = torch.nn.functional.cross_entropy(tc_logits, labels)
                loss = loss + options.tc_weight * loss_tc
            loss_d = torch.zeros(())
            if teacher is not None:
                sample = [rehearsal[rng.randrange(len(rehearsal))] for _ in range(per_step)]
                loss_d = _distillation(torch, model.encoder, teacher, sample, options)
                loss = loss + options.distill_weight * loss_d
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            sums += [float(loss_si.detach()), float(loss_tc.detach()), float(loss_d.detach())]
            if step % 100 == 0 or step == len(batches):
                si, tc, dist = sums / step
                log(
                    f"epoch {epoch} step {step}/{len(batches)}: SI {si:.4f} TC {tc:.4f} "
                    f"distillation {dist:.4f} ({time.time() - started:.0f} s)"
                )
        tagger, classifier = numpy_heads(model, options, techniques)
        val_si, bias, val_tc = validate(
            tagger, classifier, encoded_articles(torch, model.encoder, val), val_articles
        )
        log(f"epoch {epoch}: validation SI F1 {val_si:.4f} (O offset {bias}), TC {val_tc:.4f}")
        if best is None or (val_si, val_tc) > best[0]:
            best = ((val_si, val_tc), epoch, copy.deepcopy(model.state_dict()))
    assert best is not None
    model.load_state_dict(best[2])
    weights = to_hf_names(model.encoder.state_dict())
    tagger, classifier = numpy_heads(model, options, techniques)
    log(f"kept epoch {best[1]} ({time.time() - started:.0f} s)")
    return TunedEncoder(weights, tagger, classifier, best[0][0], best[0][1], best[1])


def _distillation(
    torch: Any,
    student: Any,
    teacher: Any,
    batch: Sequence[IntArray],
    options: TuneOptions,
) -> Any:
    """Mean squared difference of layers 4 and 6 per token plus `sentence_weight` * (1 - cosine)
    of the sentence vectors, student against the frozen upstream teacher."""
    with torch.no_grad():
        targets = _encode_sequences(torch, teacher, batch)
    total = torch.zeros(())
    count = 0
    for (mine, vector), (theirs, target) in zip(
        _encode_sequences(torch, student, batch), targets, strict=True
    ):
        if options.layer_weight > 0:
            layers = ((mine[4] - theirs[4]) ** 2).mean(1) + ((mine[6] - theirs[6]) ** 2).mean(1)
            total = total + options.layer_weight * layers.sum()
        total = total + options.sentence_weight * (1.0 - (vector * target).sum())
        count += len(mine[6])
    return total / max(1, count)
