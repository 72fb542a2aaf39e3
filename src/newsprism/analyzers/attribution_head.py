"""Numpy inference of the attribution span head: encoder vectors + lexical features -> BIO tags.

The head (`models/heads/attribution_cnn.npz`, built by `newsprism.train.attributions`) reads, for
every word token of `attribution_tagger.tokenize`, the mean of the MiniLM vectors of the word
pieces inside it (the shared encoder pass, no second run) and a few discrete features the
uncased encoder cannot see or that cross sentence borders (casing shape, quote state, sentence and
paragraph starts, the cue-word prior and the distance to the nearest likely cue). A projection and
four residual dilated convolutions (receptive field +-15 words, document-wide, so contents may
run across sentences) give per-word scores over BIO Source/Cue/Content tags; Viterbi decoding
with BIO constraints turns them into spans. Inference is a handful of matrix products per
document. The same `word_features` / `word_vectors` functions feed training, so the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from newsprism.analyzers.attribution_tagger import Token, sentence_ids
from newsprism.analyzers.blas import one_blas_thread
from newsprism.errors import Code, NewsprismError
from newsprism.models.packaged import load_packaged_head

BIO_TAGS = ("O", "B-SRC", "I-SRC", "B-CUE", "I-CUE", "B-CON", "I-CON")
HEAD_FILE = "attribution_cnn.npz"
DILATIONS = (1, 2, 4, 8)
"""Dilations of the residual 3-wide convolutions: words +-15 around each word are seen."""
DISCRETE = ("word", "shape", "prior", "flags", "cue_before", "cue_after")
"""Discrete feature columns, in the order `word_features` returns them."""
N_SHAPES = 6
N_PRIOR = 11
N_FLAGS = 16
N_DIST = 8
CUE_THRESHOLD = 0.2
"""Cue prior above which a word counts as a likely cue for the distance features."""

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int64]


def _shape_id(word: str) -> int:
    """0 digit, 1 ALL-CAPS, 2 Capitalised, 3 lower, 4 quote mark, 5 other punctuation."""
    if any(c.isdigit() for c in word):
        return 0
    if word.isupper() and len(word) > 1:
        return 1
    if word[:1].isupper():
        return 2
    if word[:1].isalpha() or word[:1] == "_":
        return 3
    if word in "\"“”‘’«»„'":
        return 4
    return 5


def _dist_bucket(distance: int) -> int:
    """1..7 for distances 1, 2, 3-4, 5-8, 9-16, 17-32, far; 0 when there is no cue."""
    for bucket, limit in enumerate((1, 2, 4, 8, 16, 32), start=1):
        if distance <= limit:
            return bucket
    return 7


def word_features(
    tokens: list[Token], vocab: dict[str, int], cue_prob: dict[str, float]
) -> IntArray:
    """[n_words, 6] discrete feature ids (see DISCRETE); word id 0 is the unknown word."""
    n = len(tokens)
    out = np.zeros((n, len(DISCRETE)), dtype=np.int64)
    if n == 0:
        return out
    words = [t.text.lower() for t in tokens]
    probs = [cue_prob.get(w, 0.0) for w in words]
    sids = sentence_ids(tokens)
    before = [0] * n
    after = [0] * n
    last, last_sid = -1, -1
    for i in range(n):
        if sids[i] != last_sid:
            last, last_sid = -1, sids[i]
        before[i] = 0 if last < 0 else _dist_bucket(i - last)
        if probs[i] >= CUE_THRESHOLD:
            last = i
    nxt, nxt_sid = -1, -1
    for i in range(n - 1, -1, -1):
        if sids[i] != nxt_sid:
            nxt, nxt_sid = -1, sids[i]
        after[i] = 0 if nxt < 0 else _dist_bucket(nxt - i)
        if probs[i] >= CUE_THRESHOLD:
            nxt = i
    for i, token in enumerate(tokens):
        flags = (
            int(token.in_quote)
            | int(token.sent_start) << 1
            | int(token.para_start) << 2
            | int(i + 1 < n and tokens[i + 1].sent_start) << 3
        )
        out[i] = (
            vocab.get(words[i], 0),
            _shape_id(token.text),
            min(int(probs[i] * 10), 10),
            flags,
            before[i],
            after[i],
        )
    return out


def word_vectors(tokens: list[Token], offsets: IntArray, vectors: FloatArray) -> FloatArray:
    """[n_words, dim] mean vector of the word pieces overlapping each word (zeros when none).

    `offsets` [n_pieces, 2] are document offsets in document order (`DocEncoding`).
    """
    starts = np.fromiter((t.start for t in tokens), dtype=np.int64, count=len(tokens))
    ends = np.fromiter((t.end for t in tokens), dtype=np.int64, count=len(tokens))
    return piece_means(starts, ends, offsets, vectors)


def piece_means(
    starts: IntArray, ends: IntArray, offsets: IntArray, vectors: FloatArray
) -> FloatArray:
    """[n_words, dim] mean vector of the pieces overlapping each [start, end) (zeros when none).

    `offsets` [n_pieces, 2] are sorted, non-overlapping piece offsets in the words' coordinates.
    """
    n = len(starts)
    dim = vectors.shape[1] if vectors.ndim == 2 else 0
    if n == 0 or len(offsets) == 0:
        return np.zeros((n, dim), dtype=np.float32)
    # Pieces overlapping [start, end): from the first piece ending after start to the first
    # piece starting at or after end. Pieces of one document never overlap and are sorted.
    first = np.searchsorted(offsets[:, 1], starts, side="right")
    last = np.searchsorted(offsets[:, 0], ends, side="left")
    count = np.maximum(last - first, 0)
    # Most words are one or two pieces: add the k-th piece of every word that has one, which
    # touches each piece once instead of a cumulative sum over the whole document in float64.
    out: FloatArray = np.zeros((n, dim), dtype=np.float32)
    for k in range(int(count.max())):
        rows = np.flatnonzero(count > k)
        out[rows] += vectors[first[rows] + k]
    out /= np.maximum(count, 1)[:, None].astype(np.float32)
    return out


@dataclass(frozen=True, slots=True)
class SpanHead:
    """Weights of the span head (see the module docstring for the architecture)."""

    params: dict[str, FloatArray]
    vocab: dict[str, int]
    cue_prob: dict[str, float]
    layer: int
    version: str

    def scores(self, vectors: FloatArray, feats: IntArray) -> FloatArray:
        """[n_words, len(BIO_TAGS)] log-probabilities (computed on one BLAS thread)."""
        with one_blas_thread():
            return self._scores(vectors, feats)

    def _scores(self, vectors: FloatArray, feats: IntArray) -> FloatArray:
        p = self.params
        x = vectors @ p["in_vec"]
        for k, name in enumerate(DISCRETE):
            x = x + p["emb_" + name][feats[:, k]]
        h = np.maximum(x + p["in_b"], 0.0)
        for d, dilation in enumerate(DILATIONS):
            w = p[f"conv{d}_w"]  # [3, hidden, hidden]: taps at -dilation, 0, +dilation
            shifted_back = np.zeros_like(h)
            shifted_fwd = np.zeros_like(h)
            if dilation < len(h):
                shifted_back[dilation:] = h[:-dilation]
                shifted_fwd[:-dilation] = h[dilation:]
            y = shifted_back @ w[0] + h @ w[1] + shifted_fwd @ w[2] + p[f"conv{d}_b"]
            h = h + np.maximum(y, 0.0)
        logits = h @ p["out_w"] + p["out_b"]
        logits = logits - logits.max(axis=1, keepdims=True)
        out: FloatArray = (logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))).astype(
            np.float32
        )
        return out

    def tag(self, vectors: FloatArray, feats: IntArray) -> list[str]:
        """Best BIO tag sequence under the constraint that I-X follows B-X or I-X."""
        if len(feats) == 0:
            return []
        path = viterbi(self.scores(vectors, feats), self.params["trans"])
        return [BIO_TAGS[k] for k in path]


def allowed_transitions(tags: tuple[str, ...] = BIO_TAGS) -> NDArray[np.bool_]:
    """[from, to] True where BIO allows the step (I-X only after B-X or I-X)."""
    n = len(tags)
    ok = np.ones((n, n), dtype=bool)
    for j, tag in enumerate(tags):
        if tag.startswith("I-"):
            for i, prev in enumerate(tags):
                ok[i, j] = prev[2:] == tag[2:]
    return ok


def viterbi(scores: FloatArray, trans: FloatArray, tags: tuple[str, ...] = BIO_TAGS) -> list[int]:
    """Best path through per-word `scores` [n, k] with transition scores `trans` [k, k].

    Forbidden BIO steps get -inf; the first word may not be an I- tag.
    """
    ok = allowed_transitions(tags)
    table = np.where(ok, trans, -np.inf)
    start_ok = np.array([not t.startswith("I-") for t in tags])
    n, k = scores.shape
    best = np.where(start_ok, scores[0], -np.inf)
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        cand = best[:, None] + table
        back[i] = cand.argmax(axis=0)
        best = cand.max(axis=0) + scores[i]
    path = [int(best.argmax())]
    for i in range(n - 1, 0, -1):
        path.append(int(back[i, path[-1]]))
    path.reverse()
    return path


def viterbi_batch(
    sequences: list[FloatArray], trans: FloatArray, tags: tuple[str, ...] = BIO_TAGS
) -> list[list[int]]:
    """`viterbi` of several independent sequences at once (one step per position, not per word).

    Sequences are padded to the longest; a finished sequence keeps its scores unchanged, so each
    path is the one `viterbi` finds for that sequence alone.
    """
    lengths = np.array([len(s) for s in sequences], dtype=np.int64)
    if len(sequences) == 0 or int(lengths.max()) == 0:
        return [[] for _ in sequences]
    k = len(tags)
    table = np.where(allowed_transitions(tags), trans, -np.inf)
    start_ok = np.array([not t.startswith("I-") for t in tags])
    longest = int(lengths.max())
    scores = np.zeros((len(sequences), longest, k), dtype=np.float32)
    for b, seq in enumerate(sequences):
        scores[b, : len(seq)] = seq
    best = np.where(start_ok, scores[:, 0], -np.inf)
    back = np.zeros((len(sequences), longest, k), dtype=np.int64)
    for i in range(1, longest):
        cand = best[:, :, None] + table[None]
        back[:, i] = cand.argmax(axis=1)
        step = cand.max(axis=1) + scores[:, i]
        best = np.where((i < lengths)[:, None], step, best)
    ends = best.argmax(axis=1).tolist()
    back_list = back.tolist()
    paths: list[list[int]] = []
    for b, n in enumerate(lengths.tolist()):
        if n == 0:
            paths.append([])
            continue
        path = [ends[b]]
        rows = back_list[b]
        for i in range(n - 1, 0, -1):
            path.append(rows[i][path[-1]])
        path.reverse()
        paths.append(path)
    return paths


def bio_segments(tags: list[str]) -> list[tuple[str, int, int]]:
    """`(role, first, last_exclusive)` runs of a BIO sequence (a stray I- opens a run)."""
    out: list[tuple[str, int, int]] = []
    role = ""
    start = 0
    for i, tag in enumerate([*tags, "O"]):
        continues = tag.startswith("I-") and tag[2:] == role
        if continues:
            continue
        if role:
            out.append((role, start, i))
        role, start = (tag[2:], i) if tag != "O" else ("", i)
    return out


def save_head(head: SpanHead, path: Path) -> None:
    """Write the head as a compressed npz (float16 weights, vocabulary as a word array)."""
    words = sorted(head.vocab, key=head.vocab.__getitem__)
    cue_words = sorted(head.cue_prob)
    arrays: dict[str, NDArray[np.generic]] = {
        "p_" + k: v.astype(np.float16) for k, v in sorted(head.params.items())
    }
    arrays["vocab"] = np.array(words, dtype=np.str_)
    arrays["cue_words"] = np.array(cue_words, dtype=np.str_)
    arrays["cue_probs"] = np.array([head.cue_prob[w] for w in cue_words], dtype=np.float32)
    arrays["meta"] = np.array([str(head.layer), head.version, ",".join(BIO_TAGS)], dtype=np.str_)
    with path.open("wb") as handle:
        np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]


def load_head_file(path: Path) -> SpanHead:
    """Read a head written by `save_head` (E305 when the tag set differs)."""
    with np.load(path, allow_pickle=False) as data:
        layer, version, tags = (str(x) for x in data["meta"])
        if tuple(tags.split(",")) != BIO_TAGS:
            raise NewsprismError(Code.HEAD_MISSING, str(path), "tag set differs from this version")
        params = {k[2:]: data[k].astype(np.float32) for k in data.files if k.startswith("p_")}
        vocab = {str(w): i for i, w in enumerate(data["vocab"])}
        cue_prob = {
            str(w): float(p) for w, p in zip(data["cue_words"], data["cue_probs"], strict=True)
        }
    return SpanHead(params, vocab, cue_prob, int(layer), version)


@lru_cache(maxsize=1)
def load_span_head() -> SpanHead:
    """The packaged head (E305 naming the training command when it is missing)."""
    return load_packaged_head(
        HEAD_FILE, "run `python -m newsprism.train.attributions`", load_head_file
    )
