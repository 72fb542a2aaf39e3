"""Engines that run the analysis of document chunks: in-process, or on a local process pool.

An engine only analyses; it never writes. `map_chunks` yields results in the order the chunks
were given, so a batch stores the same documents whatever the engine and worker count. A Dask
engine plugs in behind the same `Engine` protocol: it only has to call `analyze_chunk`.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError
from newsprism.pipeline import Pipeline
from newsprism.registry import Analyzer, Item


@dataclass(frozen=True, slots=True)
class PipelineSpec:
    """What a worker needs to build the pipeline: the config and the analyzer classes in order.

    Classes pickle by reference (module and name), so workers import them instead of relying on
    the registry state of the main process; the order was checked there already.
    """

    config: Config
    analyzers: tuple[type[Analyzer], ...]

    @property
    def names(self) -> tuple[str, ...]:
        """The versioned analyzer names in order."""
        return tuple(cls.name for cls in self.analyzers)

    def build(self) -> Pipeline:
        """Instantiate the analyzers (model loading happens here, once per process)."""
        return Pipeline(tuple(cls(self.config) for cls in self.analyzers), self.config)


@dataclass(frozen=True, slots=True)
class AnalysisFailure:
    """A document an analyzer failed on (picklable: it crosses process boundaries)."""

    doc_id: str
    source: str
    error: NewsprismError


Outcome = Document | AnalysisFailure
"""What analysing one document gives: the analysed document or its failure."""

_WireOutcome = dict[str, Any] | AnalysisFailure
"""An outcome as it crosses a process boundary (documents in their JSON dict form)."""

_PIPELINES: dict[PipelineSpec, Pipeline] = {}
"""Pipelines built in this process, kept so the encoder loads once per worker."""


def pipeline_for(spec: PipelineSpec) -> Pipeline:
    """The pipeline of `spec`, built on first use in this process and kept."""
    pipeline = _PIPELINES.get(spec)
    if pipeline is None:
        pipeline = spec.build()
        _PIPELINES[spec] = pipeline
    return pipeline


def _source(doc: Document) -> str:
    """Where a document came from, for error records: meta.source, else its id."""
    source = doc.meta.get("source")
    return source if isinstance(source, str) and source else doc.id


def _analyze_one(pipeline: Pipeline, doc: Document) -> Outcome:
    """Analyse one document, turning an analyzer's exception into an E203 failure record."""
    items = [Item(doc)]
    for analyzer in pipeline.analyzers:
        try:
            items = analyzer.process(items)
        except NewsprismError as error:
            return AnalysisFailure(doc.id, _source(doc), error)
        except Exception as bad:  # an analyzer bug must not stop the batch (DESIGN.md #4)
            detail = f"{analyzer.name} raised {type(bad).__name__}: {bad}"
            failure = NewsprismError(Code.ANALYZER_FAILED, where=_source(doc), detail=detail)
            return AnalysisFailure(doc.id, _source(doc), failure)
    return items[0].doc.with_versions(pipeline.versions())


def analyze_chunk(spec: PipelineSpec, docs: Sequence[Document]) -> list[Outcome]:
    """Analyse a chunk together (full encoder batches); isolate failures document by document.

    When the batched run raises, the chunk is re-run one document at a time so that only the
    documents that fail are lost, each with the analyzer and the exception that failed it.
    """
    pipeline = pipeline_for(spec)
    try:
        return [item.doc for item in pipeline.run_items([Item(doc) for doc in docs])]
    except Exception:
        return [_analyze_one(pipeline, doc) for doc in docs]


class Engine(Protocol):
    """Runs `analyze_chunk` over chunks; yields each chunk's outcomes in submission order."""

    def map_chunks(self, chunks: Iterable[Sequence[Document]]) -> Iterator[list[Outcome]]:
        """Outcomes per chunk, in the order of `chunks` (chunks are consumed lazily)."""
        ...

    def close(self) -> None:
        """Release workers."""
        ...


class LocalEngine:
    """Analyses in the calling process (workers=1): no pickling, simplest to debug."""

    def __init__(self, spec: PipelineSpec) -> None:
        self.spec = spec

    def map_chunks(self, chunks: Iterable[Sequence[Document]]) -> Iterator[list[Outcome]]:
        """Analyse each chunk as it comes."""
        for chunk in chunks:
            yield analyze_chunk(self.spec, chunk)

    def close(self) -> None:
        """Nothing to release."""


def _warm_worker(spec: PipelineSpec) -> None:
    """Pool initialiser: build the pipeline once, when the worker starts.

    A failure here would break the whole pool and hide the reason; it is left to the first
    `analyze_chunk`, whose exception (a NewsprismError such as E303) reaches the main process.
    """
    try:
        pipeline_for(spec)
    except Exception:
        return


def _mp_context() -> multiprocessing.context.BaseContext:
    """fork on Linux (fast start; the main process holds no model or threads), else spawn."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def _analyze_wire(spec: PipelineSpec, docs: list[dict[str, Any]]) -> list[_WireOutcome]:
    """`analyze_chunk` over documents in their JSON form, as it runs in a worker process.

    Documents hold read-only mapping proxies, which pickle refuses; their JSON dict form is the
    contract's exchange format and round-trips exactly.
    """
    outcomes = analyze_chunk(spec, [Document.from_dict(doc) for doc in docs])
    return [o if isinstance(o, AnalysisFailure) else o.to_dict() for o in outcomes]


def _from_wire(outcomes: list[_WireOutcome]) -> list[Outcome]:
    """Outcomes back from their JSON form."""
    return [o if isinstance(o, AnalysisFailure) else Document.from_dict(o) for o in outcomes]


class ProcessEngine:
    """A local process pool; each worker builds the pipeline once and keeps it.

    At most `workers * 2` chunks are in flight, so reading stays ahead of the workers without
    holding the whole corpus in memory, and a kill loses only those chunks.
    """

    def __init__(self, spec: PipelineSpec, workers: int) -> None:
        self.spec = spec
        self.workers = max(1, workers)
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_mp_context(),
            initializer=_warm_worker,
            initargs=(spec,),
        )

    def map_chunks(self, chunks: Iterable[Sequence[Document]]) -> Iterator[list[Outcome]]:
        """Submit chunks ahead (bounded) and yield their outcomes in order."""
        pending: deque[Future[list[_WireOutcome]]] = deque()
        limit = self.workers * 2
        for chunk in chunks:
            wire = [doc.to_dict() for doc in chunk]
            pending.append(self._pool.submit(_analyze_wire, self.spec, wire))
            while len(pending) >= limit:
                yield _from_wire(pending.popleft().result())
        while pending:
            yield _from_wire(pending.popleft().result())

    def close(self) -> None:
        """Stop the workers (pending chunks are cancelled)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


def make_engine(spec: PipelineSpec, workers: int) -> Engine:
    """The in-process engine for one worker, else a process pool of `workers`."""
    if workers <= 1:
        return LocalEngine(spec)
    return ProcessEngine(spec, min(workers, max(1, (os.cpu_count() or 1) * 4)))
