"""The batch runner: read inputs, skip what is stored and current, analyse the rest, store it.

The calling process is the only writer: engines analyse chunks (in-process or in worker
processes) and hand back documents; each finished chunk is committed in one transaction, so a
killed batch loses at most the chunks in flight and a rerun resumes where it stopped.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsprism.config import Config
from newsprism.corpus.engines import (
    AnalysisFailure,
    Engine,
    Outcome,
    PipelineSpec,
    make_engine,
)
from newsprism.corpus.hashing import config_hash, content_hash, pipeline_versions
from newsprism.corpus.store import ErrorRecord, Store
from newsprism.document import Document, JSONValue
from newsprism.errors import Code, NewsprismError, ReadFailure
from newsprism.pipeline import check_order, chunks_within
from newsprism.registry import get_analyzer

if TYPE_CHECKING:
    from newsprism.readers import ReaderOptions

Progress = Callable[[int, int | None], None]
"""Called as `progress(done, total)` after documents complete; `total` is None (streamed)."""


@dataclass(slots=True)
class BatchSummary:
    """What a batch did. `failed` counts read failures and per-document analysis/store failures."""

    run_id: int
    read: int = 0
    analyzed: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[ErrorRecord] = field(default_factory=list)
    elapsed: float = 0.0

    @property
    def nothing_readable(self) -> bool:
        """True when no input item could be read (the CLI exits non-zero only then, E403)."""
        return self.read == 0

    def counts(self) -> dict[str, JSONValue]:
        """The numbers alone (stored with the run)."""
        return {
            "read": self.read,
            "analyzed": self.analyzed,
            "skipped": self.skipped,
            "failed": self.failed,
            "elapsed": round(self.elapsed, 3),
        }

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form, errors included."""
        out: dict[str, JSONValue] = {"run_id": self.run_id, **self.counts()}
        out["errors"] = [record.to_dict() for record in self.errors]
        return out


def pipeline_spec(config: Config) -> PipelineSpec:
    """The checked default pipeline of `config` as classes (E201/E202 when it cannot be built)."""
    names = list(config.pipeline.default)
    check_order(names)
    return PipelineSpec(config, tuple(get_analyzer(name) for name in names))


@dataclass(slots=True)
class _Pending:
    """A document waiting for analysis, with the hashes it will be stored under."""

    doc: Document
    content_hash: str


class _Runner:
    """State of one run: the store, the counts, and the progress callback."""

    def __init__(
        self, store: Store, summary: BatchSummary, config_hash: str, progress: Progress | None
    ) -> None:
        self.store = store
        self.summary = summary
        self.config_hash = config_hash
        self.progress = progress
        self.done = 0
        self.read_failures: list[ReadFailure] = []
        self.queued: set[tuple[str, str]] = set()

    def _tick(self, count: int = 1) -> None:
        self.done += count
        if self.progress is not None and count:
            self.progress(self.done, None)

    def _record(self, source: str, error: NewsprismError | ReadFailure) -> None:
        self.summary.failed += 1
        self.summary.errors.append(self.store.record_error(self.summary.run_id, source, error))

    def flush_read_failures(self) -> None:
        """Store buffered read failures (they share the next chunk's transaction)."""
        failures, self.read_failures = self.read_failures, []
        for failure in failures:
            self._record(failure.source, failure)
        self._tick(len(failures))

    def pending(
        self, items: Iterable[Document | ReadFailure], chunk_size: int, chunk_chars: int
    ) -> Iterator[list[_Pending]]:
        """Chunks of documents that need analysis (at most `chunk_size` documents and, unless one
        is longer alone, `chunk_chars` characters); counts reads, skips and read failures."""
        return chunks_within(
            self._needing_analysis(items, chunk_size),
            chunk_size,
            chunk_chars,
            lambda pending: len(pending.doc.text),
        )

    def _needing_analysis(
        self, items: Iterable[Document | ReadFailure], chunk_size: int
    ) -> Iterator[_Pending]:
        """The documents to analyse, one by one; read failures are stored `chunk_size` at a
        time, and stored or repeated documents counted as skipped."""
        for item in items:
            if isinstance(item, ReadFailure):
                self.read_failures.append(item)
                if len(self.read_failures) >= chunk_size:
                    with self.store.transaction():
                        self.flush_read_failures()
                continue
            self.summary.read += 1
            digest = content_hash(item)
            key = (item.id, digest)
            # Skip what is stored and current, and repeats of a document already queued in
            # this run (the same record given twice), without analysing them.
            if key in self.queued or self.store.has_current(item.id, digest, self.config_hash):
                self.summary.skipped += 1
                self._tick()
                continue
            self.queued.add(key)  # bounded: keys leave when their chunk is stored
            yield _Pending(item, digest)

    def store_chunk(self, chunk: Sequence[_Pending], outcomes: Sequence[Outcome]) -> None:
        """Commit one analysed chunk (documents and failures) in one transaction."""
        with self.store.transaction():
            for pending, outcome in zip(chunk, outcomes, strict=True):
                self.queued.discard((pending.doc.id, pending.content_hash))
                if isinstance(outcome, AnalysisFailure):
                    self._record(outcome.source, outcome.error)
                    continue
                try:
                    self.store.put(
                        outcome, pending.content_hash, self.config_hash, self.summary.run_id
                    )
                except NewsprismError as error:
                    if error.code is not Code.STORE_WRITE:
                        raise
                    self._record(str(outcome.meta.get("source") or outcome.id), error)
                    continue
                self.summary.analyzed += 1
            self.flush_read_failures()
        self._tick(len(chunk))


