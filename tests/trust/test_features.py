"""The trust feature vector: claim grades as shares, NaN where the corpus was not graded."""

from __future__ import annotations

import math

from newsprism.config import Config
from newsprism.document import Document
from newsprism.trust.features import FEATURE_NAMES, corpus_evidence, grade_shares


def test_grade_shares() -> None:
    assert grade_shares(
        {"corroborated": 2, "confirmed": 1, "contested": 1, "single_source": 4}
    ) == (
        3 / 8,
        1 / 8,
    )
    assert grade_shares({}) == (0.0, 0.0)
    assert all(math.isnan(v) for v in grade_shares(None))


def test_corpus_evidence_with_and_without_grades(config: Config) -> None:
    docs = [
        Document("a", "Warplanes struck Idlib, killing five.", {"outlet": "x"}),
        Document("b", "Rebels shelled Aleppo.", {"outlet": "y"}),
    ]
    graded = corpus_evidence(docs, config, {"a": {"denied": 1, "single_source": 1}})
    assert graded[0].features()["grade_disputed_share"] == 0.5
    # In a graded corpus, a document without graded claims has none supported or disputed.
    assert graded[1].grades == {} and graded[1].features()["grade_supported_share"] == 0.0
    ungraded = corpus_evidence(docs, config)
    vector = ungraded[0].vector()
    assert len(vector) == len(FEATURE_NAMES)
    assert math.isnan(vector[FEATURE_NAMES.index("grade_supported_share")])
