"""The shared encoder pass: MiniLM token and sentence vectors for every sentence, in one batch.

`Encoder` runs the ONNX export of all-MiniLM-L6-v2 (`newsprism.models.minilm`) with ONNX Runtime
on the CPU; `get_encoder` keeps one per process. The `encoder.v1` analyzer encodes every sentence
of every document of a pipeline batch in one length-sorted pass and leaves a `DocEncoding` in
`item.features["encoder"]` for the heads that follow. onnxruntime and tokenizers are imported
inside functions, so `import newsprism` stays light.
"""

from __future__ import annotations

import math
import os
import re
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from newsprism.config import Config, EncoderOptions
from newsprism.errors import Code, NewsprismError, missing_extra
from newsprism.models.minilm import MODEL_VERSION, ONNX_FILE, TOKENIZER_FILE, prepare
from newsprism.registry import Analyzer, Item, register

HIDDEN = 384
"""Width of MiniLM-L6's vectors."""

NUM_LAYERS = 6
"""Transformer layers; `hidden_0` is the embedding output, `hidden_6` the last layer."""

MAX_POSITIONS = 512
"""Position embeddings in the checkpoint: no sequence (with [CLS] and [SEP]) may be longer."""

CLS_ID, SEP_ID, PAD_ID = 101, 102, 0
"""Special token ids of the uncased BERT vocabulary (checked against the tokenizer on load)."""

Overflow = Literal["truncate", "window"]

FloatArray = NDArray[np.float32]
IntArray = NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class EncodedText:
    """Vectors of one text; tokens exclude [CLS] and [SEP].

    `token_vectors` is [len(layers), n_tokens, 384]; `vectors(layer)` picks one layer.
    `sentence_vector` is the L2-normalised mean-pooled embedding (all-MiniLM-L6-v2's own).
    """

    token_offsets: IntArray
    """[n_tokens, 2] start and end character offsets into the text."""
    token_ids: IntArray
    token_vectors: FloatArray
    sentence_vector: FloatArray
    layers: tuple[int, ...]
    windows: int
    """How many model windows the text took (1 unless it was longer than max_tokens)."""
    truncated: bool
    """True when tokens past max_tokens were dropped (overflow="truncate")."""

    def vectors(self, layer: int | None = None) -> FloatArray:
        """[n_tokens, 384] token vectors of `layer` (default: the last requested layer)."""
        vectors: FloatArray = self.token_vectors[_layer_index(self.layers, layer)]
        return vectors


def _layer_index(layers: tuple[int, ...], layer: int | None) -> int:
    if layer is None:
        return len(layers) - 1
    try:
        return layers.index(layer)
    except ValueError:
        raise KeyError(f"layer {layer} was not encoded (encoded: {layers})") from None


def _check_layers(layers: Sequence[int], where: str) -> tuple[int, ...]:
    """Layers as a tuple, refusing (E501) anything outside 0..6."""
    out = tuple(layers)
    if not out or any(isinstance(k, bool) or not isinstance(k, int) for k in out):
        raise NewsprismError(Code.BAD_CONFIG, where, f"layers must be integers, got {out!r}")
    bad = [k for k in out if not 0 <= k <= NUM_LAYERS]
    if bad:
        raise NewsprismError(Code.BAD_CONFIG, where, f"layers must lie in 0..{NUM_LAYERS}: {bad}")
    return out


def token_windows(n_tokens: int, capacity: int, overflow: Overflow) -> list[tuple[int, int]]:
    """Token ranges, each at most `capacity` long, that one text is encoded in.

    "window" splits into the fewest balanced windows (so every character keeps a vector);
    "truncate" keeps the first `capacity` tokens, as sentence-transformers does.
    """
    if n_tokens <= capacity:
        return [(0, n_tokens)]
    if overflow == "truncate":
        return [(0, capacity)]
    count = math.ceil(n_tokens / capacity)
    bounds = [round(i * n_tokens / count) for i in range(count + 1)]
    return list(pairwise(bounds))