def run_documents(
    items: Iterable[Document | ReadFailure],
    db_path: str | Path,
    config: Config,
    workers: int = 1,
    progress: Progress | None = None,
    inputs: Sequence[str] = (),
    engine: Engine | None = None,
) -> BatchSummary:
    """`run_batch` over already-read items (documents or read failures), e.g. from a reader.

    `engine` overrides the one `workers` picks (a Dask engine plugs in here).
    """
    started = time.perf_counter()
    spec = pipeline_spec(config)
    versions = pipeline_versions(config, spec.analyzers)
    fingerprint = config_hash(versions)
    with Store(db_path) as store:
        run_id = store.start_run(fingerprint, versions, inputs)
        summary = BatchSummary(run_id)
        runner = _Runner(store, summary, fingerprint, progress)
        engine = engine or make_engine(spec, workers)
        try:
            chunks = _Tee(runner.pending(items, config.batch.chunk_size, config.batch.chunk_chars))
            for outcomes in engine.map_chunks(chunks.docs()):
                runner.store_chunk(chunks.take(), outcomes)
            with store.transaction():
                runner.flush_read_failures()
        except BrokenProcessPool as broken:
            raise NewsprismError(
                Code.ANALYZER_FAILED,
                where=str(db_path),
                detail=f"a worker process died ({broken}); stored chunks are kept, "
                "run the same batch again to resume",
            ) from None
        finally:
            engine.close()
        summary.elapsed = time.perf_counter() - started
        store.finish_run(run_id, summary.counts())
    return summary


class _Tee:
    """Hands chunks' documents to the engine and keeps the chunks, in order, for storing."""

    def __init__(self, chunks: Iterator[list[_Pending]]) -> None:
        self._chunks = chunks
        self._given: deque[list[_Pending]] = deque()

    def docs(self) -> Iterator[list[Document]]:
        for chunk in self._chunks:
            self._given.append(chunk)
            yield [pending.doc for pending in chunk]

    def take(self) -> list[_Pending]:
        """The oldest chunk given out and not yet taken (engines answer in order)."""
        return self._given.popleft()


def run_batch(
    inputs: Sequence[str],
    db_path: str | Path,
    config: Config,
    workers: int = 1,
    reader_options: ReaderOptions | None = None,
    progress: Callable[[int, int | None], None] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
) -> BatchSummary:
    """Read `inputs` (files, folders, globs), analyse what is new or changed, store it in `db_path`.

    Documents already stored with the same content and config hash are skipped without
    analysis, so rerunning a killed or finished batch resumes it. Unreadable items and documents
    an analyzer fails on are recorded in the store's `errors` table and in the summary; the rest
    of the batch goes on. Raises NewsprismError only for problems with the whole batch (the
    database, the pipeline, the cluster).

    `engine`: "local" (in-process, or a process pool of `workers`) or "dask": a LocalCluster of
    `workers` processes, or the Dask cluster at `scheduler` (e.g. "tcp://HOST:8786").
    """
    from newsprism.readers import read_inputs

    chosen = select_engine(config, engine, workers, scheduler)
    try:
        items: Iterable[Any] = read_inputs(inputs, reader_options, config)
        return run_documents(items, db_path, config, workers, progress, inputs, chosen)
    finally:
        if chosen is not None:
            chosen.close()


ENGINES = ("local", "dask")
"""The engine names `run_batch` accepts."""


def select_engine(
    config: Config, engine: str, workers: int, scheduler: str | None
) -> Engine | None:
    """The Dask engine when asked for; None lets `run_documents` pick a local one (E502 else)."""
    if engine not in ENGINES:
        raise NewsprismError(Code.BAD_USAGE, "--engine", f"choose one of {', '.join(ENGINES)}")
    if engine == "local":
        if scheduler is not None:
            raise NewsprismError(Code.BAD_USAGE, "--scheduler", "needs --engine dask")
        return None
    from newsprism.corpus.dask_engine import DaskEngine

    return DaskEngine(pipeline_spec(config), workers, scheduler)
