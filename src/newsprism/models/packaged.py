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


TRAINED_ON = "trained_on.json"
"""Beside the heads: for each head file that reads the shared encoder (directly, or through the
analysed documents it was fitted on), the encoder version it was trained with and its sha256.
Fine-tuning the encoder changes every vector, so a head left untrained after it is stale;
`tests/models/test_trained_on.py` fails when any record disagrees with the shipped encoder."""


def record_trained_on(head: Path, encoder_version: str) -> None:
    """Record in `head`'s folder that `head` (as now written) was trained on `encoder_version`."""
    import hashlib
    import json

    record = head.parent / TRAINED_ON
    try:
        entries = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = {}
    entries[head.name] = {
        "encoder": encoder_version,
        "sha256": hashlib.sha256(head.read_bytes()).hexdigest(),
    }
    record.write_text(json.dumps(entries, indent=2, sort_keys=True) + "\n", encoding="utf-8")
