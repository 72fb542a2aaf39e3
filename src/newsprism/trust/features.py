"""The trust model's feature vector of each document in a corpus, and the evidence behind it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from newsprism.config import Config
from newsprism.document import Document
from newsprism.trust.corroboration import Corroboration, context_doc, corroborate
from newsprism.trust.profile import ClaimProfile, Persuasion, claim_profile, persuasion

FEATURE_NAMES = (
    "same_place_outlets",
    "similar_outlets",
    "named_share",
    "anonymous_share",
    "unattributed_share",
    "denial_share",
    "persuasion_per_100",
)
"""Inputs of the combined trust model, in order (see `DocumentEvidence.features`).

The event corroboration counts (`event_outlets`, `killed_agree_outlets`,
`killed_conflict_outlets`) are computed and shown as evidence but are not model inputs: adding
them lowered FA-KES leave-outlets-out balanced accuracy (0.548 -> 0.540; see defaults.toml).
"""


@dataclass(frozen=True, slots=True)
class DocumentEvidence:
    """Everything the trust score of one document rests on (before the source prior)."""

    corroboration: Corroboration
    profile: ClaimProfile
    persuasion: Persuasion

    def features(self) -> dict[str, float]:
        """Feature values by name (FEATURE_NAMES)."""
        values: dict[str, float] = {}
        values.update(self.corroboration.features())
        values.update(self.profile.features())
        values["persuasion_per_100"] = self.persuasion.per_100_sentences
        return values

    def vector(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The features in FEATURE_NAMES order."""
        values = self.features()
        return np.asarray([values[name] for name in FEATURE_NAMES], dtype=np.float64)


def corpus_evidence(docs: Sequence[Document], config: Config) -> list[DocumentEvidence]:
    """Evidence for every document, the corpus being the context for corroboration."""
    options = config.trust
    found = corroborate(
        [context_doc(d) for d in docs],
        place_days=options.place_days,
        similar_days=options.similar_days,
        similar_min=options.similar_min,
        event_km=options.event_km,
        event_days=options.event_days,
        killed_tolerance=options.killed_tolerance,
    )
    return [
        DocumentEvidence(c, claim_profile(d), persuasion(d))
        for d, c in zip(docs, found, strict=True)
    ]


def corpus_features(
    docs: Sequence[Document], config: Config
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """[n_docs, len(FEATURE_NAMES)] feature matrix."""
    rows = [e.vector() for e in corpus_evidence(docs, config)]
    if not rows:
        return np.zeros((0, len(FEATURE_NAMES)))
    return np.vstack(rows)
