"""Corpus-scale work: the SQLite store and the batch runner that fills it."""

from __future__ import annotations

from newsprism.corpus.batch import BatchSummary, pipeline_spec, run_batch, run_documents
from newsprism.corpus.engines import Engine, PipelineSpec, analyze_chunk, make_engine
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
    "Engine",
    "ErrorRecord",
    "PipelineSpec",
    "RunRecord",
    "SearchHit",
    "Store",
    "analyze_chunk",
    "make_engine",
    "pipeline_spec",
    "run_batch",
    "run_documents",
]
