"""The SI tagger's BiLSTM members as one ONNX Runtime graph, built in memory from the head's arrays.

The numpy recurrence (`heads.SpanTagger._lstm`) spends most of its time in a dozen element-wise
passes per step; ONNX Runtime's LSTM kernel fuses them, which halves the tagger's time on the
same inputs. The graph is built from the `.npz` arrays when the head first runs: nothing is
exported or cached on disk. The graph computes exactly what the numpy path does, up to float
rounding (largest probability difference about 2e-7): standardise, project, a bidirectional
LSTM per member, a linear output, softmax, the members' mean.

Sequences are fed time-major and padded; `sequence_lens` stops each one at its own length (the
reverse direction starts at each sequence's last real step, as the numpy path does).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

# The encoder's export settings: opset 17 with its IR version, which older onnxruntime accepts.
from newsprism.models.onnx_bert import IR_VERSION, OPSET


def _onnx_gates(weights: NDArray[np.float32]) -> NDArray[np.float32]:
    """Rows of torch's gate order (input, forget, cell, output) put in ONNX's (i, o, f, c)."""
    i, f, g, o = np.split(weights, 4, axis=0)
    out: NDArray[np.float32] = np.concatenate([i, o, f, g], axis=0)
    return out


def tagger_graph(
    arrays: dict[str, NDArray[np.float32]], members: int, sequence_columns: int = 0
) -> bytes:
    """The serialised ONNX model of a BiLSTM tagger head: inputs `X` [T, B, D - c] (time-major,
    padded token columns), `lens` [B] (int32) and, when `sequence_columns` c > 0, `S` [B, c]:
    the trailing input columns that are one value per sequence (the document vector), projected
    once per sequence instead of once per token. Output `probs` [T, B, 3], the members' mean."""
    from onnx import TensorProto, helper, numpy_helper

    def stacked(name: str) -> NDArray[np.float32]:
        value = arrays[name]
        return value if members > 1 else value[None]

    initializers = []
    nodes = []

    def constant(name: str, value: NDArray[Any]) -> str:
        initializers.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    hidden = int(stacked("fw_w_hh").shape[2])
    dim = int(arrays["mean"].shape[0])
    tokens = dim - sequence_columns
    mean, scale = arrays["mean"].astype(np.float32), arrays["scale"].astype(np.float32)
    constant("shape", np.array([0, 0, 2 * hidden], np.int64))
    nodes.append(helper.make_node("Sub", ["X", constant("mean", mean[:tokens])], ["centred"]))
    nodes.append(helper.make_node("Div", ["centred", constant("scale", scale[:tokens])], ["std"]))
    if sequence_columns:
        nodes.append(helper.make_node("Sub", ["S", constant("s_mean", mean[tokens:])], ["s_c"]))
        nodes.append(helper.make_node("Div", ["s_c", constant("s_scale", scale[tokens:])], ["s"]))
    member_probs = []
    for k in range(members):
        proj_w, proj_b = stacked("proj_w")[k], stacked("proj_b")[k]
        nodes += [
            helper.make_node(
                "MatMul", ["std", constant(f"pw{k}", proj_w[:, :tokens].T)], [f"pt{k}"]
            ),
            helper.make_node("Add", [f"pt{k}", constant(f"pb{k}", proj_b)], [f"proj{k}"]),
        ]
        per_sequence = proj_w[:, tokens:]
        if sequence_columns and np.any(per_sequence != 0):
            # [B, P] broadcast over the steps: a member that reads the document vector.
            nodes += [
                helper.make_node("MatMul", ["s", constant(f"ps{k}", per_sequence.T)], [f"pd{k}"]),
                helper.make_node("Add", [f"proj{k}", f"pd{k}"], [f"proj_doc{k}"]),
            ]
            projected = f"proj_doc{k}"
        else:
            projected = f"proj{k}"
        weights = np.stack([_onnx_gates(stacked(d + "w_ih")[k]) for d in ("fw_", "bw_")])
        recurrent = np.stack([_onnx_gates(stacked(d + "w_hh")[k]) for d in ("fw_", "bw_")])
        # ONNX adds an input and a recurrent bias; the head stores their sum as one.
        zero = np.zeros(4 * hidden, np.float32)
        bias = np.stack(
            [np.concatenate([_onnx_gates(stacked(d + "b")[k]), zero]) for d in ("fw_", "bw_")]
        )
        nodes += [
            helper.make_node(
                "LSTM",
                [
                    projected,
                    constant(f"w{k}", weights.astype(np.float32)),
                    constant(f"r{k}", recurrent.astype(np.float32)),
                    constant(f"b{k}", bias.astype(np.float32)),
                    "lens",
                ],
                [f"states{k}"],
                direction="bidirectional",
                hidden_size=hidden,
            ),
            # [T, 2, B, H] -> [T, B, 2, H] -> [T, B, 2H]: forward then backward, as trained.
            helper.make_node("Transpose", [f"states{k}"], [f"time_major{k}"], perm=[0, 2, 1, 3]),
            helper.make_node("Reshape", [f"time_major{k}", "shape"], [f"both{k}"]),
            helper.make_node(
                "MatMul", [f"both{k}", constant(f"out_w{k}", stacked("out_w")[k].T)], [f"om{k}"]
            ),
            helper.make_node(
                "Add", [f"om{k}", constant(f"out_b{k}", stacked("out_b")[k])], [f"logits{k}"]
            ),
            helper.make_node("Softmax", [f"logits{k}"], [f"probs{k}"], axis=-1),
        ]
        member_probs.append(f"probs{k}")
    constant("share", np.array([1.0 / members], np.float32))
    nodes.append(helper.make_node("Sum", member_probs, ["summed"]))
    nodes.append(helper.make_node("Mul", ["summed", "share"], ["probs"]))
    inputs = [
        helper.make_tensor_value_info("X", TensorProto.FLOAT, ["steps", "batch", tokens]),
        helper.make_tensor_value_info("lens", TensorProto.INT32, ["batch"]),
    ]
    if sequence_columns:
        inputs.append(
            helper.make_tensor_value_info("S", TensorProto.FLOAT, ["batch", sequence_columns])
        )
    graph = helper.make_graph(
        nodes,
        "propaganda_si_tagger",
        inputs,
        [helper.make_tensor_value_info("probs", TensorProto.FLOAT, ["steps", "batch", 3])],
        initializers,
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], ir_version=IR_VERSION
    )
    serialised: bytes = model.SerializeToString()
    return serialised