class Encoder:
    """ONNX Runtime session and tokenizer for the exported MiniLM encoder."""

    def __init__(self, folder: Path, options: EncoderOptions) -> None:
        try:
            import onnxruntime as ort
        except ImportError:
            raise missing_extra("onnxruntime", "ml") from None
        try:
            from tokenizers import Tokenizer
        except ImportError:
            raise missing_extra("tokenizers", "ml") from None
        if not 3 <= options.max_tokens <= MAX_POSITIONS:
            raise NewsprismError(
                Code.BAD_CONFIG,
                "encoder.max_tokens",
                f"must lie in 3..{MAX_POSITIONS}, got {options.max_tokens}",
            )
        if options.batch_size < 1 or options.threads < 0:
            raise NewsprismError(
                Code.BAD_CONFIG, "encoder", "batch_size must be >= 1 and threads >= 0"
            )
        self.options = options
        self.folder = folder
        self.tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        # Padding and truncation are done here (per length-sorted batch, and by windows), not
        # by the tokenizer.json defaults (fixed padding to 128).
        self.tokenizer.no_padding()
        self.tokenizer.no_truncation()
        for token, expected in (("[CLS]", CLS_ID), ("[SEP]", SEP_ID), ("[PAD]", PAD_ID)):
            if self.tokenizer.token_to_id(token) != expected:
                raise NewsprismError(
                    Code.MODEL_HASH_MISMATCH, str(folder / TOKENIZER_FILE), f"{token} id differs"
                )
        session_options = ort.SessionOptions()
        session_options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session_options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        session_options.intra_op_num_threads = options.threads
        # One graph branch at a time: the work is in large MatMuls that intra-op threads share.
        session_options.inter_op_num_threads = 1
        # No busy-waiting between ops: with batch workers or other jobs on the same cores,
        # spinning threads steal the cores the work needs (measured with the machine loaded:
        # 1.47 s per 32x40 batch spinning, 1.09 s not).
        session_options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self.session = ort.InferenceSession(
                str(folder / ONNX_FILE), session_options, providers=["CPUExecutionProvider"]
            )
        except Exception as error:  # onnxruntime raises its own untyped errors on a bad file
            raise NewsprismError(
                Code.MODEL_NOT_PREPARED,
                str(folder / ONNX_FILE),
                f"onnxruntime cannot load it ({error}); run `newsprism models prepare --force`",
            ) from None

    def encode(
        self,
        texts: Sequence[str],
        layers: Sequence[int] = (NUM_LAYERS,),
        overflow: Overflow = "truncate",
    ) -> list[EncodedText]:
        """Token and sentence vectors of each text, in the order given.

        Texts are sorted by token count and run in batches of `batch_size`, each padded to its
        longest member. A text longer than `max_tokens` (with [CLS] and [SEP]) is cut
        (`overflow="truncate"`) or split into balanced windows run separately
        (`overflow="window"`), whose token vectors are concatenated and whose sentence
        vectors are averaged, weighted by token count, and re-normalised.
        """
        layer_tuple = _check_layers(layers, "layers")
        if not texts:
            return []
        encodings = self.tokenizer.encode_batch(
            [_encodable(text) for text in texts], add_special_tokens=False
        )
        capacity = self.options.max_tokens - 2
        ids_per_text = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
        spans_per_text = [token_windows(len(ids), capacity, overflow) for ids in ids_per_text]
        # One entry per model sequence: (text index, window index, token start, token end).
        jobs = [
            (t, w, a, b) for t, spans in enumerate(spans_per_text) for w, (a, b) in enumerate(spans)
        ]
        # Every text's token vectors live side by side in one buffer, filled per window as the
        # length-sorted batches come back: one allocation instead of one per sentence (freed
        # small arrays stay in the allocator's heap, which had doubled a long article's RSS),
        # and a document's sentences are one slice of it (`build_doc_encoding` takes a view).
        kept_per_text = [spans[-1][1] for spans in spans_per_text]
        base = np.concatenate([[0], np.cumsum(kept_per_text)]).astype(np.int64)
        buffer = np.empty((len(layer_tuple), int(base[-1]), HIDDEN), np.float32)
        empty = np.empty((0,), np.float32)
        sentence_out = [[(0, empty)] * len(spans) for spans in spans_per_text]
        outputs = [f"hidden_{k}" for k in layer_tuple] + ["sentence_embedding"]
        order = sorted(range(len(jobs)), key=lambda j: jobs[j][3] - jobs[j][2])
        size = self.options.batch_size
        for first in range(0, len(order), size):
            batch = [jobs[j] for j in order[first : first + size]]
            width = max(b - a for _, _, a, b in batch) + 2
            input_ids = np.full((len(batch), width), PAD_ID, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (t, _, a, b) in enumerate(batch):
                n = b - a
                input_ids[row, 0] = CLS_ID
                input_ids[row, 1 : n + 1] = ids_per_text[t][a:b]
                input_ids[row, n + 1] = SEP_ID
                mask[row, : n + 2] = 1
            *hidden, pooled = self.session.run(
                outputs, {"input_ids": input_ids, "attention_mask": mask}
            )
            for row, (t, w, a, b) in enumerate(batch):
                for index, layer in enumerate(hidden):
                    buffer[index, base[t] + a : base[t] + b] = layer[row, 1 : b - a + 1]
                sentence_out[t][w] = (b - a, pooled[row])
        results = []
        for t, encoding in enumerate(encodings):
            spans = spans_per_text[t]
            kept = kept_per_text[t]
            offsets = np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2)[:kept]
            results.append(
                EncodedText(
                    token_offsets=offsets,
                    token_ids=ids_per_text[t][:kept],
                    token_vectors=buffer[:, base[t] : base[t + 1]],
                    sentence_vector=_pool_windows(sentence_out[t]),
                    layers=layer_tuple,
                    windows=len(spans),
                    truncated=kept < len(ids_per_text[t]),
                )
            )
        return results


