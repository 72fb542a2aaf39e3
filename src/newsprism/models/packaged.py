"""Finding a trained head shipped in the package, with one clear error when it is missing."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

from newsprism.errors import Code, NewsprismError

T = TypeVar("T")


def load_packaged_head(name: str, train_hint: str, load: Callable[[Path], T]) -> T:
    """`load` applied to `models/heads/<name>` (E305 naming `train_hint` when it is missing)."""
    ref = resources.files("newsprism").joinpath("models", "heads", name)
    if not ref.is_file():
        raise NewsprismError(Code.HEAD_MISSING, name, train_hint)
    with resources.as_file(ref) as path:
        return load(path)
