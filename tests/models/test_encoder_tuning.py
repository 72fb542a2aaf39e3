"""The shipped fine-tuning delta: int8 rows within half a step, round trip, refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsprism.errors import Code, NewsprismError
from newsprism.models import encoder_tuning as tuning_module
from newsprism.models.encoder_tuning import (
    make_tuning,
    quantise_rows,
    read_tuning,
    save_tuning,
    shipped_tuning_path,
)

BASE_SHA = "0" * 64


def _weights(seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    shapes = {
        "encoder.layer.0.attention.self.query.weight": (8, 8),
        "encoder.layer.0.attention.self.query.bias": (8,),
        "embeddings.word_embeddings.weight": (20, 8),
    }
    return {k: rng.normal(0, 0.05, s).astype(np.float32) for k, s in shapes.items()}


def test_rows_are_quantised_within_half_a_step() -> None:
    rng = np.random.default_rng(0)
    delta = rng.normal(0, 1e-3, (6, 40)).astype(np.float32)
    delta[2] = 0.0  # a row that did not move keeps scale 0 and decodes to exact zeros
    rows, scale = quantise_rows(delta)
    assert rows.dtype == np.int8 and scale.dtype == np.float32
    decoded = rows.astype(np.float32) * scale[:, None]
    assert np.all(np.abs(decoded - delta) <= scale[:, None] / 2 + 1e-12)
    assert not decoded[2].any()
    assert np.abs(rows).max() == 127


def test_make_save_read_apply_round_trip(tmp_path: Path) -> None:
    base = _weights(1)
    tuned = dict(base)
    rng = np.random.default_rng(2)
    name = "encoder.layer.0.attention.self.query.weight"
    tuned[name] = base[name] + rng.normal(0, 1e-3, base[name].shape).astype(np.float32)
    bias = "encoder.layer.0.attention.self.query.bias"
    tuned[bias] = base[bias] + np.float32(1e-4)
    tuning = make_tuning(base, tuned, BASE_SHA, {"epoch": 3})
    # Unchanged tensors (the word embeddings) are not shipped.
    assert set(tuning.quantised) == {name} and set(tuning.dense) == {bias}
    path = tmp_path / "tuning.npz"
    save_tuning(tuning, path)
    loaded = read_tuning(path)
    assert loaded.meta["epoch"] == 3 and loaded.version == tuning.version
    assert loaded.base_sha256 == BASE_SHA
    applied = loaded.apply(base)
    step = tuning.quantised[name][1]
    assert np.all(np.abs(applied[name] - tuned[name]) <= step[:, None] / 2 + 1e-6)
    np.testing.assert_allclose(applied[bias], tuned[bias], atol=1e-7)
    np.testing.assert_array_equal(
        applied["embeddings.word_embeddings.weight"], base["embeddings.word_embeddings.weight"]
    )


def test_the_version_follows_the_content() -> None:
    base = _weights(1)
    tuned = {k: v + 1e-3 for k, v in base.items()}
    first = make_tuning(base, tuned, BASE_SHA, {})
    again = make_tuning(base, tuned, BASE_SHA, {"note": "metadata does not change it"})
    other = make_tuning(base, {k: v + 2e-3 for k, v in base.items()}, BASE_SHA, {})
    assert first.version == again.version != other.version


def test_a_delta_for_other_weights_is_refused() -> None:
    base = _weights(1)
    tuning = make_tuning(base, {k: v + 1e-3 for k, v in base.items()}, BASE_SHA, {})
    smaller = dict(base)
    smaller["encoder.layer.0.attention.self.query.weight"] = np.zeros((4, 8))
    with pytest.raises(ValueError, match="shape"):
        tuning.apply(smaller)
    with pytest.raises(ValueError, match="lack"):
        tuning.apply({"embeddings.word_embeddings.weight": np.zeros((20, 8), np.float32)})


def test_missing_or_foreign_files_get_coded_errors(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as missing:
        read_tuning(tmp_path / "absent.npz")
    assert missing.value.code == Code.HEAD_MISSING
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(NewsprismError) as unreadable:
        read_tuning(bad)
    assert unreadable.value.code == Code.MODEL_NOT_PREPARED
    np.savez(tmp_path / "old.npz", meta=np.array('{"format": 0, "base_sha256": "x"}'))
    with pytest.raises(NewsprismError) as old:
        read_tuning(tmp_path / "old.npz")
    assert old.value.code == Code.MODEL_NOT_PREPARED and "format" in old.value.message


def test_the_shipped_delta_applies_to_the_pinned_upstream_weights() -> None:
    from newsprism.models import minilm

    path = shipped_tuning_path()
    if path is None:
        pytest.skip("no fine-tuning delta shipped")
    tuning = read_tuning(path)
    assert tuning.base_sha256 == minilm.SHA256["model.safetensors"]
    assert f"{minilm.BASE_VERSION}+{tuning.version}" == minilm.MODEL_VERSION
    # The word embeddings stay upstream (train/encoder.py freezes them): most of the weights.
    assert "embeddings.word_embeddings.weight" not in tuning.quantised
    assert any(name.startswith("encoder.layer.5.") for name in tuning.quantised)
    assert path.stat().st_size < 15_000_000
    assert tuning.meta["format"] == tuning_module.FORMAT
