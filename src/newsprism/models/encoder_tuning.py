"""newsprism's fine-tuning of the shared encoder, shipped as a small delta on the upstream weights.

The encoder every analyzer reads is all-MiniLM-L6-v2 fine-tuned once, for several tasks at once
(`newsprism.train.encoder`): the propaganda span tagger and technique classifier, with a
distillation term that keeps the sentence vectors and the layers the other heads read close to
the upstream model. Only the change is shipped (`models/heads/encoder_tuning.npz`): for every
tuned weight matrix its difference from the upstream tensor, quantised to int8 per row (one
float32 scale a row, error at most half a step), and the small 1-D tensors (biases, LayerNorm)
as float32 differences. The upstream weights stay where the model package put them, checked by
sha256; `newsprism models prepare` adds this delta before it builds the ONNX graph.

Per-row int8 keeps the tuned model within about 1e-3 of the float32 one on every hidden state
(the differences are small next to the weights), at a quarter of the size.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.errors import Code, NewsprismError

TUNING_FILE = "encoder_tuning.npz"
FORMAT = 1
"""Bump when the file layout changes (the loader refuses other formats)."""

_QUANT = "q:"
_SCALE = "s:"
_DENSE = "d:"


@dataclass(frozen=True)
class EncoderTuning:
    """The shipped delta: int8 rows with their scales for matrices, float32 for the rest."""

    base_sha256: str
    """sha256 of the upstream `model.safetensors` the delta applies to."""
    quantised: dict[str, tuple[NDArray[np.int8], NDArray[np.float32]]]
    dense: dict[str, NDArray[np.float32]]
    meta: dict[str, Any]

    @property
    def version(self) -> str:
        """Short identity of the delta's content (part of the encoder's model version)."""
        return str(self.meta["version"])

    def apply(self, weights: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[np.float32]]:
        """Upstream `weights` plus the delta (a new mapping; `weights` is not changed).

        Refuses (ValueError) a delta naming a tensor the weights lack or of another shape.
        """
        out = {k: np.asarray(v, dtype=np.float32) for k, v in weights.items()}
        for name, (rows, scale) in self.quantised.items():
            _check_shape(out, name, rows.shape)
            out[name] = out[name] + rows.astype(np.float32) * scale[:, None]
        for name, delta in self.dense.items():
            _check_shape(out, name, delta.shape)
            out[name] = out[name] + delta
        return out


def _check_shape(weights: Mapping[str, NDArray[Any]], name: str, shape: tuple[int, ...]) -> None:
    if name not in weights:
        raise ValueError(f"the encoder tuning names {name!r}, which the upstream weights lack")
    if tuple(weights[name].shape) != tuple(shape):
        raise ValueError(f"{name}: tuning shape {shape} != upstream {weights[name].shape}")


def quantise_rows(delta: NDArray[np.floating]) -> tuple[NDArray[np.int8], NDArray[np.float32]]:
    """Per-row symmetric int8: `rows * scale[:, None]` is within `scale / 2` of `delta`."""
    values = np.asarray(delta, dtype=np.float32)
    scale = np.abs(values).max(axis=1) / 127.0
    safe = np.where(scale > 0, scale, 1.0).astype(np.float32)
    rows = np.clip(np.rint(values / safe[:, None]), -127, 127).astype(np.int8)
    return rows, scale.astype(np.float32)


def make_tuning(
    base: Mapping[str, NDArray[Any]],
    tuned: Mapping[str, NDArray[Any]],
    base_sha256: str,
    meta: Mapping[str, Any],
) -> EncoderTuning:
    """The delta from `base` to `tuned` (same names and shapes); tensors that did not change
    are left out. `meta` is recorded as given, plus the format and a content version."""
    quantised: dict[str, tuple[NDArray[np.int8], NDArray[np.float32]]] = {}
    dense: dict[str, NDArray[np.float32]] = {}
    for name in sorted(tuned):
        delta = np.asarray(tuned[name], np.float32) - np.asarray(base[name], np.float32)
        if not np.any(delta):
            continue
        if delta.ndim == 2:
            quantised[name] = quantise_rows(delta)
        else:
            dense[name] = delta.astype(np.float32)
    digest = hashlib.sha256(base_sha256.encode())
    for name in sorted(quantised):
        rows, scale = quantised[name]
        digest.update(name.encode() + rows.tobytes() + scale.tobytes())
    for name in sorted(dense):
        digest.update(name.encode() + dense[name].tobytes())
    full_meta = {**meta, "format": FORMAT, "base_sha256": base_sha256}
    full_meta["version"] = digest.hexdigest()[:8]
    return EncoderTuning(base_sha256, quantised, dense, full_meta)


def save_tuning(tuning: EncoderTuning, path: Path) -> None:
    """Write the delta as one compressed `.npz` (arrays plus JSON metadata)."""
    packed: dict[str, Any] = {}
    for name, (rows, scale) in tuning.quantised.items():
        packed[_QUANT + name], packed[_SCALE + name] = rows, scale
    for name, delta in tuning.dense.items():
        packed[_DENSE + name] = delta
    packed["meta"] = np.array(json.dumps(tuning.meta, sort_keys=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **packed)
    path.write_bytes(buffer.getvalue())


def read_tuning(path: Path) -> EncoderTuning:
    """Load a delta written by `save_tuning` (E305 when missing, E303 when unreadable)."""
    if not path.is_file():
        raise NewsprismError(
            Code.HEAD_MISSING, str(path), "train it: newsprism train propaganda --ptc DIR"
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            quantised = {
                key[len(_QUANT) :]: (
                    data[key].astype(np.int8),
                    data[_SCALE + key[len(_QUANT) :]].astype(np.float32),
                )
                for key in data.files
                if key.startswith(_QUANT)
            }
            dense = {
                key[len(_DENSE) :]: data[key].astype(np.float32)
                for key in data.files
                if key.startswith(_DENSE)
            }
    except (OSError, ValueError, KeyError) as error:
        raise NewsprismError(Code.MODEL_NOT_PREPARED, str(path), f"unreadable ({error})") from None
    if meta.get("format") != FORMAT:
        raise NewsprismError(
            Code.MODEL_NOT_PREPARED, str(path), f"format {meta.get('format')} != {FORMAT}"
        )
    return EncoderTuning(str(meta["base_sha256"]), quantised, dense, meta)


def shipped_tuning_path() -> Path | None:
    """The packaged delta's path, or None when the package ships none (upstream encoder)."""
    ref = resources.files("newsprism").joinpath("models", "heads", TUNING_FILE)
    if not ref.is_file():
        return None
    return Path(str(ref))


def shipped_tuning_version() -> str | None:
    """The packaged delta's version (reads only its metadata), or None without one."""
    path = shipped_tuning_path()
    if path is None:
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            return str(json.loads(str(data["meta"]))["version"])
    except (OSError, ValueError, KeyError) as error:
        raise NewsprismError(Code.MODEL_NOT_PREPARED, str(path), f"unreadable ({error})") from None
