"""`eval conll`: CoNLL-2003 loader and per-type entity P/R/F1 (exact span and type match).

Scores the NER tagger (the encoder head, run as entities.v1 runs it) on the CoNLL label set (PER,
ORG, LOC, MISC), the way the shared task does: an entity counts when its first token, last token
and type all match.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.config import load_config, require_data
from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.spans import PRF

SPLITS = ("train", "dev", "test")
Sentence = tuple[list[str], list[str]]


def load_conll(split: str, root: Path | None = None) -> list[Sentence]:
    """Sentences of a split as (words, BIO tags); `-DOCSTART-` lines are skipped."""
    if split not in SPLITS:
        raise NewsprismError(Code.BAD_USAGE, split, f"CoNLL splits are {', '.join(SPLITS)}")
    path = (root if root is not None else require_data("conll2003")) / f"{split}.txt"
    if not path.is_file():
        raise NewsprismError(Code.DATA_MISSING, str(path))
    out: list[Sentence] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if words:
                out.append((words, tags))
            words, tags = [], []
            continue
        if parts[0] == "-DOCSTART-":
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        out.append((words, tags))
    return out


def word_offsets(words: list[str]) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Character [start, end) of each word in `" ".join(words)` (the text that gets encoded)."""
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]).astype(np.int64)
    return starts, starts + lengths


def entity_set(tags: list[str]) -> set[tuple[int, int, str]]:
    """(first, last_exclusive, type) of each entity; an I- without a B- starts one (IOB1)."""
    out = set()
    start, role = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        continues = tag.startswith("I-") and tag[2:] == role
        if not continues:
            if role:
                out.add((start, i, role))
            role = tag[2:] if tag != "O" else ""
            start = i
    return out


def eval_conll(
    split: str = "dev", limit: int | None = None, root: Path | None = None
) -> dict[str, Any]:
    """Per-type and micro P/R/F1 of the packaged encoder NER head on a CoNLL split.

    Each sentence (words joined by spaces) is encoded as encoder.v1 encodes a document's
    sentences, and tagged by the same word-vector and head code entities.v1 runs.
    """
    from newsprism.analyzers.encoder import get_encoder
    from newsprism.analyzers.entities import load_encoder_ner_head, word_layer_vectors

    head = load_encoder_ner_head()
    config = load_config()
    layers = tuple(config.encoder.layers)
    per_type: dict[str, PRF] = {}
    micro = PRF()
    sentences = load_conll(split, root)[:limit]
    encoded = get_encoder(config).encode([" ".join(w) for w, _ in sentences], layers, "window")
    for (words, gold_tags), enc in zip(sentences, encoded, strict=True):
        starts, ends = word_offsets(words)
        vectors = word_layer_vectors(starts, ends, enc.token_offsets, enc.token_vectors, layers)
        pred = entity_set(head.tag(words, vectors))
        gold = entity_set(gold_tags)
        for kind in {k for _, _, k in pred | gold}:
            prf = per_type.setdefault(kind, PRF())
            p = {e for e in pred if e[2] == kind}
            g = {e for e in gold if e[2] == kind}
            hits = len(p & g)
            prf.n_pred += len(p)
            prf.n_gold += len(g)
            prf.tp_pred += hits
            prf.tp_gold += hits
        hits = len(pred & gold)
        micro.n_pred += len(pred)
        micro.n_gold += len(gold)
        micro.tp_pred += hits
        micro.tp_gold += hits
    return {
        "split": split,
        "sentences": len(sentences),
        "types": {k: v.as_dict() for k, v in sorted(per_type.items())},
        "micro": micro.as_dict(),
    }


def format_scores(scores: dict[str, Any]) -> str:
    """A plain per-type table."""
    lines = [f"CoNLL-2003 {scores['split']}: {scores['sentences']} sentences"]
    lines.append(f"{'type':8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>8}")
    rows = [*scores["types"].items(), ("micro", scores["micro"])]
    for kind, s in rows:
        lines.append(
            f"{kind:8}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}{s['n_gold']:8d}"
        )
    return "\n".join(lines)
