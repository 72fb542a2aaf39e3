"""Train the NER head (averaged perceptron, BIO PER/ORG/LOC/MISC) on CoNLL-2003 train.

Reproducible: fixed seed for the sentence order, deterministic features, sorted JSON output.
Run `python -m newsprism.train.ner [--epochs N] [--out PATH]`; prints the token error per epoch.
Measured: about 2 minutes wall (30 s CPU) for the default 5 epochs on 2 shared cores; the
packaged head scores 0.862 micro F1 on CoNLL dev (`newsprism eval conll --split dev`).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from newsprism.analyzers.entities import HEAD_FILE, NER_TAGS, NerHead, ner_features
from newsprism.evaluate.conll import load_conll
from newsprism.train.perceptron import AveragedPerceptron

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "models" / "heads" / HEAD_FILE


def train(epochs: int = 5, seed: int = 7, min_abs: float = 0.002) -> NerHead:
    """Train on CoNLL train (greedy decoding with the model's own previous tag)."""
    data = load_conll("train")
    feats = [ner_features(words) for words, _ in data]
    model = AveragedPerceptron(len(NER_TAGS))
    order = list(range(len(data)))
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(order)
        errors = total = 0
        for index in order:
            _, tags = data[index]
            prev = "O"
            for token_feats, tag in zip(feats[index], tags, strict=True):
                full = [*token_feats, "t1=" + prev]
                scores = model.scores(full)
                guess = max(range(len(NER_TAGS)), key=scores.__getitem__)
                truth = NER_TAGS.index(tag) if tag in NER_TAGS else 0
                errors += guess != truth
                model.update(full, truth, guess)
                prev = NER_TAGS[guess]
            total += len(tags)
        print(f"epoch {epoch + 1}: token error {errors / max(total, 1):.4f}", flush=True)
    return NerHead(model.averaged(min_abs), f"conll-ap-e{epochs}-s{seed}")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: train and save the head."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    head = train(args.epochs, args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    head.save(args.out)
    print(f"wrote {args.out} ({len(head.weights)} features, {args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
