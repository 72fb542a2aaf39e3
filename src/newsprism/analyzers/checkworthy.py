"""`checkworthy.v1`: marks sentences that state checkable facts (a head over the shared encoder).

The head is a logistic regression over each sentence's MiniLM vector (from the `encoder.v1` pass)
plus cheap surface features the uncased encoder misses or underweights: numbers, capitalised
names, speech verbs, first/second person and question marks. Trained on the ClaimBuster-derived
sentences in `checkworthy/` by `python -m newsprism.train.checkworthy` (F1 on its test file is
stored in the head). Layer `checkworthy`: one span per check-worthy sentence of the article
(comments and boilerplate are skipped), label `checkworthy`, score = the head's probability,
attrs `sentence` (the sentence span id).
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.registry import Analyzer, register
from newsprism.trust.calibration import LinearModel

LAYER = "checkworthy"
HEAD_FILE = "checkworthy.json.gz"
HEADS_DIR = Path(__file__).resolve().parents[1] / "models" / "heads"

_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|"
    r"billion|dozens?|percent)\b",
    re.IGNORECASE,
)
_CAPITAL = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+")
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|stated|reported|according|announced|claimed|denied)\b", re.I
)
_PERSONAL = re.compile(r"\b(?:I|I'm|I've|we|we're|you|you're|my|our|your)\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")

SURFACE_NAMES = (
    "has_number",
    "numbers",
    "capitalised",
    "speech_verb",
    "personal",
    "question",
    "log_words",
)


def surface_features(text: str) -> list[float]:
    """Cheap per-sentence features, in SURFACE_NAMES order."""
    words = len(_WORD.findall(text))
    numbers = len(_NUMBER.findall(text))
    return [
        float(numbers > 0),
        float(min(numbers, 5)),
        float(min(len(_CAPITAL.findall(text)), 8)),
        float(bool(_SPEECH.search(text))),
        float(min(len(_PERSONAL.findall(text)), 4)),
        float("?" in text),
        float(np.log1p(words)),
    ]


def feature_matrix(texts: list[str], vectors: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """[n, 384 + len(SURFACE_NAMES)]: sentence vectors next to the surface features."""
    surface = np.asarray([surface_features(t) for t in texts], dtype=np.float64).reshape(
        len(texts), len(SURFACE_NAMES)
    )
    return np.hstack([np.asarray(vectors, dtype=np.float64).reshape(len(texts), -1), surface])


@lru_cache(maxsize=2)
def load_head(directory: Path = HEADS_DIR) -> tuple[LinearModel, dict[str, Any]]:
    """The trained head and its training report (E305 when it was never trained)."""
    path = directory / HEAD_FILE
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
    except FileNotFoundError:
        raise NewsprismError(
            Code.HEAD_MISSING, str(path), "run `python -m newsprism.train.checkworthy`"
        ) from None
    return LinearModel.from_dict(data["model"]), data.get("report", {})


def checkworthy_spans(
    doc: Document, vectors: np.ndarray[Any, Any], spans: np.ndarray[Any, Any], minimum: float
) -> list[Span]:
    """Check-worthy article sentences, given the encoder's sentence vectors and their offsets."""
    from newsprism.trust.profile import article_sentences

    model, _ = load_head()
    index = {(int(a), int(b)): i for i, (a, b) in enumerate(np.asarray(spans).reshape(-1, 2))}
    chosen = [s for s in article_sentences(doc) if (s.start, s.end) in index]
    if not chosen:
        return []
    texts = [doc.span_text(s) for s in chosen]
    rows = np.asarray(vectors)[[index[(s.start, s.end)] for s in chosen]]
    probabilities = model.predict(feature_matrix(texts, rows))
    return [
        Span(s.start, s.end, LAYER, score=round(float(p), 4), attrs={"sentence": s.id})
        for s, p in zip(chosen, probabilities, strict=True)
        if p >= minimum
    ]


@register
class CheckworthyAnalyzer(Analyzer):
    """Scores each article sentence for check-worthiness over the shared encoder pass."""

    name = "checkworthy.v1"
    requires = ("sentences", "feature:encoder")
    produces = (LAYER,)
    model_version = "claimbuster-logreg-1"

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `checkworthy` layer."""
        from newsprism.analyzers.encoder import encoder_feature

        encoding = encoder_feature(features)
        spans = checkworthy_spans(
            doc,
            encoding.sentence_vectors,
            encoding.sentence_spans,
            self.config.trust.checkworthy_min,
        )
        return doc.with_layer(LAYER, spans)
