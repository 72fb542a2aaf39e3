"""Build a BERT encoder ONNX graph (with mean pooling) from safetensors weights, without torch.

The graph reproduces Hugging Face `BertModel` followed by sentence-transformers' mean pooling and
L2 normalisation (all-MiniLM-L6-v2's `modules.json`). It uses only standard ONNX operators, so
any runtime can run it; ONNX Runtime fuses LayerNormalization, GELU and MatMul+Add itself.

Inputs: `input_ids` and `attention_mask` (int64 [batch, seq], both axes dynamic). The mask is a
real input used as an additive bias on the attention scores (a standard torch export was seen to
freeze it into the graph, which drifted by 0.05-0.1 on padded batches). Token types are always 0
in single-sentence use, so the type-0 embedding row is folded in as a constant.

Outputs: `last_hidden_state` [B, T, H], `hidden_0` (embeddings) .. `hidden_<L>` [B, T, H] and
`sentence_embedding` [B, H].
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

OPSET = 17
"""LayerNormalization is a standard operator from opset 17; ORT 1.18+ runs it natively."""

IR_VERSION = 8
"""The IR version matching opset 17, so that older onnxruntime releases accept the file."""


@dataclass(frozen=True, slots=True)
class BertShape:
    """The hyper-parameters the graph needs (read from the model's `config.json`)."""

    layers: int
    hidden: int
    heads: int
    intermediate: int
    eps: float
    max_positions: int

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> BertShape:
        """Read a Hugging Face BERT `config.json` mapping; refuses what this builder cannot do."""
        if config.get("hidden_act", "gelu") != "gelu":
            raise ValueError(f"unsupported activation {config.get('hidden_act')!r}")
        if config.get("position_embedding_type", "absolute") != "absolute":
            raise ValueError("only absolute position embeddings are supported")
        shape = cls(
            layers=int(config["num_hidden_layers"]),
            hidden=int(config["hidden_size"]),
            heads=int(config["num_attention_heads"]),
            intermediate=int(config["intermediate_size"]),
            eps=float(config.get("layer_norm_eps", 1e-12)),
            max_positions=int(config.get("max_position_embeddings", 512)),
        )
        if shape.hidden % shape.heads:
            raise ValueError(f"hidden size {shape.hidden} is not divisible by {shape.heads} heads")
        return shape

    @property
    def head_size(self) -> int:
        """Width of one attention head."""
        return self.hidden // self.heads


class _GraphBuilder:
    """Accumulates nodes and initializers with unique names."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def const(self, name: str, value: NDArray[Any]) -> str:
        """Add an initializer and return its name."""
        from onnx import numpy_helper

        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], name: str = "", **attrs: Any) -> str:
        """Add a one-output node and return its output name."""
        from onnx import helper

        self._count += 1
        out = name or f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=f"n{self._count}", **attrs))
        return out


def _weight(weights: Mapping[str, NDArray[Any]], key: str) -> NDArray[np.float32]:
    """One float32 tensor, with a clear error when the checkpoint lacks it."""
    if key not in weights:
        raise ValueError(f"the checkpoint lacks tensor {key!r}")
    return np.asarray(weights[key], dtype=np.float32)


def build_bert_graph(weights: Mapping[str, NDArray[Any]], shape: BertShape) -> Any:
    """An `onnx.ModelProto` for the encoder plus mean pooling and L2 normalisation.

    `weights` maps Hugging Face BertModel names (`embeddings.word_embeddings.weight`, ...) to
    arrays, as `safetensors.numpy.load_file` returns them.
    """
    from onnx import TensorProto, helper

    g = _GraphBuilder()

    def w(key: str) -> NDArray[np.float32]:
        return _weight(weights, key)

    hidden, heads, head_size = shape.hidden, shape.heads, shape.head_size

    # Embeddings: word + token-type row 0 + position, then LayerNorm (HF adds in that order).
    word = g.op(
        "Gather",
        [g.const("word_embeddings", w("embeddings.word_embeddings.weight")), "input_ids"],
        axis=0,
    )
    type_row = w("embeddings.token_type_embeddings.weight")[0]
    with_type = g.op("Add", [word, g.const("token_type_row0", type_row)])
    # Positions 0..T-1 are the first T rows of the table: a Slice by the 1-D sequence length
    # (a Shape->Gather(scalar)->Range chain tripped an ORT shape-fusion rewrite).
    seq_len = g.op("Shape", ["input_ids"], start=1, end=2)
    pos_table = g.const("position_embeddings", w("embeddings.position_embeddings.weight"))
    pos = g.op(
        "Slice",
        [
            pos_table,
            g.const("zero_1d_i64", np.array([0], np.int64)),
            seq_len,
            g.const("axis0_1d_i64", np.array([0], np.int64)),
        ],
    )
    summed = g.op("Add", [with_type, pos])
    h = g.op(
        "LayerNormalization",
        [
            summed,
            g.const("emb_ln_w", w("embeddings.LayerNorm.weight")),
            g.const("emb_ln_b", w("embeddings.LayerNorm.bias")),
        ],
        name="hidden_0",
        axis=-1,
        epsilon=shape.eps,
    )

    # Additive attention bias from the mask: 0 where attended, float32 min where padded, exactly
    # as transformers' `get_extended_attention_mask`; shaped [B, 1, 1, T] to broadcast.
    mask_f = g.op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    inverted = g.op("Sub", [g.const("one_f", np.array(1.0, np.float32)), mask_f])
    bias2d = g.op(
        "Mul", [inverted, g.const("neg_big", np.array(np.finfo(np.float32).min, np.float32))]
    )
    mask_bias = g.op("Unsqueeze", [bias2d, g.const("axes_1_2", np.array([1, 2], np.int64))])

    split_heads = g.const("split_heads_shape", np.array([0, 0, heads, head_size], np.int64))
    merge_heads = g.const("merge_heads_shape", np.array([0, 0, hidden], np.int64))
    scale = g.const("attn_scale", np.array(1.0 / math.sqrt(head_size), np.float32))
    sqrt2 = g.const("sqrt2", np.array(math.sqrt(2.0), np.float32))
    one = "one_f"
    half = g.const("half_f", np.array(0.5, np.float32))

    def dense(x: str, prefix: str) -> str:
        # Stored transposed ([in, out]) so MatMul needs no Transpose node at run time.
        kernel = g.const(f"{prefix}.W", w(f"{prefix}.weight").T.copy())
        return g.op(
            "Add", [g.op("MatMul", [x, kernel]), g.const(f"{prefix}.b", w(f"{prefix}.bias"))]
        )

    def layer_norm(x: str, prefix: str, name: str = "") -> str:
        return g.op(
            "LayerNormalization",
            [
                x,
                g.const(f"{prefix}.g", w(f"{prefix}.weight")),
                g.const(f"{prefix}.beta", w(f"{prefix}.bias")),
            ],
            name=name,
            axis=-1,
            epsilon=shape.eps,
        )

    for index in range(shape.layers):
        p = f"encoder.layer.{index}"
        q = g.op(
            "Transpose",
            [g.op("Reshape", [dense(h, f"{p}.attention.self.query"), split_heads])],
            perm=[0, 2, 1, 3],
        )
        k = g.op(
            "Transpose",
            [g.op("Reshape", [dense(h, f"{p}.attention.self.key"), split_heads])],
            perm=[0, 2, 3, 1],
        )
        v = g.op(
            "Transpose",
            [g.op("Reshape", [dense(h, f"{p}.attention.self.value"), split_heads])],
            perm=[0, 2, 1, 3],
        )
        scores = g.op("Add", [g.op("Mul", [g.op("MatMul", [q, k]), scale]), mask_bias])
        probs = g.op("Softmax", [scores], axis=-1)
        context = g.op(
            "Reshape",
            [g.op("Transpose", [g.op("MatMul", [probs, v])], perm=[0, 2, 1, 3]), merge_heads],
        )
        attn_out = dense(context, f"{p}.attention.output.dense")
        h_attn = layer_norm(g.op("Add", [attn_out, h]), f"{p}.attention.output.LayerNorm")
        inter = dense(h_attn, f"{p}.intermediate.dense")
        # Exact-erf GELU, as BERT's "gelu" (not the tanh approximation).
        erf = g.op("Erf", [g.op("Div", [inter, sqrt2])])
        gelu = g.op("Mul", [g.op("Mul", [inter, g.op("Add", [erf, one])]), half])
        out = dense(gelu, f"{p}.output.dense")
        h = layer_norm(
            g.op("Add", [out, h_attn]), f"{p}.output.LayerNorm", name=f"hidden_{index + 1}"
        )

    last = g.op("Identity", [h], name="last_hidden_state")

    # Mean pooling over real tokens, clamped as sentence-transformers does, then L2 normalise
    # with torch.nn.functional.normalize's eps.
    mask3 = g.op("Unsqueeze", [mask_f, g.const("axes_2", np.array([2], np.int64))])
    summed_tokens = g.op(
        "ReduceSum",
        [g.op("Mul", [last, mask3]), g.const("axes_1", np.array([1], np.int64))],
        keepdims=0,
    )
    counts = g.op("ReduceSum", [mask3, "axes_1"], keepdims=0)
    counts = g.op("Max", [counts, g.const("count_eps", np.array(1e-9, np.float32))])
    mean = g.op("Div", [summed_tokens, counts])
    # ReduceL2 takes its axes as an attribute until opset 18 (ReduceSum: an input from 13).
    norm = g.op("ReduceL2", [mean], axes=[-1], keepdims=1)
    norm = g.op("Max", [norm, g.const("norm_eps", np.array(1e-12, np.float32))])
    g.op("Div", [mean, norm], name="sentence_embedding")

    batch_seq = ["batch", "sequence"]
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, batch_seq),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, batch_seq),
    ]
    token_dims: list[str | int] = ["batch", "sequence", hidden]
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, token_dims)]
    outputs += [
        helper.make_tensor_value_info(f"hidden_{i}", TensorProto.FLOAT, token_dims)
        for i in range(shape.layers + 1)
    ]
    outputs.append(
        helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden])
    )
    graph = helper.make_graph(g.nodes, "minilm_encoder", inputs, outputs, g.initializers)
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="newsprism",
        ir_version=IR_VERSION,
    )
    return model
