"""The combined, calibrated trust score of a document and its weighted components.

`value = sigmoid(model logit + source_weight * logit(source prior))`. The model is a
class-balanced logistic regression over the evidence features (`trust/features.py`: corroboration
by other outlets, the corpus analysis's claim grades, claim profile, persuasion), fitted on
FA-KES by `python -m newsprism.train.trust` (its leave-outlets-out scores are in the head's
report); logistic regression is calibrated by construction (Platt scaling is a logistic fit of a
score). The source prior, when a list names the outlet, adds its log-odds with a fixed weight
(`trust.source_weight`). Every component shows its features, their fitted weights, its share
of the logit and the evidence (span ids, corroborating document ids, list labels).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.document import Document
from newsprism.errors import Code, NewsprismError
from newsprism.trust.calibration import LinearModel
from newsprism.trust.display import DOCUMENT_REF
from newsprism.trust.features import DocumentEvidence
from newsprism.trust.sources import SourcePrior

HEAD_FILE = "trust.json"
HEADS_DIR = Path(__file__).resolve().parents[1] / "models" / "heads"

COMPONENTS: dict[str, tuple[str, ...]] = {
    "corroboration": (
        "same_place_outlets",
        "similar_outlets",
        "grade_supported_share",
        "grade_disputed_share",
    ),
    "claim_profile": ("named_share", "anonymous_share", "unattributed_share", "denial_share"),
    "persuasion": ("persuasion_per_100",),
}
"""Model features grouped into the components a reader sees."""


@lru_cache(maxsize=2)
def load_model(directory: Path = HEADS_DIR) -> tuple[LinearModel, dict[str, Any]]:
    """The fitted trust model and its training report (E305 when never trained)."""
    path = directory / HEAD_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsprismError(
            Code.HEAD_MISSING, str(path), "run `python -m newsprism.train.trust`"
        ) from None
    return LinearModel.from_dict(data["model"]), data.get("report", {})


def _value(x: float) -> float | None:
    """A feature value for JSON: rounded, None when missing (NaN)."""
    return None if math.isnan(x) else round(x, 4)


def _logit(p: float) -> float:
    p = min(max(p, 1e-4), 1 - 1e-4)
    return math.log(p / (1 - p))


def trust_score(
    doc: Document,
    evidence: DocumentEvidence,
    prior: SourcePrior,
    model: LinearModel,
    source_weight: float,
) -> dict[str, Any]:
    """The `scores.trust` object: value in [0, 1] (>= 0.5 reads as credible) and components.

    The claim grades (`evidence.grades`) are part of the corroboration component; where the corpus
    analysis has not graded the document they are missing (value null) and contribute nothing.
    """
    features = evidence.features()
    row = np.asarray([features[n] for n in model.names], dtype=np.float64)
    shares = dict(zip(model.names, model.contributions(row), strict=True))
    coefficients = dict(zip(model.names, model.weights / model.scale, strict=True))
    evidence_of: dict[str, list[Any]] = {
        "corroboration": [
            *[f"{DOCUMENT_REF}{d}" for d in evidence.corroboration.similar_docs],
            *[f"{DOCUMENT_REF}{d}" for d in evidence.corroboration.same_place_docs],
        ],
        "claim_profile": [
            *evidence.profile.named,
            *evidence.profile.anonymous,
            *evidence.profile.unattributed,
        ],
        "persuasion": list(evidence.persuasion.spans),
    }
    details: dict[str, dict[str, Any]] = {
        "corroboration": {
            "same_place_outlets": list(evidence.corroboration.same_place_outlets),
            "similar_outlets": list(evidence.corroboration.similar_outlets),
            # Shown, not weighted (not model inputs: see trust/features.py FEATURE_NAMES).
            "event_outlets": list(evidence.corroboration.event_outlets),
            "killed_agree_outlets": list(evidence.corroboration.killed_agree_outlets),
            "killed_conflict_outlets": list(evidence.corroboration.killed_conflict_outlets),
            "lead_toll": evidence.corroboration.toll,
            "others_lead_toll": evidence.corroboration.toll_others,
            "toll_outlets": list(evidence.corroboration.toll_outlets),
            "dated": evidence.corroboration.dated,
            "assessed": evidence.corroboration.assessed,
            "grades": None if evidence.grades is None else dict(evidence.grades),
        },
        "claim_profile": evidence.profile.to_dict(),
        "persuasion": evidence.persuasion.to_dict(),
    }
    if not evidence.corroboration.assessed:
        # Shown as "unknown (...)": nothing in the context could have corroborated it.
        details["corroboration"]["reason"] = (
            "no other outlet in context" if evidence.corroboration.dated else "undated"
        )
    components: list[dict[str, Any]] = [
        {
            "name": "checkworthy_claims",
            "value": len(doc.layer("checkworthy")),
            "weight": 0.0,
            "contribution": 0.0,
            "note": "the factual sentences the claim profile counts",
            "evidence": [s.id for s in doc.layer("checkworthy")],
        }
    ]
    logit = model.bias
    for name, names in COMPONENTS.items():
        # A feature the stored head was not fitted with weighs nothing (an older head file).
        contribution = float(sum(shares.get(n, 0.0) for n in names))
        logit += contribution
        components.append(
            {
                "name": name,
                "value": {n: _value(features[n]) for n in names},
                "weight": {n: round(float(coefficients.get(n, 0.0)), 4) for n in names},
                "contribution": round(contribution, 4),
                "details": details[name],
                "evidence": evidence_of[name],
            }
        )
    prior_share = source_weight * _logit(prior.value) if prior.value is not None else 0.0
    logit += prior_share
    components.insert(
        1,
        {
            "name": "source_prior",
            "value": prior.value,
            "weight": source_weight,
            "contribution": round(prior_share, 4),
            "details": prior.to_dict(),
            "evidence": [f"outlet:{prior.matched}"] if prior.matched else [],
        },
    )
    value = 1.0 / (1.0 + math.exp(-logit))
    return {
        "value": round(value, 4),
        "credible": value >= 0.5,
        "bias": round(model.bias, 4),
        "components": components,
    }
