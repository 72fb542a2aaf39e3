"""The Dask engine: analyse batch chunks on a Dask distributed cluster (local or remote).

Workers only analyse; the calling process stays the one writer (see `corpus.batch`). Documents
cross the wire in their JSON dict form, as with the process pool, and each worker process builds
the pipeline once and keeps it (`engines.pipeline_for`). At most `2 x worker threads` chunks are
in flight, so memory stays bounded however large the input, and outcomes come back in order.

`dask[distributed]` is imported here only, when the engine is built (the `dask` extra).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from newsprism import __version__
from newsprism.corpus.engines import Outcome, PipelineSpec, _analyze_wire, _from_wire, pipeline_for
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError, missing_extra

CONNECT_TIMEOUT_S = 30.0
"""Seconds to wait for the scheduler and its first worker. A scheduler on a LAN answers in well
under a second and `dask worker` registers within a few; 30 s also covers a LocalCluster whose
workers spawn on a loaded 2-core machine (measured ~3-5 s there), yet fails fast on a wrong
address instead of hanging the batch."""

IN_FLIGHT_PER_THREAD = 2
"""Chunks queued per worker thread: one running and one waiting keeps every worker busy while
the main process stores, without holding more than a few chunks in memory (as ProcessEngine)."""

_BUILD_LOCK = threading.Lock()
"""A worker with several threads must still build its pipeline (load the encoder) only once."""


def _analyze_on_worker(spec: PipelineSpec, docs: list[dict[str, Any]]) -> list[Any]:
    """The task each chunk becomes: build (once per worker process) and run the pipeline."""
    with _BUILD_LOCK:
        pipeline_for(spec)
    return _analyze_wire(spec, docs)


def _worker_version() -> str:
    """The newsprism version a worker runs (it must match: results record the version)."""
    return __version__


BLAS_THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")
"""Set to 1 in every worker by distributed's default `nanny.pre-spawn-environ`."""


def _local_cluster(distributed: Any, workers: int) -> Any:
    """A LocalCluster of `workers` single-threaded worker processes on 127.0.0.1.

    Workers inherit this process's BLAS thread settings instead of distributed's forced single
    thread: summation order follows the thread count, and the numpy heads' scores then differed
    from a local run's in the 7th digit. With the same settings the two engines store the same
    bytes (as the process pool does, whose workers inherit the environment too).
    """
    import dask

    environ = dict(dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    for name in BLAS_THREAD_VARIABLES:
        environ.pop(name, None)
    with dask.config.set({"distributed.nanny.pre-spawn-environ": environ}):
        # Workers log to stderr by default; the batch's own progress bar is enough.
        return distributed.LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )


def _cluster_error(scheduler: str | None, bad: BaseException) -> NewsprismError:
    """A coded error for a failed cluster, naming the scheduler and the cause."""
    where = scheduler or "local Dask cluster"
    return NewsprismError(
        Code.ANALYZER_FAILED,
        where=where,
        detail=f"the Dask cluster failed ({type(bad).__name__}: {bad}); stored chunks are kept, "
        "run the same batch again to resume",
    )


class DaskEngine:
    """Runs `analyze_chunk` on Dask workers: a LocalCluster of `workers` processes (127.0.0.1
    only) when `scheduler` is None, else the cluster whose scheduler listens at `scheduler`
    (e.g. `tcp://10.0.0.5:8786`).
    """

    def __init__(
        self,
        spec: PipelineSpec,
        workers: int = 2,
        scheduler: str | None = None,
        timeout: float = CONNECT_TIMEOUT_S,
    ) -> None:
        try:
            import distributed as _distributed
        except ImportError:
            raise missing_extra("dask", "dask") from None
        distributed: Any = _distributed  # its constructors are untyped
        self.spec = spec
        self.scheduler = scheduler
        self._cluster: Any = None
        self._client: Any = None
        try:
            if scheduler is None:
                self._cluster = _local_cluster(distributed, workers)
                self._client = distributed.Client(self._cluster, timeout=timeout)
            else:
                self._client = distributed.Client(scheduler, timeout=timeout)
            self._client.wait_for_workers(1, timeout=timeout)
        except NewsprismError:
            self.close()
            raise
        except Exception as bad:  # OSError, TimeoutError, bad address: all "cannot connect"
            self.close()
            raise NewsprismError(
                Code.DASK_UNREACHABLE, where=scheduler or "local Dask cluster", detail=str(bad)
            ) from None
        self._check_versions()
        self.threads = self._threads()

    def _threads(self) -> int:
        """Worker threads now in the cluster (at least 1)."""
        workers = self._client.scheduler_info().get("workers", {})
        return max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))

    def _check_versions(self) -> None:
        """Refuse workers running another newsprism version (their results would be mislabelled)."""
        versions: dict[str, str] = self._client.run(_worker_version)
        other = sorted({f"{addr} runs {v}" for addr, v in versions.items() if v != __version__})
        if other:
            self.close()
            raise NewsprismError(
                Code.DASK_UNREACHABLE,
                where=self.scheduler,
                detail=f"workers must run newsprism {__version__}: {'; '.join(other)}",
            )

    def map_chunks(self, chunks: Iterable[Sequence[Document]]) -> Iterator[list[Outcome]]:
        """Submit chunks ahead (at most `IN_FLIGHT_PER_THREAD` per worker thread), in order."""
        pending: deque[Any] = deque()
        limit = IN_FLIGHT_PER_THREAD * self.threads
        try:
            for chunk in chunks:
                wire = [doc.to_dict() for doc in chunk]
                # pure=False: two chunks with equal content are still two tasks.
                pending.append(self._client.submit(_analyze_on_worker, self.spec, wire, pure=False))
                while len(pending) >= limit:
                    yield _from_wire(pending.popleft().result())
            while pending:
                yield _from_wire(pending.popleft().result())
        except NewsprismError:
            raise  # e.g. E303 raised on a worker without the prepared encoder
        except Exception as bad:  # a killed worker, a lost scheduler: the batch can resume
            raise _cluster_error(self.scheduler, bad) from None
        finally:
            for future in pending:
                future.cancel()

    def close(self) -> None:
        """Disconnect; a LocalCluster this engine started is shut down with its workers."""
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
