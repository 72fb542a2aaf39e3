"""Document vectors for story clustering, cached in the store's `doc_vectors` table.

A document's vector is the shared encoder's sentence vector of its lead (title + first body
sentences), L2-normalised. It is stored with the document's content hash and the model and lead
settings, so a re-run encodes only documents that are new or changed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from newsprism.config import Config
from newsprism.corpus.articles import Article
from newsprism.corpus.store import Store

FloatMatrix = NDArray[np.float32]
DIM = 384


def vector_model(config: Config) -> str:
    """What a cached vector was made with: encoder model version and lead length."""
    from newsprism.models.minilm import MODEL_VERSION

    return f"minilm-{MODEL_VERSION}/lead{config.corpus.lead_sentences}"


def document_vectors(
    store: Store,
    articles: Sequence[Article],
    config: Config,
    progress: Callable[[str], object] | None = None,
) -> FloatMatrix:
    """[len(articles), 384] unit vectors, reusing cached ones; new ones are stored (writable)."""
    model = vector_model(config)
    conn = store.connection
    hashes = dict(conn.execute("SELECT id, content_hash FROM documents").fetchall())
    cached: dict[str, FloatMatrix] = {}
    for doc_id, content_hash, row_model, dim, blob in conn.execute(
        "SELECT doc_id, content_hash, model, dim, vector FROM doc_vectors"
    ):
        if row_model == model and hashes.get(doc_id) == content_hash and dim == DIM:
            cached[doc_id] = np.frombuffer(blob, dtype="<f4").astype(np.float32)
    missing = [a for a in articles if a.id not in cached]
    if missing:
        if progress:
            progress(f"encoding {len(missing)} document leads")
        from newsprism.analyzers.encoder import get_encoder

        encoded = get_encoder(config).encode([a.lead for a in missing])
        rows = []
        for article, item in zip(missing, encoded, strict=True):
            vector = np.asarray(item.sentence_vector, dtype=np.float32)
            norm = float(np.linalg.norm(vector))
            vector = vector / norm if norm > 0 else vector
            cached[article.id] = vector
            rows.append(
                (
                    article.id,
                    hashes.get(article.id, ""),
                    model,
                    DIM,
                    vector.astype("<f4").tobytes(),
                )
            )
        if not store.readonly:
            with store.transaction():
                conn.executemany(
                    "INSERT OR REPLACE INTO doc_vectors (doc_id, content_hash, model, dim, vector) "
                    "VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
    if not articles:
        return np.zeros((0, DIM), dtype=np.float32)
    return np.stack([cached[a.id] for a in articles]).astype(np.float32)
