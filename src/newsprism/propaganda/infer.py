"""From encoder vectors to technique spans: head inputs, BIO decoding, classification, repetition.

Training (`newsprism.train.propaganda`) and the `propaganda.v1` analyzer share these functions, so
the heads see exactly the same inputs in both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from newsprism.analyzers.blas import one_blas_thread
from newsprism.propaganda.features import TokenView, span_features, token_features
from newsprism.propaganda.heads import (
    Array,
    SpanClassifier,
    SpanTagger,
    mix_layers,
    padded_groups,
    runs_longest_first,
    sentence_runs,
)

IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class EncodedArticle:
    """One document's text with its encoder output, in the shape the heads read.

    `layers` is (N, L, 384) token vectors for the encoder layers `layer_ids`; offsets are document
    character offsets.
    """

    text: str
    offsets: IntArray
    sentence: IntArray
    sentence_spans: IntArray
    sentence_vectors: Array
    layers: NDArray[np.floating]
    layer_ids: tuple[int, ...]

    @property
    def view(self) -> TokenView:
        """Offsets and sentence membership, for the surface features."""
        return TokenView(self.offsets, self.sentence, self.sentence_spans)


def select_layers(article: EncodedArticle, wanted: Sequence[int]) -> NDArray[np.floating]:
    """(N, len(wanted), 384) token vectors of the layers a head was trained on (a view, no copy,
    when they are all the article's layers in its order, as the shipped heads' are)."""
    index = [article.layer_ids.index(k) for k in wanted]
    if index == list(range(article.layers.shape[1])):
        return article.layers
    return article.layers[:, index]


def document_vector(article: EncodedArticle) -> Array:
    """(384,) unit mean of the article's sentence vectors: what the whole article is about."""
    vectors = np.asarray(article.sentence_vectors, np.float32)
    if len(vectors) == 0:
        return np.zeros(article.layers.shape[2], np.float32)
    mean = vectors.mean(axis=0)
    out: Array = mean / max(float(np.linalg.norm(mean)), 1e-6)
    return out


def tagger_inputs(
    article: EncodedArticle,
    mix: Array,
    layer_ids: Sequence[int],
    doc_context: bool = False,
    concat: bool = False,
) -> Array:
    """(N, 384 [x layers] + surface [+ 384]) per-token inputs of the SI head.

    The layers are mixed with the scalar weights `mix`, or with `concat` laid side by side (the
    head's projection then learns a mix per dimension). With `doc_context` every token also
    reads the article's `document_vector`: the sentence BiLSTM cannot see past its sentence, and
    propaganda clusters in some articles.
    """
    stacked = select_layers(article, layer_ids)
    mixed = (
        np.asarray(stacked, np.float32).reshape(len(stacked), -1)
        if concat
        else mix_layers(stacked, mix)
    )
    parts = [mixed, token_features(article.text, article.view)]
    if doc_context:
        vector = document_vector(article)
        parts.append(np.broadcast_to(vector, (len(mixed), len(vector))))
    return np.concatenate(parts, axis=1, dtype=np.float32)


def head_inputs(tagger: SpanTagger, article: EncodedArticle) -> Array:
    """The inputs `tagger` was trained on (layers, surface features, document context)."""
    layer_ids = tuple(int(k) for k in tagger.meta["layers"])
    doc_context = bool(tagger.meta.get("doc_context", False))
    concat = bool(tagger.meta.get("layer_concat", False))
    inputs = tagger_inputs(article, tagger.mix, layer_ids, doc_context, concat)
    if tagger.meta.get("surface", True):
        return inputs
    width = article.layers.shape[2]
    vectors = width * len(layer_ids) if concat else width
    end = inputs.shape[1]
    keep = np.r_[0:vectors, end - width : end] if doc_context else np.r_[0:vectors]
    return inputs[:, keep]


def _word_start(text: str, pos: int) -> int:
    """Move `pos` back to the start of the word it falls in."""
    while pos > 0 and text[pos - 1].isalnum() and text[pos].isalnum():
        pos -= 1
    return pos


def _word_end(text: str, pos: int) -> int:
    """Move `pos` forward to the end of the word it falls in."""
    while pos < len(text) and pos > 0 and text[pos].isalnum() and text[pos - 1].isalnum():
        pos += 1
    return pos


