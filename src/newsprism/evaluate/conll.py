"""`eval conll`: CoNLL-2003 loader and per-type entity P/R/F1 (exact span and type match).

Scores the NER tagger (the encoder head, run as entities.v1 runs it) on the CoNLL label set (PER,
ORG, LOC, MISC), the way the shared task does: an entity counts when its first token, last token
and type all match. With `documents`, each CoNLL document (its sentences a line each) goes through
the pipeline up to entities.v1, so the document-level repairs the sentence-by-sentence tagger
never sees (split names, acronyms, people read as places) are scored too.
"""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.config import PipelineOptions, load_config, require_data
from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.spans import PRF

SPLITS = ("train", "dev", "test")
Sentence = tuple[list[str], list[str]]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
CONLL_TYPE = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "NORP": "MISC"}
"""entities.v1 labels as CoNLL types (NORP, nationalities and groups, is part of MISC; dates and
quantities have no CoNLL type)."""


def load_conll(split: str, root: Path | None = None) -> list[Sentence]:
    """Sentences of a split as (words, BIO tags); `-DOCSTART-` lines are skipped."""
    return [sentence for document in load_conll_documents(split, root) for sentence in document]


def load_conll_documents(split: str, root: Path | None = None) -> list[list[Sentence]]:
    """The split's documents (split at `-DOCSTART-`), each a list of (words, BIO tags)."""
    if split not in SPLITS:
        raise NewsprismError(Code.BAD_USAGE, split, f"CoNLL splits are {', '.join(SPLITS)}")
    path = (root if root is not None else require_data("conll2003")) / f"{split}.txt"
    if not path.is_file():
        raise NewsprismError(Code.DATA_MISSING, str(path))
    documents: list[list[Sentence]] = [[]]
    words: list[str] = []
    tags: list[str] = []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if words:
                documents[-1].append((words, tags))
            words, tags = [], []
            if parts and documents[-1]:
                documents.append([])
            continue
        words.append(parts[0])
        tags.append(parts[-1])
    documents = [document for document in documents if document]
    if len(documents) == 1:
        # The shared copy has no -DOCSTART- lines: each Reuters story opens with its headline
        # and then its dateline ("LONDON 1996-08-30"), so a story starts a sentence before it.
        sentences = documents[0]
        starts = [k - 1 for k, (w, _) in enumerate(sentences) if k and _dateline(w)]
        bounds = sorted({0, *starts, len(sentences)})
        documents = [sentences[a:b] for a, b in pairwise(bounds) if b > a]
    return documents


def _dateline(words: list[str]) -> bool:
    """A CoNLL dateline sentence: a place and an ISO date ("LONDON 1996-08-30")."""
    return len(words) <= 6 and _ISO_DATE.fullmatch(words[-1]) is not None


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
        _count(per_type, micro, entity_set(head.tag(words, vectors)), entity_set(gold_tags))
    return {
        "split": split,
        "sentences": len(sentences),
        "types": {k: v.as_dict() for k, v in sorted(per_type.items())},
        "micro": micro.as_dict(),
    }


def document_text(sentences: list[Sentence]) -> tuple[str, set[tuple[int, int, str]]]:
    """A CoNLL document as text (words joined by spaces, a sentence a line) and its gold
    entities as character spans with their CoNLL types."""
    lines: list[str] = []
    gold: set[tuple[int, int, str]] = set()
    at = 0
    for words, tags in sentences:
        starts, ends = word_offsets(words)
        for first, last, kind in entity_set(tags):
            gold.add((at + int(starts[first]), at + int(ends[last - 1]), kind))
        lines.append(" ".join(words))
        at += len(lines[-1]) + 1
    return "\n".join(lines), gold


def eval_conll_documents(split: str = "dev", limit: int | None = None) -> dict[str, Any]:
    """Per-type and micro P/R/F1 of entities.v1 (tagger and document-level repairs) over the
    split's documents (the first `limit` of them)."""
    from newsprism.document import Document
    from newsprism.pipeline import build_pipeline

    config = load_config()
    steps = PipelineOptions().default
    pipeline = build_pipeline(config, names=steps[: steps.index("entities.v1") + 1])
    documents = [document_text(d) for d in load_conll_documents(split)[:limit]]
    per_type: dict[str, PRF] = {}
    micro = PRF()
    analysed = pipeline.run(
        [Document(f"conll-{k}", text) for k, (text, _) in enumerate(documents)],
        batch_size=config.encoder.batch_size,
    )
    for doc, (_, gold) in zip(analysed, documents, strict=True):
        pred = {
            (s.start, s.end, CONLL_TYPE[s.label])
            for s in doc.layer("entities")
            if s.label in CONLL_TYPE
        }
        _count(per_type, micro, pred, gold)
    return {
        "split": split,
        "documents": len(documents),
        "sentences": sum(text.count("\n") + 1 for text, _ in documents),
        "types": {k: v.as_dict() for k, v in sorted(per_type.items())},
        "micro": micro.as_dict(),
    }


def _count(
    per_type: dict[str, PRF],
    micro: PRF,
    pred: set[tuple[int, int, str]],
    gold: set[tuple[int, int, str]],
) -> None:
    """Add one unit's predicted and gold entities to the per-type and micro counts."""
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


def format_scores(scores: dict[str, Any]) -> str:
    """A plain per-type table."""
    unit = f"{scores['documents']} documents, " if "documents" in scores else ""
    lines = [f"CoNLL-2003 {scores['split']}: {unit}{scores['sentences']} sentences"]
    lines.append(f"{'type':8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>8}")
    rows = [*scores["types"].items(), ("micro", scores["micro"])]
    for kind, s in rows:
        lines.append(
            f"{kind:8}{s['precision']:8.3f}{s['recall']:8.3f}{s['f1']:8.3f}{s['n_gold']:8d}"
        )
    return "\n".join(lines)
