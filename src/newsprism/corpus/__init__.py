"""Corpus-scale work: the SQLite store and the batch runner that fills it."""

from __future__ import annotations

from newsprism.corpus.batch import BatchSummary, run_batch, run_documents
from newsprism.corpus.store import (
    SNIPPET_CLOSE,
    SNIPPET_OPEN,
    ErrorRecord,
    RunRecord,
    SearchHit,
    Store,
)

__all__ = [
    "SNIPPET_CLOSE",
    "SNIPPET_OPEN",
    "BatchSummary",
    "ErrorRecord",
    "RunRecord",
    "SearchHit",
    "Store",
    "run_batch",
    "run_documents",
]
