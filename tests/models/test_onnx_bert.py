"""The torch-free BERT graph: a tiny random-weight model checked against a numpy forward pass."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray

from newsprism.models.onnx_bert import BertShape, build_bert_graph

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

TINY = BertShape(layers=2, hidden=8, heads=2, intermediate=16, eps=1e-12, max_positions=32)
VOCAB = 50


def tiny_weights(seed: int = 0) -> dict[str, NDArray[np.float32]]:
    """Random weights under Hugging Face BertModel names."""
    rng = np.random.default_rng(seed)

    def r(*shape: int) -> NDArray[np.float32]:
        return rng.normal(0.0, 0.5, shape).astype(np.float32)

    h, i = TINY.hidden, TINY.intermediate
    w = {
        "embeddings.word_embeddings.weight": r(VOCAB, h),
        "embeddings.position_embeddings.weight": r(TINY.max_positions, h),
        "embeddings.token_type_embeddings.weight": r(2, h),
        "embeddings.LayerNorm.weight": 1 + r(h),
        "embeddings.LayerNorm.bias": r(h),
    }
    for n in range(TINY.layers):
        p = f"encoder.layer.{n}"
        for name in (
            "attention.self.query",
            "attention.self.key",
            "attention.self.value",
            "attention.output.dense",
        ):
            w[f"{p}.{name}.weight"], w[f"{p}.{name}.bias"] = r(h, h), r(h)
        w[f"{p}.intermediate.dense.weight"], w[f"{p}.intermediate.dense.bias"] = r(i, h), r(i)
        w[f"{p}.output.dense.weight"], w[f"{p}.output.dense.bias"] = r(h, i), r(h)
        for name in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[f"{p}.{name}.weight"], w[f"{p}.{name}.bias"] = 1 + r(h), r(h)
    return w


def numpy_bert(w: dict[str, NDArray[np.float32]], ids: NDArray[np.int64]) -> list[Any]:
    """Plain float64 BERT forward pass of one unpadded sequence: hidden states and embedding."""
    from math import erf

    def ln(x: Any, p: str) -> Any:
        mu = x.mean(-1, keepdims=True)
        var = ((x - mu) ** 2).mean(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + TINY.eps) * w[f"{p}.weight"] + w[f"{p}.bias"]

    def dense(x: Any, p: str) -> Any:
        return x @ w[f"{p}.weight"].T.astype(np.float64) + w[f"{p}.bias"]

    t = len(ids)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.token_type_embeddings.weight"][0]
        + w["embeddings.position_embeddings.weight"][:t]
    ).astype(np.float64)
    x = ln(x, "embeddings.LayerNorm")
    states = [x]
    hs = TINY.head_size
    for n in range(TINY.layers):
        p = f"encoder.layer.{n}"
        q, k, v = (
            dense(x, f"{p}.attention.self.{m}").reshape(t, TINY.heads, hs).transpose(1, 0, 2)
            for m in ("query", "key", "value")
        )
        scores = q @ k.transpose(0, 2, 1) / math.sqrt(hs)
        probs = np.exp(scores - scores.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        context = (probs @ v).transpose(1, 0, 2).reshape(t, TINY.hidden)
        x = ln(dense(context, f"{p}.attention.output.dense") + x, f"{p}.attention.output.LayerNorm")
        inter = dense(x, f"{p}.intermediate.dense")
        gelu = inter * 0.5 * (1 + np.vectorize(erf)(inter / math.sqrt(2)))
        x = ln(dense(gelu, f"{p}.output.dense") + x, f"{p}.output.LayerNorm")
        states.append(x)
    mean = x.mean(0)
    return [*states, mean / np.linalg.norm(mean)]


@pytest.fixture(scope="module")
def tiny_session() -> Any:
    model = build_bert_graph(tiny_weights(), TINY)
    onnx.checker.check_model(model)
    return ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])


def run(session: Any, ids: NDArray[np.int64], mask: NDArray[np.int64]) -> dict[str, Any]:
    names = [o.name for o in session.get_outputs()]
    return dict(
        zip(names, session.run(names, {"input_ids": ids, "attention_mask": mask}), strict=True)
    )


def test_graph_matches_a_numpy_bert(tiny_session: Any) -> None:
    ids = np.array([1, 7, 19, 3, 42, 2], dtype=np.int64)
    out = run(tiny_session, ids[None], np.ones((1, len(ids)), np.int64))
    expected = numpy_bert(tiny_weights(), ids)
    for layer in range(TINY.layers + 1):
        np.testing.assert_allclose(out[f"hidden_{layer}"][0], expected[layer], atol=1e-5)
    np.testing.assert_array_equal(out["last_hidden_state"], out[f"hidden_{TINY.layers}"])
    np.testing.assert_allclose(out["sentence_embedding"][0], expected[-1], atol=1e-5)


def test_mask_is_a_live_input_and_padding_changes_nothing(tiny_session: Any) -> None:
    short = np.array([1, 5, 6, 2], dtype=np.int64)
    long = np.array([1, 9, 8, 7, 6, 5, 4, 2], dtype=np.int64)
    alone = run(tiny_session, short[None], np.ones((1, 4), np.int64))
    ids = np.zeros((2, 8), np.int64)
    ids[0, :4], ids[1] = short, long
    mask = (np.arange(8)[None] < np.array([[4], [8]])).astype(np.int64)
    batched = run(tiny_session, ids, mask)
    np.testing.assert_allclose(
        batched["last_hidden_state"][0, :4], alone["last_hidden_state"][0], atol=1e-5
    )
    np.testing.assert_allclose(
        batched["sentence_embedding"][0], alone["sentence_embedding"][0], atol=1e-6
    )
    # Attending to the padding instead must change the result: the mask is not frozen.
    unmasked = run(tiny_session, ids, np.ones_like(mask))
    assert np.abs(unmasked["sentence_embedding"][0] - alone["sentence_embedding"][0]).max() > 1e-3


def test_inputs_and_outputs_are_dynamic() -> None:
    model = build_bert_graph(tiny_weights(), TINY)
    inputs = {i.name: i for i in model.graph.input}
    assert set(inputs) == {"input_ids", "attention_mask"}
    for value in inputs.values():
        assert value.type.tensor_type.elem_type == onnx.TensorProto.INT64
        assert [d.dim_param for d in value.type.tensor_type.shape.dim] == ["batch", "sequence"]
    outputs = [o.name for o in model.graph.output]
    assert outputs == [
        "last_hidden_state",
        "hidden_0",
        "hidden_1",
        "hidden_2",
        "sentence_embedding",
    ]
    consumers = [n for n in model.graph.node if "attention_mask" in n.input]
    assert consumers, "the attention mask must feed the graph"


def test_shape_from_config_refuses_what_it_cannot_build() -> None:
    good = {
        "num_hidden_layers": 6,
        "hidden_size": 384,
        "num_attention_heads": 12,
        "intermediate_size": 1536,
    }
    assert BertShape.from_config(good).head_size == 32
    with pytest.raises(ValueError, match="activation"):
        BertShape.from_config({**good, "hidden_act": "relu"})
    with pytest.raises(ValueError, match="divisible"):
        BertShape.from_config({**good, "num_attention_heads": 7})
    with pytest.raises(ValueError, match="lacks tensor"):
        build_bert_graph({}, TINY)