def decode_spans(
    text: str,
    probs: Array,
    offsets: IntArray,
    sentence: IntArray,
    threshold: float,
) -> list[tuple[int, int, float]]:
    """Character spans (start, end, mean propaganda probability) from per-token O/B/I probabilities.

    A span is a run of tokens of one sentence whose propaganda probability `1 - P(O)` reaches
    `threshold`; inside a run a token more likely B than I starts a new span. Spans are widened to
    whole words, since wordpieces cut words and the gold marks words.
    """
    spans: list[tuple[int, int, float]] = []
    current: list[int] = []

    def close() -> None:
        if current:
            start = _word_start(text, int(offsets[current[0], 0]))
            end = _word_end(text, int(offsets[current[-1], 1]))
            score = float(np.mean(1.0 - probs[current, 0]))
            spans.append((start, end, min(1.0, max(0.0, score))))
            current.clear()

    for i in range(len(probs)):
        inside = 1.0 - probs[i, 0] >= threshold
        new_sentence = bool(current) and sentence[i] != sentence[current[-1]]
        if not inside or new_sentence:
            close()
        if inside:
            if current and probs[i, 1] > probs[i, 2]:
                close()
            current.append(i)
    close()
    return spans


_FORBIDDEN = -1e9
# Allowed BIO moves (row: previous tag, column: next tag, order O, B, I): only O -> I is forbidden.
_TRANSITIONS = np.array(
    [[0.0, 0.0, _FORBIDDEN], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], dtype=np.float64
)


VITERBI_CELLS = 65536
"""Most padded (step, sentence) cells one Viterbi pass holds (about 100 bytes each with its
back-pointers and temporaries): a batch's sentences are decoded in groups under it."""