_SURROGATE = re.compile("[\ud800-\udfff]")


def _encodable(text: str) -> str:
    """`text` with lone surrogates (which JSON input may carry) replaced one-for-one by U+FFFD.

    The Rust tokenizer refuses strings that are not valid Unicode; a same-length replacement
    keeps every offset valid for the original text.
    """
    if text.isascii():
        return text
    return _SURROGATE.sub("\ufffd", text)


def _pool_windows(parts: list[tuple[int, FloatArray]]) -> FloatArray:
    """One unit vector from the windows' unit vectors, weighted by their token counts."""
    if len(parts) == 1:
        return np.asarray(parts[0][1], dtype=np.float32)
    total = np.zeros(HIDDEN, dtype=np.float64)
    for count, vector in parts:
        total += max(count, 1) * vector.astype(np.float64)
    norm = max(float(np.linalg.norm(total)), 1e-12)
    return (total / norm).astype(np.float32)


_ENCODERS: dict[tuple[int, EncoderOptions], Encoder] = {}
_LOCK = threading.Lock()


def _log_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def get_encoder(config: Config) -> Encoder:
    """The process's encoder for these options, created (and exported, once) on first use.

    Keyed by process id too: an onnxruntime session does not survive `fork`, so a worker
    forked from a parent that already held one builds its own.
    """
    key = (os.getpid(), config.encoder)
    with _LOCK:
        encoder = _ENCODERS.get(key)
        if encoder is None:
            encoder = Encoder(prepare(log=_log_stderr), config.encoder)
            _ENCODERS[key] = encoder
        return encoder


@dataclass(frozen=True, slots=True)
class SentenceEncoding:
    """One sentence's vectors; offsets are DOCUMENT character offsets."""

    span: tuple[int, int]
    span_id: str
    token_offsets: IntArray
    """[n_tokens, 2] (views into the document arrays)."""
    token_vectors: FloatArray
    """[n_layers, n_tokens, 384]."""
    sentence_vector: FloatArray
    windows: int


@dataclass(frozen=True, slots=True)
class DocEncoding:
    """Every sentence of a document, and the same vectors as document-wide arrays."""

    layers: tuple[int, ...]
    sentences: tuple[SentenceEncoding, ...]
    sentence_spans: IntArray
    """[n_sentences, 2] document offsets, in document order."""
    sentence_vectors: FloatArray
    """[n_sentences, 384] unit vectors."""
    token_offsets: IntArray
    """[n_tokens, 2] document offsets of every token, in document order."""
    token_vectors: FloatArray
    """[n_layers, n_tokens, 384]."""
    token_sentence: IntArray
    """[n_tokens] index into `sentences` of each token's sentence."""
    model_version: str = MODEL_VERSION

    def vectors(self, layer: int | None = None) -> FloatArray:
        """[n_tokens, 384] token vectors of `layer` (default: the last encoded layer)."""
        vectors: FloatArray = self.token_vectors[_layer_index(self.layers, layer)]
        return vectors


