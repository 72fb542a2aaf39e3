"""MiniLM (BERT) as a torch module, for fine-tuning the shared encoder (training only).

The module reproduces `newsprism.models.onnx_bert`'s graph (the upstream `BertModel` plus
sentence-transformers' mean pooling): same weights by Hugging Face name, exact-erf GELU, token
type 0, an additive attention mask. `tests/train/test_minilm_torch.py` checks it against the
ONNX export. Running newsprism never imports this module; torch belongs to the `train` extra.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.errors import missing_extra
from newsprism.models.onnx_bert import BertShape


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise missing_extra("torch", "train") from None
    return torch


_LAYER_PARTS = {
    "query": "attention.self.query",
    "key": "attention.self.key",
    "value": "attention.self.value",
    "attn_out": "attention.output.dense",
    "attn_norm": "attention.output.LayerNorm",
    "inter": "intermediate.dense",
    "out": "output.dense",
    "out_norm": "output.LayerNorm",
}
"""Torch submodule -> Hugging Face name inside `encoder.layer.<i>.`."""

_EMBEDDING_PARTS = {
    "word": "embeddings.word_embeddings",
    "position": "embeddings.position_embeddings",
    "token_type": "embeddings.token_type_embeddings",
    "emb_norm": "embeddings.LayerNorm",
}


def build_minilm(
    weights: Mapping[str, NDArray[Any]], shape: BertShape, dropout: float = 0.1
) -> Any:
    """A torch `MiniLM` module holding `weights` (Hugging Face names, as safetensors gives)."""
    torch = _torch()
    nn = torch.nn
    hidden, heads, inter, eps = shape.hidden, shape.heads, shape.intermediate, shape.eps
    vocab = int(weights["embeddings.word_embeddings.weight"].shape[0])

    # torch is optional (the `train` extra), so its classes are not visible to the type checker.
    module_base: Any = nn.Module

    class Layer(module_base):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.query = nn.Linear(hidden, hidden)
            self.key = nn.Linear(hidden, hidden)
            self.value = nn.Linear(hidden, hidden)
            self.attn_out = nn.Linear(hidden, hidden)
            self.attn_norm = nn.LayerNorm(hidden, eps=eps)
            self.inter = nn.Linear(hidden, inter)
            self.out = nn.Linear(inter, hidden)
            self.out_norm = nn.LayerNorm(hidden, eps=eps)
            self.drop = nn.Dropout(dropout)

        def forward(self, x: Any, bias: Any) -> Any:
            batch, steps, _ = x.shape

            def split(t: Any) -> Any:
                return t.view(batch, steps, heads, hidden // heads).transpose(1, 2)

            context = torch.nn.functional.scaled_dot_product_attention(
                split(self.query(x)),
                split(self.key(x)),
                split(self.value(x)),
                attn_mask=bias,
                dropout_p=dropout if self.training else 0.0,
            )
            context = context.transpose(1, 2).reshape(batch, steps, hidden)
            x = self.attn_norm(x + self.drop(self.attn_out(context)))
            return self.out_norm(x + self.drop(self.out(torch.nn.functional.gelu(self.inter(x)))))

    class MiniLM(module_base):  # type: ignore[misc]
        """Hidden states of every layer (0 = embeddings) for padded token-id batches."""

        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding(vocab, hidden)
            self.position = nn.Embedding(shape.max_positions, hidden)
            self.token_type = nn.Embedding(2, hidden)
            self.emb_norm = nn.LayerNorm(hidden, eps=eps)
            self.drop = nn.Dropout(dropout)
            self.layers = nn.ModuleList([Layer() for _ in range(shape.layers)])

        def forward(self, ids: Any, mask: Any) -> list[Any]:
            steps = ids.shape[1]
            x = self.word(ids) + self.token_type.weight[0] + self.position.weight[:steps]
            x = self.drop(self.emb_norm(x))
            # Large negative, not -inf: a fully padded row must not turn into NaNs.
            bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * -1e9
            states = [x]
            for layer in self.layers:
                x = layer(x, bias)
                states.append(x)
            return states

    model = MiniLM()
    state = to_torch_names(weights)
    model.load_state_dict({k: torch.from_numpy(np.array(v, np.float32)) for k, v in state.items()})
    return model


def to_torch_names(weights: Mapping[str, NDArray[Any]]) -> dict[str, NDArray[Any]]:
    """Hugging Face tensor names -> this module's state_dict names (position ids dropped)."""
    out: dict[str, NDArray[Any]] = {}
    for mine, theirs in _EMBEDDING_PARTS.items():
        for kind in ("weight", "bias"):
            if f"{theirs}.{kind}" in weights:
                out[f"{mine}.{kind}"] = weights[f"{theirs}.{kind}"]
    index = 0
    while f"encoder.layer.{index}.attention.self.query.weight" in weights:
        for mine, theirs in _LAYER_PARTS.items():
            for kind in ("weight", "bias"):
                out[f"layers.{index}.{mine}.{kind}"] = weights[
                    f"encoder.layer.{index}.{theirs}.{kind}"
                ]
        index += 1
    return out


def to_hf_names(state: Mapping[str, Any]) -> dict[str, NDArray[np.float32]]:
    """This module's state_dict -> Hugging Face names, as float32 numpy arrays."""
    back = {}
    for mine, theirs in _EMBEDDING_PARTS.items():
        for kind in ("weight", "bias"):
            back[f"{mine}.{kind}"] = f"{theirs}.{kind}"
    out: dict[str, NDArray[np.float32]] = {}
    for name, value in state.items():
        array = np.asarray(value.detach().cpu().numpy(), dtype=np.float32)
        if name in back:
            out[back[name]] = array
            continue
        _layers, index, part, kind = name.split(".")
        out[f"encoder.layer.{index}.{_LAYER_PARTS[part]}.{kind}"] = array
    return out


def mean_pool(torch: Any, states: Any, mask: Any) -> Any:
    """sentence-transformers' pooling: mean over real tokens, then L2-normalised."""
    weights = mask[:, :, None].to(states.dtype)
    summed = (states * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
    return torch.nn.functional.normalize(summed, dim=-1)
