"""The trained propaganda heads at inference: a BiLSTM tagger and an MLP classifier, no torch.

Weights are trained with torch (`newsprism.train.propaganda`) and saved as plain `.npz` arrays,
so running newsprism never imports torch: the classifier runs in numpy, the tagger's BiLSTM
members in ONNX Runtime (`tagger_onnx`, a graph built from the arrays) or, as the reference, in
numpy. Both heads read a scalar mix of the encoder's layers plus the surface features of
`features.py`, standardised with the training set's mean and scale.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from newsprism.errors import Code, NewsprismError
from newsprism.propaganda.features import SPAN_FEATURES

if TYPE_CHECKING:
    from newsprism.propaganda.tagger_onnx import OnnxTagger

Array = NDArray[np.float32]
IntArray = NDArray[np.intp]
HEADS_DIR = Path(__file__).resolve().parents[1] / "models" / "heads"
SI_FILE = "propaganda_si.npz"
TC_FILE = "propaganda_tc.npz"
TAGS = ("O", "B", "I")
MEMBER_SHARED_ARRAYS = ("mix", "mean", "scale")
"""Tagger arrays every member of one head shares (the same articles give the same inputs)."""
SHARED_ARRAYS = (*MEMBER_SHARED_ARRAYS, "start", "transitions")
"""SI head arrays with no member axis: the members' shared inputs, and the decoder's start and
transition scores, which belong to the head."""
# Most padded (step, sentence) cells one BiLSTM pass holds: 16k cells x 4 gates x 96 hidden x
# 4 bytes ~ 25 MB of gate inputs; a chunk of 16 news articles usually fits in one or two passes.
PADDED_CELLS = 16384
SIMILAR_LENGTH = 0.75
"""The ONNX path pads each group to its longest sentence and computes the padding: groups end
where lengths fall under 3/4 of the group's first (measured: 8 groups of 240 sentences of 5-60
tokens took 71 ms, 2 groups 95 ms, one 128 ms)."""


def _sigmoid(x: Array) -> Array:
    out: Array = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out


def _softmax(x: Array) -> Array:
    z = np.exp(x - x.max(axis=-1, keepdims=True))
    out: Array = z / z.sum(axis=-1, keepdims=True)
    return out


def _small_dot(a: Array, weight_t: Array) -> Array:
    """`a @ weight_t`, the per-step product of the recurrence (BLAS; one product per member
    when both carry a leading member axis).

    Run it under one BLAS thread (`newsprism.analyzers.blas.one_blas_thread`, as `detect_many`
    does): threaded OpenBLAS spends far longer syncing than computing on products this small
    (measured: (300 x 96) by (96 x 384) takes 0.23 ms on one thread, 10.8 ms threaded on 2
    cores, and 2.4 ms with einsum's own loop).
    """
    out: Array = a @ weight_t
    return out


def mix_layers(layers: Array, weights: Array) -> Array:
    """Weighted sum over the layer axis: (N, L, D) with (L,) -> (N, D).

    Summed one layer view at a time: a long article's stacked layers (1.2 GB for 1 MB of text)
    are never copied, where casting them to float32 first held a second copy at the peak.
    """
    out = np.zeros((layers.shape[0], layers.shape[2]), np.float32)
    for index, weight in enumerate(np.asarray(weights, np.float32)):
        out += weight * layers[:, index]
    return out


def _load(path: Path) -> tuple[dict[str, Array], dict[str, Any]]:
    """Arrays and the JSON metadata of one head file (E305 when it is missing)."""
    if not path.is_file():
        raise NewsprismError(Code.HEAD_MISSING, str(path), "train it: newsprism train propaganda")
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k].astype(np.float32) for k in data.files if k != "meta"}
        meta = json.loads(str(data["meta"]))
    return arrays, meta


def save_head(path: Path, arrays: dict[str, NDArray[Any]], meta: dict[str, Any]) -> None:
    """Write a head: float16 weights (halves the size; heads are tolerant) plus JSON metadata."""
    path.parent.mkdir(parents=True, exist_ok=True)
    packed: dict[str, Any] = {k: np.asarray(v, dtype=np.float16) for k, v in arrays.items()}
    packed["meta"] = np.array(json.dumps(meta, sort_keys=True))
    np.savez_compressed(path, **packed)


@dataclass(frozen=True)
class SpanTagger:
    """BIO tagger: a linear projection, a one-layer BiLSTM over each sentence, a linear output."""

    arrays: dict[str, Array]
    meta: dict[str, Any]

    @classmethod
    def load(cls, directory: Path = HEADS_DIR) -> SpanTagger:
        """The shipped (or given) SI head."""
        arrays, meta = _load(directory / SI_FILE)
        return cls(arrays, meta)

    @property
    def mix(self) -> Array:
        """Layer weights applied to the encoder's stacked layers."""
        return self.arrays["mix"]

    @property
    def members(self) -> int:
        """How many BiLSTM taggers the head holds (seeded members whose probabilities average)."""
        weights = self.arrays.get("proj_w")
        return 1 if weights is None or weights.ndim == 2 else int(weights.shape[0])

    def _stacked(self, name: str) -> Array:
        """`name` with a leading member axis (a one-member head's arrays have none)."""
        value = self.arrays[name]
        return value if self.members > 1 else value[None]

    def _gates(self, x: Array, prefix: str) -> tuple[Array, Array]:
        """(K, N, 4H) input projections of every token per member, and the (K, H, 4H) transposed
        recurrent weights.

        Both are pre-scaled by 0.5 on the i, f, o gates so one tanh serves every gate:
        sigmoid(z) = (1 + tanh(z / 2)) / 2. Halving is exact in binary floating point.
        """
        w_ih, w_hh = self._stacked(prefix + "w_ih"), self._stacked(prefix + "w_hh")
        hidden = w_hh.shape[2]
        half = np.ones((4 * hidden, 1), np.float32)
        half[: 2 * hidden] = half[3 * hidden :] = 0.5
        bias = self._stacked(prefix + "b") * half[:, 0]
        proj: Array = np.matmul(x, np.swapaxes(w_ih * half, 1, 2)) + bias[:, None, :]
        return proj, np.ascontiguousarray(np.swapaxes(w_hh * half, 1, 2))

    @staticmethod
    def _lstm(
        proj: Array, w_hh_t: Array, starts: IntArray, lengths: IntArray, reverse: bool
    ) -> tuple[IntArray, Array]:
        """One LSTM direction (torch's gate order i, f, g, o) over sequences sorted longest first,
        for every member at once (one Python loop over the steps; the products stay one per
        member, so each member still costs about one BiLSTM pass).

        Returns the token indices and their (K, tokens, H) hidden states. Sorting makes the
        sequences still running at each step a prefix of the rows, so a step works on contiguous
        slices.
        """
        members, hidden = w_hh_t.shape[0], w_hh_t.shape[1]
        steps = np.arange(int(lengths[0]))
        alive = (lengths[None, :] > steps[:, None]).sum(axis=1)
        # (T, B) token read at each step; padding cells point at a real token and are never used.
        offset = np.minimum(steps[:, None], lengths[None, :] - 1)
        index = starts[None, :] + (lengths[None, :] - 1 - offset if reverse else offset)
        inputs = proj[:, index]
        batch = len(starts)
        h = np.zeros((members, batch, hidden), dtype=np.float32)
        c = np.zeros((members, batch, hidden), dtype=np.float32)
        out = np.zeros((members, len(steps), batch, hidden), dtype=np.float32)
        for step in steps:
            k = int(alive[step])
            t = np.tanh(inputs[:, step, :k] + _small_dot(h[:, :k], w_hh_t))
            i, f = t[..., :hidden], t[..., hidden : 2 * hidden]
            g, o = t[..., 2 * hidden : 3 * hidden], t[..., 3 * hidden :]
            c_new = 0.5 * (1.0 + f) * c[:, :k] + 0.5 * (1.0 + i) * g
            h_new = 0.5 * (1.0 + o) * np.tanh(c_new)
            c[:, :k], h[:, :k] = c_new, h_new
            out[:, step, :k] = h_new
        mask = np.arange(batch)[None, :] < alive[:, None]
        return index[mask], out[:, mask]

    @functools.cached_property
    def _onnx(self) -> OnnxTagger:
        """The BiLSTM members as one ONNX Runtime session (built on first use, once per head)."""
        from newsprism.propaganda.tagger_onnx import OnnxTagger

        return OnnxTagger(self.arrays, self.members, self.document_columns)

    @property
    def document_columns(self) -> int:
        """How many trailing input columns are the document vector (0 without `doc_context`):
        the inputs are the layer vectors (one mix, or `layer_concat` side by side), the surface
        features, then one more vector of the layers' width."""
        if not self.meta.get("doc_context"):
            return 0
        features = len(self.meta.get("token_features", []))
        vectors = len(self.meta.get("layers", [])) if self.meta.get("layer_concat") else 1
        return (len(self.arrays["mean"]) - features) // (vectors + 1)

    @property
    def sequence_tokens(self) -> list[int]:
        """Per member, the most tokens of consecutive sentences its BiLSTM reads as one sequence
        (0: one sentence at a time, as every member before `chunk_members` did)."""
        value = self.meta.get("sequence_tokens")
        return [int(v) for v in value] if value else [0] * self.members

    @functools.cached_property
    def _member_groups(self) -> list[tuple[int, int, SpanTagger]] | None:
        """(sequence tokens, member count, a head of just those members) for each way the head's
        members cut a document into sequences; None when every member reads single sentences."""
        tokens = self.sequence_tokens
        if not any(tokens):
            return None
        groups = []
        for value in sorted(set(tokens)):
            chosen = [k for k, t in enumerate(tokens) if t == value]
            arrays = {
                name: array if name in SHARED_ARRAYS or self.members == 1 else array[chosen]
                for name, array in self.arrays.items()
            }
            if len(chosen) == 1 and self.members > 1:
                arrays = {
                    name: array if name in SHARED_ARRAYS else array[0]
                    for name, array in arrays.items()
                }
            meta = {k: v for k, v in self.meta.items() if k != "sequence_tokens"}
            groups.append((value, len(chosen), SpanTagger(arrays, meta)))
        return groups

    def tag_probs(self, inputs: Array, sentence: NDArray[np.int64], engine: str = "onnx") -> Array:
        """(N, 3) probabilities of O, B, I for every token; `inputs` (N, D) in token order.

        Each run of equal `sentence` values is one sequence for the BiLSTM (a member trained on
        longer sequences reads runs of consecutive sentences: `sequence_tokens`). A head with
        several members averages their probabilities. `engine`: "onnx" runs the recurrence in
        ONNX Runtime's LSTM kernel (about twice as fast), "numpy" in numpy; they agree to about
        2e-7.
        """
        n = len(inputs)
        if n == 0:
            return np.zeros((0, 3), dtype=np.float32)
        member_groups = self._member_groups
        if member_groups is not None:
            return self._grouped_probs(
                inputs, [sequence_ids(sentence, tokens) for tokens, _, _ in member_groups], engine
            )
        if "fw_w_ih" in self.arrays and engine == "onnx":
            return self._onnx_probs(inputs, sentence)
        x = (inputs - self.arrays["mean"]) / self.arrays["scale"]
        if "fw_w_ih" not in self.arrays:
            # A linear tagger (no BiLSTM): the fine-tuned encoder carries the context itself.
            return _softmax(np.asarray(x @ self.arrays["out_w"].T + self.arrays["out_b"]))
        proj_w = self._stacked("proj_w")
        x = np.asarray(
            np.matmul(x, np.swapaxes(proj_w, 1, 2)) + self._stacked("proj_b")[:, None, :],
            np.float32,
        )
        # Longest first, so the sequences still running at each step form a prefix of the rows.
        starts, lengths = runs_longest_first(sentence)
        # Groups of sentences whose padded (members x steps x rows) grid stays under
        # PADDED_CELLS, so one very long sentence cannot make the padded arrays of a batch explode.
        groups = padded_groups(lengths, max(1, PADDED_CELLS // self.members))
        hidden = []
        for prefix, reverse in (("fw_", False), ("bw_", True)):
            proj, w_hh_t = self._gates(x, prefix)
            states = np.zeros((len(proj), n, w_hh_t.shape[1]), dtype=np.float32)
            for a, b in groups:
                index, values = self._lstm(proj, w_hh_t, starts[a:b], lengths[a:b], reverse)
                states[:, index] = values
            hidden.append(states)
        out_w = self._stacked("out_w")
        logits = np.matmul(np.concatenate(hidden, axis=2), np.swapaxes(out_w, 1, 2))
        probs: Array = _softmax(logits + self._stacked("out_b")[:, None, :]).mean(axis=0)
        return probs

    def _onnx_probs(self, inputs: Array, sentence: NDArray[np.int64]) -> Array:
        """`tag_probs` through the ONNX graph: sequences longest first, padded time-major in
        groups of similar lengths (padding is computed too, so a group ends where its lengths
        fall under `SIMILAR_LENGTH` of its first, or its grid reaches `PADDED_CELLS`)."""
        starts, lengths = runs_longest_first(sentence)
        probs = np.zeros((len(inputs), 3), dtype=np.float32)
        inputs = np.asarray(inputs, np.float32)
        for a, b in padded_groups(lengths, PADDED_CELLS, SIMILAR_LENGTH):
            steps = np.arange(int(lengths[a]))
            # (T, B) token read at each step; padding cells repeat a real token, never used.
            index = starts[None, a:b] + np.minimum(steps[:, None], lengths[None, a:b] - 1)
            out = self._onnx.run(inputs, index, lengths[a:b])
            real = steps[:, None] < lengths[None, a:b]
            probs[index[real]] = out[real]
        return probs

    def tag_probs_many(
        self, inputs: Sequence[Array], sentences: Sequence[NDArray[np.int64]]
    ) -> list[Array]:
        """`tag_probs` of each document, computed in one BiLSTM pass over all their sentences.

        The recurrence loops over the longest sentence's steps once for the whole batch instead
        of once per document; each document's result is what `tag_probs` gives it alone.
        """
        sizes = [len(x) for x in inputs]
        if sum(sizes) == 0:
            return [np.zeros((0, 3), dtype=np.float32) for _ in sizes]
        # One document (a long one alone in its chunk) is not copied into a joined array.
        joined = inputs[0] if len(inputs) == 1 else np.concatenate(list(inputs))
        groups = self._member_groups
        if groups is None:
            probs = self.tag_probs(joined, sentence_runs(sentences))
        else:
            # Sequences are cut document by document: a run of sentences never spans two.
            probs = self._grouped_probs(
                joined,
                [
                    sentence_runs([sequence_ids(s, tokens) for s in sentences])
                    for tokens, _, _ in groups
                ],
                "onnx",
            )
        return np.split(probs, np.cumsum(sizes)[:-1])

    def _grouped_probs(
        self, inputs: Array, sequences: Sequence[NDArray[np.int64]], engine: str
    ) -> Array:
        """The members' mean probability when member groups cut the tokens into sequences of
        their own (`sequences[g]` the sequence ids of group g)."""
        groups = self._member_groups or []
        total = np.zeros((len(inputs), 3), dtype=np.float32)
        for (_, count, head), ids in zip(groups, sequences, strict=True):
            total += count * head.tag_probs(inputs, ids, engine)
        out: Array = (total / np.float32(self.members)).astype(np.float32)
        return out


def sequence_ids(sentence: NDArray[np.int64], max_tokens: int) -> NDArray[np.int64]:
    """Sequence id of every token when consecutive sentences are read together, up to
    `max_tokens` tokens a sequence (a longer sentence is a sequence of its own); with 0, the
    sentence ids themselves."""
    sentence = np.asarray(sentence, dtype=np.int64)
    if max_tokens <= 0 or len(sentence) == 0:
        return sentence
    starts = np.r_[0, np.flatnonzero(np.diff(sentence)) + 1]
    ends = np.r_[starts[1:], len(sentence)]
    out = np.empty(len(sentence), dtype=np.int64)
    current, size = 0, 0
    for start, end in zip(starts, ends, strict=True):
        if size and size + (end - start) > max_tokens:
            current, size = current + 1, 0
        out[start:end] = current
        size += end - start
    return out


def runs_longest_first(sentence: NDArray[np.int64]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Start and length of every run of equal `sentence` ids (one sentence each: tokens of a
    sentence are contiguous), longest first, runs of one length in text order."""
    starts = np.r_[0, np.flatnonzero(np.diff(sentence)) + 1].astype(np.intp)
    lengths = np.diff(np.r_[starts, len(sentence)]).astype(np.intp)
    order = np.argsort(-lengths, kind="stable")
    return starts[order], lengths[order]


def padded_groups(
    lengths: NDArray[np.intp], cells: int, similar: float = 0.0
) -> list[tuple[int, int]]:
    """[first, stop) row ranges of `lengths` (sorted longest first) whose padded grid, rows x
    the range's first length, stays under `cells` (one row at least): one very long sentence
    then costs its own pass instead of padding every sentence of a batch to its length. With
    `similar`, a range also ends before a length under `similar` times its first length."""
    groups: list[tuple[int, int]] = []
    first = 0
    for row in range(1, len(lengths) + 1):
        if (
            row == len(lengths)
            or (row - first + 1) * int(lengths[first]) > cells
            or int(lengths[row]) < similar * int(lengths[first])
        ):
            groups.append((first, row))
            first = row
    return groups


def sentence_runs(sentences: Sequence[NDArray[np.int64]]) -> NDArray[np.int64]:
    """The documents' sentence ids, concatenated and renumbered 0, 1, 2, ... by run, so that
    no run continues across a document boundary (a batch decodes each sentence on its own)."""
    runs: list[NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
    base = 0
    for sent in sentences:
        if len(sent):
            local = np.concatenate([[0], np.cumsum(np.diff(sent) != 0)])
            runs.append(local + base)
            base += int(local[-1]) + 1
    return np.concatenate(runs).astype(np.int64)


@dataclass(frozen=True)
class SpanClassifier:
    """Technique classifier: a one-hidden-layer MLP over pooled span and context features."""

    arrays: dict[str, Array]
    meta: dict[str, Any]

    @classmethod
    def load(cls, directory: Path = HEADS_DIR) -> SpanClassifier:
        """The shipped (or given) TC head (E305 when it reads other span features than these)."""
        path = directory / TC_FILE
        arrays, meta = _load(path)
        if tuple(meta.get("span_features", ())) != SPAN_FEATURES:
            raise NewsprismError(
                Code.HEAD_MISSING,
                str(path),
                "it was trained on other span features; retrain it: newsprism train propaganda",
            )
        return cls(arrays, meta)

    @property
    def techniques(self) -> tuple[str, ...]:
        """Class names in output order."""
        return tuple(self.meta["techniques"])

    @property
    def mix(self) -> Array:
        """Layer weights applied to the encoder's stacked layers."""
        return self.arrays["mix"]

    def probs(self, inputs: Array) -> Array:
        """(M, C) technique probabilities for M spans (`inputs` from `pool_spans`)."""
        if len(inputs) == 0:
            return np.zeros((0, len(self.techniques)), dtype=np.float32)
        x = (inputs - self.arrays["mean"]) / self.arrays["scale"]
        hidden = np.maximum(0.0, x @ self.arrays["w1"].T + self.arrays["b1"])
        logits = hidden @ self.arrays["w2"].T + self.arrays["b2"]
        return _softmax(logits)

    def decide(self, probs: Array) -> NDArray[np.int64]:
        """Class index per span, after per-technique log-offsets when the head carries them
        (trained with `tune_offsets`; the shipped head has none: they overfit its validation)."""
        offsets = self.arrays.get("offsets")
        scores = np.log(probs + 1e-9)
        if offsets is not None:
            scores = scores + offsets
        return np.asarray(scores.argmax(axis=1), dtype=np.int64)
