"""Train the attribution tagger head (averaged perceptron, IO Source/Cue/Content) on PolNeAR.

Reproducible: articles are shuffled with a fixed seed, features are deterministic, and the head
is written with sorted keys. Run `python -m newsprism.train.attributions [--epochs N] [--out P]`;
it trains on PolNeAR train only and prints dev scores of the tagger for model selection.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

from newsprism.analyzers.attribution_tagger import (
    HEAD_FILE,
    TAGS,
    TaggerHead,
    Token,
    dynamic_features,
    static_features,
    tokenize,
)
from newsprism.evaluate.polnear_data import GoldArticle, load_polnear
from newsprism.train.perceptron import AveragedPerceptron

_ROLE_OF = {"source": "SRC", "cue": "CUE", "content": "CON"}
DEFAULT_OUT = Path(__file__).resolve().parents[1] / "models" / "heads" / HEAD_FILE
MIN_CUE_COUNT = 3
"""A word needs this many training occurrences before its cue prior is trusted."""


def gold_tags(article: GoldArticle, tokens: list[Token]) -> list[str]:
    """IO tags of `tokens` from the article's gold attributions (fragments tagged apart)."""
    starts = [t.start for t in tokens]
    tags = ["O"] * len(tokens)
    import bisect

    for gold in article.attributions:
        for role_name in ("content", "source", "cue"):
            fragments = getattr(gold, role_name)
            if not fragments:
                continue
            role = _ROLE_OF[role_name]
            for start, end in fragments:
                first = bisect.bisect_left(starts, start)
                if first > 0 and tokens[first - 1].end > start:
                    first -= 1
                inside = [k for k in range(first, len(tokens)) if tokens[k].start < end]
                for k in inside:
                    tags[k] = role
    return tags


def cue_prior(data: list[tuple[list[Token], list[str]]]) -> dict[str, float]:
    """P(token is in a cue | lower-cased token), for tokens seen at least MIN_CUE_COUNT times."""
    seen: Counter[str] = Counter()
    cue: Counter[str] = Counter()
    for tokens, tags in data:
        for token, tag in zip(tokens, tags, strict=True):
            word = token.text.lower()
            seen[word] += 1
            if tag == "CUE":
                cue[word] += 1
    return {w: cue[w] / n for w, n in seen.items() if n >= MIN_CUE_COUNT and cue[w] / n >= 0.02}


def _decode_train(
    model: AveragedPerceptron, tokens: list[Token], tags: list[str], feats: list[list[str]]
) -> int:
    """One greedy pass with updates; returns the number of token errors."""
    prev, prev2 = "<s>", "<s>"
    errors = 0
    for i, token_feats in enumerate(feats):
        full = token_feats + dynamic_features(prev, prev2, tokens[i].text.lower())
        scores = model.scores(full)
        guess = max(range(len(TAGS)), key=scores.__getitem__)
        truth = TAGS.index(tags[i])
        if guess != truth:
            errors += 1
        model.update(full, truth, guess)
        prev2, prev = prev, TAGS[guess]
    return errors


def train(
    epochs: int = 6, seed: int = 13, limit: int | None = None, min_abs: float = 1.5
) -> TaggerHead:
    """Train on PolNeAR train and return the head (not yet saved)."""
    articles = load_polnear("train", limit=limit)
    data = []
    for article in articles:
        tokens = tokenize(article.text)
        data.append((tokens, gold_tags(article, tokens)))
    prior = cue_prior(data)
    feats = [static_features(tokens, prior) for tokens, _ in data]
    model = AveragedPerceptron(len(TAGS))
    rng = random.Random(seed)
    order = list(range(len(data)))
    for epoch in range(epochs):
        rng.shuffle(order)
        errors = 0
        total = 0
        for index in order:
            tokens, tags = data[index]
            errors += _decode_train(model, tokens, tags, feats[index])
            total += len(tokens)
        print(f"epoch {epoch + 1}: token error {errors / max(total, 1):.4f}", flush=True)
    weights = model.averaged(min_abs)
    return TaggerHead(weights, prior, f"polnear-ap-e{epochs}-s{seed}")


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: train, save, and report the size of the head."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N articles")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    head = train(args.epochs, args.seed, args.limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    head.save(args.out)
    print(f"wrote {args.out} ({len(head.weights)} features, {args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
