"""The trust model's feature vector of each document in a corpus, and the evidence behind it."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsprism.config import Config, TrustOptions
from newsprism.document import Document
from newsprism.trust.corroboration import ContextDoc, Corroboration, context_doc, corroborate
from newsprism.trust.profile import ClaimProfile, Persuasion, claim_profile, persuasion

FEATURE_NAMES = (
    "same_place_outlets",
    "similar_outlets",
    "named_share",
    "anonymous_share",
    "unattributed_share",
    "denial_share",
    "persuasion_per_100",
    "grade_supported_share",
    "grade_disputed_share",
)
"""Inputs of the combined trust model, in order (see `DocumentEvidence.features`).

The event corroboration counts (`event_outlets`, `killed_agree_outlets`,
`killed_conflict_outlets`) and the lead toll against the other outlets' (`toll_vs_others`) are
computed and shown as evidence but are not model inputs: they did not raise FA-KES
leave-outlets-out balanced accuracy (0.548 -> 0.540 and 0.544; see defaults.toml). The claim
grades of the corpus analysis are inputs; where it has not run they are missing (NaN) and move the
score neither way.
"""

FEATURE_SIGNS = {
    "same_place_outlets": 1,
    "similar_outlets": 1,
    "named_share": 1,
    "anonymous_share": -1,
    "unattributed_share": -1,
    "denial_share": -1,
    "persuasion_per_100": -1,
    "grade_supported_share": 1,
    "grade_disputed_share": -1,
}
"""The direction each input may move the trust score (absent: either way). On FA-KES every input
but `same_place_outlets` is at chance within outlets, so unconstrained weights take whatever sign
the noise gives them: persuasion and unattributed claims had raised the score of a propaganda
blog, and quoted denials (in 2% of FA-KES articles, AUC 0.51) had made a ministry's statement
denying civilian casualties read 0.81, credible. A quoted denial marks a claim as contested, as
the `denied` grade does. The fit drops an input whose weight comes out against its sign
(`fit_logistic`'s `signs`): FA-KES leave-outlets-out balanced accuracy 0.535 -> 0.523, AUC
0.525 -> 0.531, inside what any upstream change moves them (about 0.01)."""


def feature_signs(names: Sequence[str] = FEATURE_NAMES) -> list[int]:
    """`FEATURE_SIGNS` in the order of `names` (0 for a free input)."""
    return [FEATURE_SIGNS.get(name, 0) for name in names]


SUPPORTED_GRADES = ("confirmed", "corroborated")
DISPUTED_GRADES = ("contested", "denied")


def grade_shares(grades: Mapping[str, int] | None) -> tuple[float, float]:
    """(supported, disputed) shares of a document's graded claims; NaN when never graded."""
    if grades is None:
        return math.nan, math.nan
    total = sum(grades.values())
    if not total:
        return 0.0, 0.0
    supported = sum(grades.get(g, 0) for g in SUPPORTED_GRADES)
    disputed = sum(grades.get(g, 0) for g in DISPUTED_GRADES)
    return supported / total, disputed / total


@dataclass(frozen=True, slots=True)
class DocumentEvidence:
    """Everything the trust score of one document rests on (before the source prior)."""

    corroboration: Corroboration
    profile: ClaimProfile
    persuasion: Persuasion
    grades: Mapping[str, int] | None = field(default=None)
    """Claims of the document per corroboration grade (`corpus/grades.py`); None: not graded."""

    def features(self) -> dict[str, float]:
        """Feature values by name (FEATURE_NAMES and the shown-only evidence counts)."""
        values: dict[str, float] = {}
        values.update(self.corroboration.features())
        values.update(self.profile.features())
        values["persuasion_per_100"] = self.persuasion.per_100_sentences
        supported, disputed = grade_shares(self.grades)
        values["grade_supported_share"] = supported
        values["grade_disputed_share"] = disputed
        return values

    def vector(self) -> np.ndarray[Any, np.dtype[np.float64]]:
        """The features in FEATURE_NAMES order."""
        values = self.features()
        return np.asarray([values[name] for name in FEATURE_NAMES], dtype=np.float64)


def corroborate_with(
    contexts: Sequence[ContextDoc],
    options: TrustOptions,
    vectors: Callable[[int], Mapping[str, float]] | None = None,
) -> list[Corroboration]:
    """`corroborate` with the windows and thresholds of the [trust] options."""
    return corroborate(
        contexts,
        place_days=options.place_days,
        similar_days=options.similar_days,
        similar_min=options.similar_min,
        event_km=options.event_km,
        event_days=options.event_days,
        killed_tolerance=options.killed_tolerance,
        vectors=vectors,
    )


def corpus_evidence(
    docs: Sequence[Document],
    config: Config,
    grades: Mapping[str, Mapping[str, int]] | None = None,
) -> list[DocumentEvidence]:
    """Evidence for every document, the corpus being the context for corroboration.

    `grades` maps document ids to their claim counts per grade, from the corpus analysis
    (`newsprism stories`); without it the grades are missing (NaN features, no contribution).
    """
    found = corroborate_with([context_doc(d) for d in docs], config.trust)
    return [
        DocumentEvidence(
            # In a graded corpus a document without graded claims has none supported or disputed.
            c,
            claim_profile(d),
            persuasion(d),
            None if grades is None else grades.get(d.id, {}),
        )
        for d, c in zip(docs, found, strict=True)
    ]


def corpus_features(
    docs: Sequence[Document],
    config: Config,
    grades: Mapping[str, Mapping[str, int]] | None = None,
) -> np.ndarray[Any, np.dtype[np.float64]]:
    """[n_docs, len(FEATURE_NAMES)] feature matrix (NaN where grades are missing)."""
    rows = [e.vector() for e in corpus_evidence(docs, config, grades)]
    if not rows:
        return np.zeros((0, len(FEATURE_NAMES)))
    return np.vstack(rows)
