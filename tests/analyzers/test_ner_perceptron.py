"""The perceptron's fast scoring equals its definition: features as strings, summed, greedy steps.

The encoder NER head reads these scores as inputs, so the cached-block path must reproduce what
the head was trained on. The reference below is the per-feature string look-up it replaced.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from newsprism.analyzers.attribution_head import piece_means, viterbi, viterbi_batch
from newsprism.analyzers.entities import tokenize_words
from newsprism.analyzers.ner_perceptron import NER_TAGS, NerHead, load_ner_head, ner_features


def _reference(head: NerHead, words: list[str]) -> tuple[list[str], np.ndarray]:
    """Greedy tags and step scores from the feature strings (the training-time definition)."""
    rows = np.zeros((len(words), len(NER_TAGS)))
    for i, feats in enumerate(ner_features(words)):
        for feat in feats:
            if feat in head.index:
                rows[i] += head.matrix[head.index[feat]]
    tags: list[str] = []
    prev = 0
    for i in range(len(words)):
        rows[i] += head.matrix[head.index["t1=" + NER_TAGS[prev]]]
        best = NER_TAGS[int(rows[i].argmax())]
        if best.startswith("I-") and NER_TAGS[prev][2:] != best[2:]:
            best = "B-" + best[2:]
        tags.append(best)
        prev = NER_TAGS.index(best)
    return tags, rows


def _sentences(text: str) -> list[list[str]]:
    return [[w for _, _, w in tokenize_words(line)] for line in text.splitlines()]


def test_fast_scores_equal_the_string_features(seed_000: Path) -> None:
    """Every line of seed 000 (and edge cases: one word, empty, ALL CAPS, unicode) scored at once
    gives the tags and scores of each sentence scored alone the slow way."""
    head = load_ner_head()
    sentences = _sentences(seed_000.read_text(encoding="utf-8"))
    sentences += [["Konashenkov"], [], ["NATO", "SAID", "Россия", "’", "U.S.", "1,200"]]
    tags, scores = head.sentence_scores(sentences)
    assert len(tags) == len(scores) == len(sentences)
    assert sum(len(s) for s in sentences) > 500
    for words, got_tags, got_scores in zip(sentences, tags, scores, strict=True):
        want_tags, want_scores = _reference(head, words)
        assert got_tags == want_tags
        np.testing.assert_allclose(got_scores, want_scores, rtol=1e-5, atol=1e-5)


def test_word_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    """A stream of distinct words never grows the block cache past its limit."""
    import newsprism.analyzers.ner_perceptron as module

    monkeypatch.setattr(module, "_WORD_CACHE_LIMIT", 50)
    head = load_ner_head()
    head._blocks.clear()
    words = [f"Word{i}" for i in range(120)]
    tags, _ = head.sentence_scores([words])
    assert len(head._blocks) <= 50
    assert tags[0] == _reference(head, words)[0]


def test_viterbi_batch_equals_one_at_a_time() -> None:
    rng = np.random.default_rng(3)
    trans = rng.normal(size=(len(NER_TAGS), len(NER_TAGS))).astype(np.float32)
    seqs = [rng.normal(size=(n, len(NER_TAGS))).astype(np.float32) for n in (5, 1, 0, 17, 2)]
    got = viterbi_batch(seqs, trans, NER_TAGS)
    want = [viterbi(s, trans, NER_TAGS) if len(s) else [] for s in seqs]
    assert got == want


def test_piece_means_averages_the_pieces_inside_each_word() -> None:
    offsets = np.array([[0, 3], [3, 5], [6, 9], [10, 11]])
    vectors = np.arange(8, dtype=np.float32).reshape(4, 2)
    starts = np.array([0, 6, 12])
    ends = np.array([5, 11, 13])
    out = piece_means(starts, ends, offsets, vectors)
    np.testing.assert_allclose(out, [[1.0, 2.0], [5.0, 6.0], [0.0, 0.0]])
