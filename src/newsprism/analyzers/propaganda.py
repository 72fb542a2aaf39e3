"""The `propaganda.v1` analyzer: where an article persuades instead of informs (PTC techniques).

Reads the shared encoder pass, runs the trained heads (`newsprism.propaganda`: a BiLSTM span
tagger in ONNX Runtime, then a technique classifier per span in numpy), and adds a `propaganda`
layer (label = one of the 14 PTC technique names, `score` = the technique's probability,
`attrs.span_score` = the tagger's mean probability that the fragment is propaganda) and a
`propaganda_density` score.
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from newsprism.analyzers.blas import one_blas_thread
from newsprism.analyzers.sections import NOT_ARTICLE, section_at
from newsprism.config import Config
from newsprism.document import Document, Span
from newsprism.propaganda.encoding import HEAD_LAYERS, article_from_encoding, encode_documents
from newsprism.propaganda.heads import HEADS_DIR, SpanClassifier, SpanTagger
from newsprism.propaganda.infer import EncodedArticle, classify_many, detect_many
from newsprism.registry import Analyzer, Item, register

LAYER = "propaganda"
MODEL_VERSION = "ptc-bilstm-mlp.2"


@lru_cache(maxsize=4)
def load_heads(directory: Path = HEADS_DIR) -> tuple[SpanTagger, SpanClassifier]:
    """The SI and TC heads (loaded once per process; E305 when missing)."""
    return SpanTagger.load(directory), SpanClassifier.load(directory)


def _encoded(items: Sequence[Item], config: Config) -> list[EncodedArticle]:
    """Each item's encoder output; items whose encoding lacks the heads' layers are re-encoded.

    The heads mix encoder layers `HEAD_LAYERS`; when `[encoder] layers` leaves one out, the
    sentences are encoded again with those layers (a second pass: set `layers` in the config to
    avoid it).
    """
    from newsprism.analyzers.encoder import encoder_feature

    out: list[EncodedArticle | None] = []
    redo: list[int] = []
    for index, item in enumerate(items):
        encoding = encoder_feature(item.features)
        if set(HEAD_LAYERS) <= set(encoding.layers):
            out.append(article_from_encoding(item.doc.text, encoding))
        else:
            out.append(None)
            redo.append(index)
    if redo:
        print(
            f"propaganda.v1: encoder layers lack {HEAD_LAYERS}; encoding again "
            "(add them to [encoder] layers to save the second pass)",
            file=sys.stderr,
        )
        fresh = encode_documents([items[i].doc for i in redo], config)
        for index, article in zip(redo, fresh, strict=True):
            out[index] = article
    return [a for a in out if a is not None]


def _non_blank(text: str) -> int:
    """Characters of `text` that are not whitespace (`str.split` drops exactly the characters
    `str.isspace` names, in C rather than one Python step per character)."""
    return sum(len(piece) for piece in text.split())


def _non_blank_covered(text: str, ranges: Sequence[tuple[int, int]]) -> int:
    """Non-blank characters of `text` inside any of `ranges`, each counted once however many
    ranges cover it (overlapping spans, nested sections)."""
    total = 0
    covered_to = 0  # ranges in start order
    for start, end in sorted(ranges):
        start = max(start, covered_to)
        if end > start:
            total += _non_blank(text[start:end])
            covered_to = end
    return total


def density_score(doc: Document, spans: Sequence[Span]) -> dict[str, Any]:
    """Share of the article's non-blank characters inside technique spans, with the evidence.

    Reader comments and boilerplate (`sections.NOT_ARTICLE`) are not the article: their text and
    the spans found in it stay out of the density, which is an article score; how many spans
    they hold is given apart, per section label (`outside_article`).
    """
    where = [section_at(doc, (span.start + span.end) // 2, NOT_ARTICLE) for span in spans]
    outside = [(s.start, s.end) for s in doc.layer("sections") if s.label in NOT_ARTICLE]
    own = [span for span, label in zip(spans, where, strict=True) if label is None]
    visible = max(_non_blank(doc.text) - _non_blank_covered(doc.text, outside), 1)
    inside = _non_blank_covered(doc.text, [(span.start, span.end) for span in own])
    return {
        "value": round(min(inside / visible, 1.0), 4),
        "spans": len(own),
        "techniques": dict(Counter(s.label for s in own).most_common()),
        "evidence": [s.id for s in own],
        "outside_article": dict(Counter(label for label in where if label is not None)),
    }


def annotate_many(
    docs: Sequence[Document],
    articles: Sequence[EncodedArticle],
    heads: tuple[SpanTagger, SpanClassifier],
) -> list[Document]:
    """`annotate` for a batch: the tagger runs once over all the batch's sentences."""
    tagger, classifier = heads
    found = detect_many(tagger, classifier, articles)
    return [_with_spans(doc, spans) for doc, spans in zip(docs, found, strict=True)]


def annotate(
    doc: Document, article: EncodedArticle, heads: tuple[SpanTagger, SpanClassifier]
) -> Document:
    """`doc` with its `propaganda` layer and `propaganda_density` score."""
    return annotate_many([doc], [article], heads)[0]


def _with_spans(doc: Document, found: list[tuple[int, int, str, float, float]]) -> Document:
    """`doc` with the found spans as its `propaganda` layer and the density score."""
    spans = [
        Span(s, e, label, score=conf, attrs={"span_score": round(span_score, 4)})
        for s, e, label, conf, span_score in sorted(found)
    ]
    doc = doc.with_layer(LAYER, spans)
    return doc.with_score("propaganda_density", density_score(doc, doc.layer(LAYER)))


@register
class PropagandaAnalyzer(Analyzer):
    """Finds persuasion-technique spans with the trained heads over the shared encoder pass."""

    name = "propaganda.v1"
    requires = ("sentences", "feature:encoder")
    produces = (LAYER,)
    model_version = MODEL_VERSION

    def process(self, items: list[Item]) -> list[Item]:
        """Annotate a batch (heads are loaded once; re-encoding, if needed, is batched)."""
        heads = load_heads()
        articles = _encoded(items, self.config)
        with one_blas_thread():
            docs = annotate_many([item.doc for item in items], articles, heads)
        for item, doc in zip(items, docs, strict=True):
            item.doc = doc
        return items


def detect_documents(docs: Sequence[Document], config: Config) -> list[Document]:
    """Documents with their `propaganda` layer (sections, sentences and encoder run first)."""
    heads = load_heads()
    articles = encode_documents(docs, config)
    return annotate_many(docs, articles, heads)


def classify_spans(
    docs: Sequence[Document], spans: Sequence[Sequence[tuple[int, int]]], config: Config
) -> dict[str, list[str]]:
    """The technique of each given span, per document id (the TC task: spans are given)."""
    _, classifier = load_heads()
    articles = encode_documents(docs, config)
    with one_blas_thread():
        classified = classify_many(classifier, articles, spans)
    return {doc.id: labels for doc, (labels, _) in zip(docs, classified, strict=True)}
