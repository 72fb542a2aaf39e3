"""attribution_head: BIO decoding constraints, word-piece pooling, and the packaged head's shape."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from newsprism.analyzers.attribution_head import (
    BIO_TAGS,
    HEAD_FILE,
    bio_segments,
    load_span_head,
    viterbi,
    word_features,
    word_vectors,
)
from newsprism.analyzers.attribution_tagger import tokenize


def test_viterbi_never_starts_inside_or_jumps_roles() -> None:
    # Scores that greedily read I-CON first and I-SRC after a B-CUE: both are forbidden.
    scores = np.full((3, len(BIO_TAGS)), -5.0, dtype=np.float32)
    scores[0, BIO_TAGS.index("I-CON")] = 0.0
    scores[0, BIO_TAGS.index("B-CON")] = -1.0
    scores[1, BIO_TAGS.index("B-CUE")] = 0.0
    scores[2, BIO_TAGS.index("I-SRC")] = 0.0
    scores[2, BIO_TAGS.index("O")] = -1.0
    path = [BIO_TAGS[k] for k in viterbi(scores, np.zeros((7, 7), dtype=np.float32))]
    assert path == ["B-CON", "B-CUE", "O"]


def test_bio_segments_split_adjacent_runs() -> None:
    tags = ["B-SRC", "B-CUE", "B-CON", "I-CON", "B-CON", "O", "I-CUE"]
    assert bio_segments(tags) == [
        ("SRC", 0, 1),
        ("CUE", 1, 2),
        ("CON", 2, 4),
        ("CON", 4, 5),
        ("CUE", 6, 7),
    ]


def test_word_vectors_average_the_pieces_inside_each_word() -> None:
    tokens = tokenize("Konashenkov said no.")
    # Pieces: "kona" "##shen" "##kov" "said" "no" "." (document offsets).
    offsets = np.array([[0, 4], [4, 8], [8, 11], [12, 16], [17, 19], [19, 20]], dtype=np.int64)
    vectors = np.arange(12, dtype=np.float32).reshape(6, 2)
    out = word_vectors(tokens, offsets, vectors)
    assert out.shape == (4, 2)
    np.testing.assert_allclose(out[0], vectors[:3].mean(axis=0))
    np.testing.assert_allclose(out[1:], vectors[3:])
    assert word_vectors([], offsets, vectors).shape == (0, 2)


def test_packaged_head_is_small_and_reads_its_features() -> None:
    path = Path(__file__).resolve().parents[2] / "src" / "newsprism" / "models" / "heads"
    assert (path / HEAD_FILE).stat().st_size < 10_000_000
    head = load_span_head()
    tokens = tokenize('The ministry said "it never happened."')
    feats = word_features(tokens, head.vocab, head.cue_prob)
    vectors = np.zeros((len(tokens), 384), dtype=np.float32)
    tags = head.tag(vectors, feats)
    assert len(tags) == len(tokens) and all(t in BIO_TAGS for t in tags)
