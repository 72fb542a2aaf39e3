"""One BLAS thread for the small per-document matrix products of the trained heads.

The heads multiply small matrices (hundreds of words x a few hundred features). Threaded
OpenBLAS spends more time synchronising than computing on them: measured on 2 loaded cores,
168 ms per article with threads against 8.5 ms with one (attribution head), and 0.87x against
0.15x the encoder pass (propaganda heads). The ONNX encoder keeps its own thread pool.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    """threadpoolctl's controller (None when threadpoolctl is not installed)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with one BLAS thread (a no-op without threadpoolctl)."""
    controller = _blas_controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield
