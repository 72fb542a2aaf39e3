"""Claim grade counts per document: read from a store, or computed for documents held in memory.

The trust model reads, per document, how many of its claims the corpus analysis (`newsprism
stories`: stories, claim alignment, conflicts, Airwars-style grades) graded each way. A user's
corpus has them in its database once the analysis ran; FA-KES training and evaluation hold the
analysed documents in memory, so they get the same analysis over a temporary database.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Sequence
from pathlib import Path

from newsprism.config import Config
from newsprism.document import Document

GradeCounts = dict[str, dict[str, int]]
"""Document id -> grade -> number of that document's claims with the grade."""


def stored_grades(conn: sqlite3.Connection) -> GradeCounts | None:
    """The grade counts of a store; None when its corpus analysis never graded anything."""
    try:
        rows = conn.execute(
            "SELECT doc_id, grade, COUNT(*) FROM grades GROUP BY doc_id, grade"
        ).fetchall()
    except sqlite3.Error:
        return None
    if not rows:
        return None
    out: GradeCounts = {}
    for doc_id, grade, count in rows:
        out.setdefault(str(doc_id), {})[str(grade)] = int(count)
    return out


def corpus_grades(docs: Sequence[Document], config: Config) -> GradeCounts:
    """Grade counts of analysed documents, by the corpus analysis over a temporary database.

    The documents need the layers the analysis reads (`events`, `attributions`, `entities`); it
    encodes each document's lead once (the encoder, ~20 s for FA-KES's 571 articles on two cores).
    """
    from newsprism.corpus.analysis import analyze_corpus
    from newsprism.corpus.hashing import content_hash
    from newsprism.corpus.store import Store

    with tempfile.TemporaryDirectory(prefix="newsprism-grades-") as folder:
        path = Path(folder) / "corpus.db"
        with Store(path) as store, store.transaction():
            for doc in docs:
                store.put(doc, content_hash(doc))
        analyze_corpus(path, config, force=True)
        with Store(path, readonly=True) as store:
            return stored_grades(store.connection) or {}
