"""Run documents through sections, sentences and the shared encoder, and cache the result.

The propaganda heads mix several encoder layers (`HEAD_LAYERS`); the `encoder.v1` analyzer
encodes the layers `config.encoder.layers` names, so this module asks for those layers when it
builds its own pipeline (training, evaluation, `propaganda detect`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from newsprism.config import Config
from newsprism.document import Document
from newsprism.propaganda.infer import EncodedArticle

HEAD_LAYERS = (2, 4, 6)
"""Encoder layers the heads mix: a low, a middle and the last layer (see the training report)."""

PIPELINE = ("sections.v1", "sentences.v1", "encoder.v1")


def config_with_layers(config: Config, layers: Sequence[int] = HEAD_LAYERS) -> Config:
    """`config` whose encoder also emits `layers` (kept sorted, without duplicates)."""
    wanted = tuple(sorted(set(config.encoder.layers) | set(layers)))
    if wanted == tuple(config.encoder.layers):
        return config
    encoder = dataclasses.replace(config.encoder, layers=wanted)
    return dataclasses.replace(config, encoder=encoder)


def article_from_encoding(text: str, encoding: object) -> EncodedArticle:
    """An `EncodedArticle` from an `encoder.v1` `DocEncoding` (document offsets, layer-first)."""
    from newsprism.analyzers.encoder import DocEncoding

    assert isinstance(encoding, DocEncoding)
    return EncodedArticle(
        text=text,
        offsets=encoding.token_offsets,
        sentence=encoding.token_sentence,
        sentence_spans=encoding.sentence_spans,
        sentence_vectors=encoding.sentence_vectors,
        layers=np.transpose(encoding.token_vectors, (1, 0, 2)),
        layer_ids=tuple(encoding.layers),
    )


def encode_documents(
    docs: Sequence[Document],
    config: Config,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 16,
) -> list[EncodedArticle]:
    """Encode documents with the project's own pipeline (so training sees what inference sees)."""
    from newsprism.pipeline import build_pipeline
    from newsprism.registry import Item

    pipeline = build_pipeline(config_with_layers(config), names=list(PIPELINE))
    out: list[EncodedArticle] = []
    for first in range(0, len(docs), batch_size):
        items = pipeline.run_items([Item(d) for d in docs[first : first + batch_size]])
        for item in items:
            out.append(article_from_encoding(item.doc.text, item.features["encoder"]))
        if progress is not None:
            progress(len(out))
    return out


def _cache_key(config: Config, doc: Document) -> str:
    """Changes when the text, the encoder's options or the layers change."""
    from newsprism.models.minilm import MODEL_VERSION

    digest = hashlib.sha256()
    digest.update(doc.text.encode("utf-8", "surrogatepass"))
    digest.update(repr((MODEL_VERSION, config_with_layers(config).encoder)).encode())
    return digest.hexdigest()[:20]


def encode_cached(
    docs: Sequence[Document],
    config: Config,
    cache_dir: Path | None,
    progress: Callable[[int], None] | None = None,
) -> list[EncodedArticle]:
    """`encode_documents`, reading and writing `.npz` files under `cache_dir` when given."""
    if cache_dir is None:
        return encode_documents(docs, config, progress)
    cache_dir.mkdir(parents=True, exist_ok=True)
    keys = [_cache_key(config, d) for d in docs]
    missing = [i for i, k in enumerate(keys) if not (cache_dir / f"{k}.npz").is_file()]
    fresh = encode_documents([docs[i] for i in missing], config, progress)
    for i, article in zip(missing, fresh, strict=True):
        np.savez(
            cache_dir / f"{keys[i]}.npz",
            offsets=article.offsets,
            sentence=article.sentence,
            sentence_spans=article.sentence_spans,
            sentence_vectors=article.sentence_vectors,
            layers=article.layers.astype(np.float16),
            layer_ids=np.asarray(article.layer_ids),
        )
    out = []
    for doc, key in zip(docs, keys, strict=True):
        with np.load(cache_dir / f"{key}.npz") as data:
            out.append(
                EncodedArticle(
                    text=doc.text,
                    offsets=data["offsets"],
                    sentence=data["sentence"],
                    sentence_spans=data["sentence_spans"],
                    sentence_vectors=data["sentence_vectors"],
                    layers=data["layers"],
                    layer_ids=tuple(int(k) for k in data["layer_ids"]),
                )
            )
    return out
