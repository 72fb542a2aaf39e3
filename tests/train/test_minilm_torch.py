"""The torch MiniLM that fine-tuning trains computes what the shipped ONNX encoder runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from newsprism.config import Config
from newsprism.models import minilm
from newsprism.models.onnx_bert import BertShape

torch = pytest.importorskip("torch")

SENTENCES = [
    "Russian jets pound ISIS capital in Syria as coalition voices anger.",
    "The Russian Defense Ministry said its jets had struck an ISIS training camp near Raqqa.",
    "No.",
]


def _shape() -> BertShape:
    return BertShape.from_config(json.loads(minilm.locate_package().config.read_text("utf-8")))


def _torch_states(weights: dict[str, np.ndarray], ids: list[int]) -> tuple[list, np.ndarray]:
    from newsprism.train.minilm_torch import build_minilm, mean_pool

    model = build_minilm(weights, _shape(), dropout=0.0).eval()
    x = torch.tensor([ids])
    mask = torch.ones_like(x)
    with torch.no_grad():
        states = model(x, mask)
        pooled = mean_pool(torch, states[-1], mask)
    return [s[0].numpy() for s in states], pooled[0].numpy()


def test_torch_module_matches_the_shipped_onnx_encoder(
    upstream: dict[str, np.ndarray], encoder_dir: Path, config: Config
) -> None:
    """The encoder `newsprism` runs (upstream + the shipped delta) and the torch module holding
    the same weights agree to float32 rounding on every layer and the sentence vector."""
    from newsprism.analyzers.encoder import get_encoder
    from newsprism.models.minilm import shipped_tuning

    tuning = shipped_tuning()
    weights = tuning.apply(upstream) if tuning is not None else upstream
    encoder = get_encoder(config)
    encoded = encoder.encode(SENTENCES, layers=(2, 4, 6))
    for text, item in zip(SENTENCES, encoded, strict=True):
        ids = [101, *item.token_ids.tolist(), 102]
        states, pooled = _torch_states(weights, ids)
        for layer in (2, 4, 6):
            assert np.abs(states[layer][1:-1] - item.vectors(layer)).max() < 1e-4, (text, layer)
        assert np.abs(pooled - item.sentence_vector).max() < 1e-5


def test_names_survive_the_round_trip(upstream: dict[str, np.ndarray]) -> None:
    from newsprism.train.minilm_torch import build_minilm, to_hf_names

    model = build_minilm(upstream, _shape(), dropout=0.0)
    back = to_hf_names(model.state_dict())
    # The pooler and the position-id buffer are not part of the encoder newsprism runs.
    expected = {k for k in upstream if k != "embeddings.position_ids" and "pooler" not in k}
    assert set(back) == expected
    for name in expected:
        np.testing.assert_array_equal(back[name], np.asarray(upstream[name], np.float32))
