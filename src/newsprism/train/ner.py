"""Train the NER heads on CoNLL-2003 train: the perceptron, then the encoder head on top of it.

1. Averaged perceptron (BIO PER/ORG/LOC/MISC, lexical + casing features): `ner_tagger.json.gz`.
2. Encoder head (`ner_encoder.npz`, see `entities.EncoderNerHead`): per word, the mean MiniLM
   vector of its word pieces (layers 4 and 6), casing one-hots and the perceptron's scores. The
   perceptron scores of the training words come from two-fold jackknifing (a perceptron trained
   on the other half), so the head does not learn to trust scores that saw the word's own tag.

The encoded CoNLL sentences are cached under `.scratch/ner/` (git-ignored). Reproducible: fixed
seeds for sentence order, folds and torch. torch is needed here only (`pip install torch`), never
at run time. Run `python -m newsprism.train.ner [--epochs N] [--head-epochs N]`.
Measured on 2 shared cores: about 2.5 minutes with the encoded sentences cached (two-fold +
full perceptrons ~1 min, head 8 epochs ~1 min; encoding CoNLL train + dev first adds ~1 min). The
packaged heads score 0.924 micro F1 on CoNLL dev (`newsprism eval conll --split dev`; the
perceptron alone 0.862).
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from newsprism.analyzers.entities import (
    ENCODER_HEAD_FILE,
    EncoderNerHead,
    FloatArray,
    casing_features,
    word_layer_vectors,
)
from newsprism.analyzers.ner_perceptron import HEAD_FILE, NER_TAGS, NerHead, ner_features
from newsprism.config import load_config
from newsprism.evaluate.conll import Sentence, load_conll, word_offsets
from newsprism.train.perceptron import AveragedPerceptron

HEADS = Path(__file__).resolve().parents[1] / "models" / "heads"
CACHE = Path(__file__).resolve().parents[3] / ".scratch" / "ner"


def train_perceptron(
    data: list[Sentence], epochs: int = 5, seed: int = 7, min_abs: float = 0.002
) -> NerHead:
    """Train on `data` (greedy decoding with the model's own previous tag)."""
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


def train(epochs: int = 5, seed: int = 7, min_abs: float = 0.002) -> NerHead:
    """The perceptron on all of CoNLL train (the packaged `ner_tagger.json.gz`)."""
    return train_perceptron(load_conll("train"), epochs, seed, min_abs)


def encoded_words(split: str, data: list[Sentence], cache: Path = CACHE) -> list[FloatArray]:
    """Per sentence, [n_words, 384] encoder word vectors (cached as float16 under `cache`).

    Each sentence is encoded alone, as the words joined by spaces: the same per-sentence pass
    encoder.v1 makes over a document's sentences.
    """
    from newsprism.models.minilm import MODEL_VERSION

    # Keyed by the encoder's weights: vectors of another (fine-tuning of the) encoder are stale.
    path = cache / f"{split}-{MODEL_VERSION}.npz"
    if not path.is_file():
        from newsprism.analyzers.encoder import get_encoder

        config = load_config()
        layers = tuple(config.encoder.layers)
        texts = [" ".join(words) for words, _ in data]
        parts = []
        for first in range(0, len(texts), 2000):
            encoded = get_encoder(config).encode(texts[first : first + 2000], layers, "window")
            for (words, _), e in zip(data[first : first + 2000], encoded, strict=True):
                starts, ends = word_offsets(words)
                parts.append(
                    word_layer_vectors(starts, ends, e.token_offsets, e.token_vectors, layers)
                )
            print(f"encoded {first + len(encoded)}/{len(texts)} {split} sentences", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        lens = np.array([len(p) for p in parts])
        np.savez(path, vecs=np.concatenate(parts).astype(np.float16), lens=lens)
    with np.load(path) as stored:
        vecs, lens = stored["vecs"].astype(np.float32), stored["lens"]
    if len(lens) != len(data) or int(lens.sum()) != sum(len(w) for w, _ in data):
        raise ValueError(f"{path} does not match CoNLL {split}: delete it and run again")
    return np.split(vecs, np.cumsum(lens)[:-1])


def jackknife_scores(
    data: list[Sentence], epochs: int, seed: int, folds: int = 2
) -> list[FloatArray]:
    """Perceptron scores of every training sentence from a perceptron that never saw it."""
    fold_of = [i % folds for i in range(len(data))]
    random.Random(seed).shuffle(fold_of)
    out: list[FloatArray] = [np.zeros((0, len(NER_TAGS)), np.float32)] * len(data)
    for fold in range(folds):
        rest = [s for s, f in zip(data, fold_of, strict=True) if f != fold]
        model = train_perceptron(rest, epochs, seed)
        for i, (words, _) in enumerate(data):
            if fold_of[i] == fold:
                out[i] = model.tag_scores(words)[1]
        print(f"jackknife fold {fold + 1}/{folds} done", flush=True)
    return out


def _inputs(
    data: list[Sentence], vectors: list[FloatArray], scores: list[FloatArray]
) -> tuple[FloatArray, NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Flat inputs, IOB2 tag ids, and sentence-first / sentence-last masks."""
    x = np.concatenate(
        [
            np.concatenate([v, casing_features(words), s], axis=1)
            for (words, _), v, s in zip(data, vectors, scores, strict=True)
        ]
    ).astype(np.float32)
    y = np.array([NER_TAGS.index(t) for _, tags in data for t in tags], dtype=np.int64)
    first = np.array([i == 0 for words, _ in data for i in range(len(words))])
    last = np.array([i == len(words) - 1 for words, _ in data for i in range(len(words))])
    return x, y, first, last


def fit_head(
    data: list[Sentence],
    vectors: list[FloatArray],
    scores: list[FloatArray],
    perceptron: NerHead,
    epochs: int = 8,
    hidden: int = 128,
    seed: int = 7,
) -> EncoderNerHead:
    """Fit the encoder head with torch (Adam, dropout) on whole sentences packed in chunks."""
    import torch

    torch.manual_seed(seed)
    torch.set_num_threads(1)
    x_np, y_np, first_np, last_np = _inputs(data, vectors, scores)
    scale = (1.0 / np.maximum(x_np.std(axis=0), 1e-3)).astype(np.float32)
    x = torch.from_numpy(x_np * scale)
    y = torch.from_numpy(y_np)
    keep_back = torch.from_numpy(~first_np).float()[:, None]
    keep_fwd = torch.from_numpy(~last_np).float()[:, None]
    dim, k = x.shape[1], len(NER_TAGS)
    in_lin = torch.nn.Linear(dim, hidden)
    conv = torch.nn.Parameter(torch.randn(3, hidden, hidden) * (1.0 / hidden**0.5) * 0.5)
    conv_b = torch.nn.Parameter(torch.zeros(hidden))
    out_lin = torch.nn.Linear(hidden, k)
    params = [*in_lin.parameters(), conv, conv_b, *out_lin.parameters()]
    optim = torch.optim.Adam(params, lr=2e-3, weight_decay=1e-6)
    drop = torch.nn.Dropout(0.3)
    # Chunks of whole sentences (~1,000 words); the masks stop the convolution at their borders.
    bounds = [*np.flatnonzero(first_np).tolist(), len(y_np)]
    chunks: list[tuple[int, int]] = []
    start = 0
    for b in bounds[1:]:
        if b - start >= 1000 or b == len(y_np):
            chunks.append((start, b))
            start = b
    rng = random.Random(seed)
    for epoch in range(epochs):
        rng.shuffle(chunks)
        total = 0.0
        for a, b in chunks:
            h = torch.relu(in_lin(drop(x[a:b])))
            back = torch.zeros_like(h)
            fwd = torch.zeros_like(h)
            back[1:] = h[:-1]
            fwd[:-1] = h[1:]
            back = back * keep_back[a:b]
            fwd = fwd * keep_fwd[a:b]
            h = h + torch.relu(back @ conv[0] + h @ conv[1] + fwd @ conv[2] + conv_b)
            loss = torch.nn.functional.cross_entropy(out_lin(drop(h)), y[a:b])
            optim.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            optim.step()
            total += float(loss.detach()) * (b - a)
        print(f"head epoch {epoch + 1}: loss {total / len(y_np):.4f}", flush=True)
    weights = {
        "in_scale": scale,
        "in_w": in_lin.weight.detach().numpy().T.copy(),
        "in_b": in_lin.bias.detach().numpy().copy(),
        "conv_w": conv.detach().numpy().copy(),
        "conv_b": conv_b.detach().numpy().copy(),
        "out_w": out_lin.weight.detach().numpy().T.copy(),
        "out_b": out_lin.bias.detach().numpy().copy(),
    }
    version = f"conll-enc-h{hidden}-e{epochs}-s{seed}"
    return EncoderNerHead(
        {n: v.astype(np.float32) for n, v in weights.items()}, perceptron, version
    )


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: train and save both heads."""
    from newsprism.models.minilm import MODEL_VERSION
    from newsprism.models.packaged import record_trained_on

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=5, help="perceptron epochs")
    parser.add_argument("--head-epochs", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out-dir", type=Path, default=HEADS)
    args = parser.parse_args(argv)
    data = load_conll("train")
    vectors = encoded_words("train", data)
    perceptron = train_perceptron(data, args.epochs, args.seed)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    perceptron.save(args.out_dir / HEAD_FILE)
    scores = jackknife_scores(data, args.epochs, args.seed)
    head = fit_head(data, vectors, scores, perceptron, args.head_epochs, seed=args.seed)
    out = args.out_dir / ENCODER_HEAD_FILE
    head.save(out)
    record_trained_on(out, MODEL_VERSION)
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
