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
_CHUNK = 500
"""Document ids looked up in one query."""


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
    # The rows are written straight into the result (one [n, 384] matrix): a dict of per-row
    # arrays, stacked and copied, held the vectors three times over on a large corpus.
    out = np.zeros((len(articles), DIM), dtype=np.float32)
    position: dict[str, int] = {}
    for k, article in enumerate(articles):
        position.setdefault(article.id, k)
    found = np.zeros(len(articles), dtype=bool)
    ids = list(position)
    hashes: dict[str, str] = {}
    # Looked up by id, a chunk at a time (a segment of a large corpus, or one pair, reads only
    # its own rows); a vector counts only for its document's current content and this model.
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        for doc_id, content_hash, stored_hash, dim, blob in conn.execute(
            "SELECT d.id, d.content_hash, v.content_hash, v.dim, v.vector FROM documents d "
            f"LEFT JOIN doc_vectors v ON v.doc_id = d.id AND v.model = ? WHERE d.id IN ({marks})",
            (model, *chunk),
        ):
            hashes[doc_id] = content_hash
            row = position[doc_id]
            if blob is not None and stored_hash == content_hash and dim == DIM:
                out[row] = np.frombuffer(blob, dtype="<f4")
                found[row] = True
    missing = [
        articles[k] for k in np.flatnonzero(~found).tolist() if position[articles[k].id] == k
    ]
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
            out[position[article.id]] = vector
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
    for k, article in enumerate(articles):
        if position[article.id] != k:  # the same id listed twice: the same vector
            out[k] = out[position[article.id]]
    return out