def build_doc_encoding(
    spans: Sequence[tuple[int, int, str]], encoded: Sequence[EncodedText], layers: tuple[int, ...]
) -> DocEncoding:
    """Assemble one document's encoding from its sentence spans and their encoded texts.

    The document's token vectors are a view of the encoder's buffer when its sentences lie side
    by side there, as `Encoder.encode` leaves them; otherwise they are concatenated.
    """
    n_layers = len(layers)
    if not spans:
        return DocEncoding(
            layers=layers,
            sentences=(),
            sentence_spans=np.zeros((0, 2), np.int64),
            sentence_vectors=np.zeros((0, HIDDEN), np.float32),
            token_offsets=np.zeros((0, 2), np.int64),
            token_vectors=np.zeros((n_layers, 0, HIDDEN), np.float32),
            token_sentence=np.zeros((0,), np.int64),
        )
    offsets = np.concatenate(
        [e.token_offsets + start for (start, _, _), e in zip(spans, encoded, strict=True)]
    )
    counts = [len(e.token_ids) for e in encoded]
    owner = np.repeat(np.arange(len(spans), dtype=np.int64), counts)
    bounds = np.concatenate([[0], np.cumsum(counts)])
    vectors = _adjacent_view([e.token_vectors for e in encoded])
    if vectors is None:
        vectors = np.concatenate([e.token_vectors for e in encoded], axis=1)
    sentences = tuple(
        SentenceEncoding(
            span=(start, end),
            span_id=span_id,
            token_offsets=offsets[bounds[i] : bounds[i + 1]],
            token_vectors=vectors[:, bounds[i] : bounds[i + 1]],
            sentence_vector=e.sentence_vector,
            windows=e.windows,
        )
        for i, ((start, end, span_id), e) in enumerate(zip(spans, encoded, strict=True))
    )
    return DocEncoding(
        layers=layers,
        sentences=sentences,
        sentence_spans=np.asarray([(s, e) for s, e, _ in spans], dtype=np.int64),
        sentence_vectors=np.stack([e.sentence_vector for e in encoded]),
        token_offsets=offsets,
        token_vectors=vectors,
        token_sentence=owner,
    )


def _adjacent_view(parts: Sequence[FloatArray]) -> FloatArray | None:
    """The one slice of a shared [layers, tokens, 384] buffer that `parts` (its consecutive
    token slices, in order) make up together; None when they are not such slices."""
    owner = parts[0].base if parts else None
    if not isinstance(owner, np.ndarray) or owner.ndim != 3 or not owner.flags.c_contiguous:
        return None
    row_bytes = owner.strides[1]
    origin = owner.__array_interface__["data"][0]
    first = (parts[0].__array_interface__["data"][0] - origin) // row_bytes
    position = first
    for part in parts:
        start = (part.__array_interface__["data"][0] - origin) // row_bytes
        if part.base is not owner or part.shape[0] != owner.shape[0] or start != position:
            return None
        position += part.shape[1]
    return owner[:, first:position]


@register
class EncoderAnalyzer(Analyzer):
    """Encodes every sentence of a batch in one pass; stores a `DocEncoding` per document."""

    name = "encoder.v1"
    requires = ("sentences",)
    produces = ("feature:encoder",)
    model_version = MODEL_VERSION

    def process(self, items: list[Item]) -> list[Item]:
        """Encode all sentences of all items together (full, length-sorted batches)."""
        layers = _check_layers(self.config.encoder.layers, "encoder.layers")
        per_item: list[list[tuple[int, int, str]]] = []
        texts: list[str] = []
        for item in items:
            spans = sorted(
                (s for s in item.doc.layer("sentences") if s.label == "sentence"),
                key=lambda s: (s.start, s.end),
            )
            per_item.append([(s.start, s.end, s.id) for s in spans])
            texts.extend(item.doc.text[s.start : s.end] for s in spans)
        encoded = get_encoder(self.config).encode(texts, layers, overflow="window") if texts else []
        position = 0
        for item, doc_spans in zip(items, per_item, strict=True):
            mine = encoded[position : position + len(doc_spans)]
            position += len(doc_spans)
            item.features["encoder"] = build_doc_encoding(doc_spans, mine, layers)
        return items


def encoder_feature(features: dict[str, Any]) -> DocEncoding:
    """The `DocEncoding` an `encoder.v1` run left in an item's features (E201 when absent)."""
    value = features.get("encoder")
    if not isinstance(value, DocEncoding):
        raise NewsprismError(
            Code.PIPELINE_ORDER, "feature:encoder", "run encoder.v1 before this analyzer"
        )
    return value