class OnnxTagger:
    """An ONNX Runtime session over `tagger_graph`, run on one intra-op thread (parallelism
    comes from batch workers, as for the numpy heads)."""

    def __init__(
        self, arrays: dict[str, NDArray[np.float32]], members: int, sequence_columns: int = 0
    ) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.sequence_columns = sequence_columns
        self.session = ort.InferenceSession(
            tagger_graph(arrays, members, sequence_columns),
            options,
            providers=["CPUExecutionProvider"],
        )

    def run(
        self,
        inputs: NDArray[np.float32],
        index: NDArray[np.intp],
        lengths: NDArray[np.intp],
    ) -> NDArray[np.float32]:
        """[T, B, 3] probabilities of the sequences whose tokens `index` [T, B] reads from
        `inputs` [N, D] (padding cells repeat a real token); rows past a sequence's length hold
        no meaning. The per-sequence columns are read from each sequence's first token."""
        tokens = inputs.shape[1] - self.sequence_columns
        feed = {
            "X": np.ascontiguousarray(inputs[index, :tokens], np.float32),
            "lens": lengths.astype(np.int32),
        }
        if self.sequence_columns:
            feed["S"] = np.ascontiguousarray(inputs[index[0], tokens:], np.float32)
        out: NDArray[np.float32] = self.session.run(["probs"], feed)[0]
        return out