def _viterbi_tags(
    log_probs: NDArray[np.float64],
    sentence: IntArray,
    transitions: NDArray[np.float64] | None = None,
    start: NDArray[np.float64] | None = None,
) -> NDArray[np.int64]:
    """Most likely BIO tag of every token, each sentence (run of equal `sentence` ids) decoded
    on its own, never starting with I nor moving O -> I.

    Sentences advance together, one step per token position of the longest in their group,
    instead of one Python step per token: the same sums and maxima row by row, so the same
    tags. Groups of similar lengths (longest first) keep the padded grid under
    `VITERBI_CELLS`. `transitions` (previous tag x next tag) and `start` add a CRF head's
    learned scores.
    """
    moves = _TRANSITIONS if transitions is None else _TRANSITIONS + transitions
    opening = np.array([0.0, 0.0, _FORBIDDEN]) + (0.0 if start is None else start)
    starts, lengths = runs_longest_first(sentence)
    tags = np.empty(len(log_probs), dtype=np.int64)
    for a, b in padded_groups(lengths, VITERBI_CELLS):
        sizes = lengths[a:b]
        run = np.repeat(np.arange(len(sizes)), sizes)
        step = np.arange(len(run)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        token = np.repeat(starts[a:b], sizes) + step
        tags[token] = _padded_viterbi(log_probs[token], step, run, sizes, moves, opening)
    return tags


def _padded_viterbi(
    log_probs: NDArray[np.float64],
    step: IntArray,
    run: IntArray,
    lengths: IntArray,
    moves: NDArray[np.float64],
    opening: NDArray[np.float64],
) -> NDArray[np.int64]:
    """Viterbi over sentences laid out as (step, sentence) cells; tags in `log_probs` order."""
    padded = np.zeros((int(lengths.max()), len(lengths), 3), dtype=np.float64)
    padded[step, run] = log_probs
    best = padded[0] + opening
    # A finished sentence keeps its scores and points back to the same tag, so backtracking
    # from the last position passes through its padding unchanged.
    back = np.broadcast_to(np.arange(3), padded.shape).copy()
    for t in range(1, len(padded)):
        active = (t < lengths)[:, None]
        candidates = best[:, :, None] + moves
        back[t] = np.where(active, candidates.argmax(axis=1), back[t])
        best = np.where(active, candidates.max(axis=1) + padded[t], best)
    tags = np.empty(padded.shape[:2], dtype=np.int64)
    tags[-1] = best.argmax(axis=1)
    rows = np.arange(len(lengths))
    for t in range(len(padded) - 1, 0, -1):
        tags[t - 1] = back[t, rows, tags[t]]
    per_token: NDArray[np.int64] = tags[step, run]
    return per_token


def viterbi_spans(
    text: str,
    probs: Array,
    offsets: IntArray,
    sentence: IntArray,
    o_bias: float,
    transitions: Array | None = None,
    start_scores: Array | None = None,
) -> list[tuple[int, int, float]]:
    """Character spans (start, end, mean propaganda probability) by BIO-constrained Viterbi.

    Each sentence is decoded on its own over the tagger's log-probabilities with `o_bias` added
    to log P(O) (negative: more recall), so a span never starts with I; spans are widened to whole
    words as in `decode_spans`. A CRF head's `transitions` (3 x 3) and `start_scores` (3,) join
    the path score; its softmax differs from its emissions by a per-token constant, which no path
    choice depends on.
    """
    return viterbi_spans_many(
        [text], [probs], [offsets], [sentence], o_bias, transitions, start_scores
    )[0]


def viterbi_spans_many(
    texts: Sequence[str],
    probs: Sequence[Array],
    offsets: Sequence[IntArray],
    sentences: Sequence[IntArray],
    o_bias: float,
    transitions: Array | None = None,
    start_scores: Array | None = None,
) -> list[list[tuple[int, int, float]]]:
    """`viterbi_spans` of each article, with one Viterbi pass over all their sentences (one
    step per position of the batch's longest sentence, instead of one pass per article)."""
    sizes = [len(p) for p in probs]
    if sum(sizes) == 0:
        return [[] for _ in sizes]
    moves = None if transitions is None else np.asarray(transitions, np.float64)
    first_scores = None if start_scores is None else np.asarray(start_scores, np.float64)
    log_probs = np.log(np.concatenate([np.asarray(p, np.float64) for p in probs]) + 1e-9)
    log_probs[:, 0] += o_bias
    runs = sentence_runs(sentences)
    tags = _viterbi_tags(log_probs, runs, moves, first_scores)
    cuts = np.cumsum(sizes)[:-1]
    return [
        _tagged_spans(text, p, off, run, tag)
        for text, p, off, run, tag in zip(
            texts, probs, offsets, np.split(runs, cuts), np.split(tags, cuts), strict=True
        )
    ]


def _tagged_spans(
    text: str, probs: Array, offsets: IntArray, sentence: IntArray, tags: NDArray[np.int64]
) -> list[tuple[int, int, float]]:
    """The spans of one article's BIO tags: a B (or an I the decoder could not avoid) and the I
    tokens after it in its sentence, widened to whole words."""
    if len(tags) == 0:
        return []
    new_sentence = np.r_[True, sentence[1:] != sentence[:-1]]
    after_o = np.r_[True, tags[:-1] == 0]
    begins = np.flatnonzero((tags != 0) & ((tags == 1) | new_sentence | after_o))
    breaks = np.r_[np.flatnonzero((tags != 2) | new_sentence), len(tags)]
    ends = breaks[np.searchsorted(breaks, begins, side="right")] - 1
    spans: list[tuple[int, int, float]] = []
    for a, b in zip(begins.tolist(), ends.tolist(), strict=True):
        start = _word_start(text, int(offsets[a, 0]))
        end = _word_end(text, int(offsets[b, 1]))
        score = float(np.mean(1.0 - probs[a : b + 1, 0]))
        spans.append((start, end, min(1.0, max(0.0, score))))
    return spans


def tagger_spans(
    tagger: SpanTagger, text: str, probs: Array, offsets: IntArray, sentence: IntArray
) -> list[tuple[int, int, float]]:
    """Spans by the decoder the head's metadata names (Viterbi when it carries `o_bias`)."""
    return tagger_spans_many(tagger, [text], [probs], [offsets], [sentence])[0]


def tagger_spans_many(
    tagger: SpanTagger,
    texts: Sequence[str],
    probs: Sequence[Array],
    offsets: Sequence[IntArray],
    sentences: Sequence[IntArray],
) -> list[list[tuple[int, int, float]]]:
    """`tagger_spans` of each article (one Viterbi pass for them all)."""
    if "o_bias" in tagger.meta:
        return viterbi_spans_many(
            texts,
            probs,
            offsets,
            sentences,
            float(tagger.meta["o_bias"]),
            tagger.arrays.get("transitions"),
            tagger.arrays.get("start"),
        )
    threshold = float(tagger.meta["threshold"])
    return [
        decode_spans(text, p, off, sent, threshold)
        for text, p, off, sent in zip(texts, probs, offsets, sentences, strict=True)
    ]


def span_pool_inputs(
    article: EncodedArticle, spans: Sequence[tuple[int, int]], mix: Array, layer_ids: Sequence[int]
) -> Array:
    """(M, 4 * 384 + surface) TC inputs: span mean, span max, sentence mean, sentence vector.

    Tokens overlapping the span form it; a span no token overlaps (whitespace) falls back to its
    nearest token, so every span gets an input.
    """
    dim = article.layers.shape[2]
    out_rows = []
    mixed = mix_layers(select_layers(article, layer_ids), mix)
    starts, ends = article.offsets[:, 0], article.offsets[:, 1]
    for start, end in spans:
        inside = np.flatnonzero((starts < end) & (ends > start))
        if inside.size == 0 and len(starts):
            inside = np.array([int(np.argmin(np.abs(starts - start)))])
        if inside.size == 0:
            out_rows.append(np.zeros(4 * dim, np.float32))
            continue
        sentences = np.unique(article.sentence[inside])
        context = np.flatnonzero(np.isin(article.sentence, sentences))
        span_vecs = mixed[inside]
        out_rows.append(
            np.concatenate(
                [
                    span_vecs.mean(axis=0),
                    span_vecs.max(axis=0),
                    mixed[context].mean(axis=0),
                    article.sentence_vectors[sentences].mean(axis=0),
                ]
            )
        )
    pooled = np.stack(out_rows) if out_rows else np.zeros((0, 4 * dim), np.float32)
    surface = span_features(article.text, spans, article.sentence_spans)
    return np.concatenate([pooled, surface], axis=1).astype(np.float32)


def classify(
    classifier: SpanClassifier, article: EncodedArticle, spans: Sequence[tuple[int, int]]
) -> tuple[list[str], list[float]]:
    """Technique and its probability for each span (`classify_many` for one article)."""
    return classify_many(classifier, [article], [spans])[0]


def classify_many(
    classifier: SpanClassifier,
    articles: Sequence[EncodedArticle],
    spans: Sequence[Sequence[tuple[int, int]]],
) -> list[tuple[list[str], list[float]]]:
    """Technique and its probability for each span of each article, through one MLP product
    for all the articles' spans (a product per article of a few spans costs 6x more time).

    Post-processing: when the same offsets appear more than once (a fragment carrying several
    techniques, as templates list them), each repeat gets the next most likely technique not yet
    given, since one fragment never carries one technique twice.
    """
    layer_ids = tuple(int(k) for k in classifier.meta["layers"])
    pooled = [
        span_pool_inputs(article, wanted, classifier.mix, layer_ids)
        for article, wanted in zip(articles, spans, strict=True)
        if wanted
    ]
    if not pooled:
        return [([], []) for _ in articles]
    all_probs = classifier.probs(np.concatenate(pooled))
    offsets = classifier.arrays.get("offsets")
    all_scores = np.log(all_probs + 1e-9) + (offsets if offsets is not None else 0.0)
    names = classifier.techniques
    out: list[tuple[list[str], list[float]]] = []
    row = 0
    for wanted in spans:
        given: dict[tuple[int, int], set[int]] = {}
        labels, confidences = [], []
        for span in wanted:
            taken = given.setdefault((int(span[0]), int(span[1])), set())
            ranked = [int(k) for k in np.argsort(-all_scores[row]) if int(k) not in taken]
            best = ranked[0] if ranked else int(np.argmax(all_scores[row]))
            taken.add(best)
            labels.append(names[best])
            confidences.append(float(all_probs[row, best]))
            row += 1
        out.append((labels, confidences))
    return out


def detect(
    tagger: SpanTagger, classifier: SpanClassifier, article: EncodedArticle
) -> list[tuple[int, int, str, float, float]]:
    """(start, end, technique, technique probability, span probability) for each found span."""
    return detect_many(tagger, classifier, [article])[0]


def detect_many(
    tagger: SpanTagger, classifier: SpanClassifier, articles: Sequence[EncodedArticle]
) -> list[list[tuple[int, int, str, float, float]]]:
    """`detect` for each article, with one BiLSTM pass over all their sentences."""
    inputs = [head_inputs(tagger, article) for article in articles]
    with one_blas_thread():
        all_probs = tagger.tag_probs_many(inputs, [article.sentence for article in articles])
        found = tagger_spans_many(
            tagger,
            [article.text for article in articles],
            all_probs,
            [article.offsets for article in articles],
            [article.sentence for article in articles],
        )
        spans = [[(s, e) for s, e, _ in f] for f in found]
        classified = classify_many(classifier, articles, spans)
    return [
        [
            (s, e, label, conf, span_score)
            for (s, e, span_score), label, conf in zip(scored, labels, confidences, strict=True)
        ]
        for scored, (labels, confidences) in zip(found, classified, strict=True)
    ]
