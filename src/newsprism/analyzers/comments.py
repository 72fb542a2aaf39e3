"""`comments.v1`: flags reader comments that are hateful or offensive, and the groups they target.

Runs on the `comment` spans of the `sections` layer only; comments never feed article scores.
Two hashed bag-of-words heads (trained by `python -m newsprism.train.comments` on Davidson et al.
tweets and HateXplain posts) give P(hate) and P(abusive = hate or offensive); a lexicon
(`trust/lexicon.py`) names target groups and coded slurs ("ZOG", "IzraHell"), which make a
comment hateful whatever the model says, since such terms are rare in the training posts; the
peoples and faiths the entity tagger finds in a comment (NORP) name its other targets.
Layer `comment_flags`: one span per flagged comment (its offsets), label `hate` or `offensive`,
score = the deciding probability (1.0 for a slur), attrs `comment` (section span id),
`targets` (groups), `terms` ([start, end, group] of each lexicon hit), `p_hate`, `p_abusive`.
Score `comment_flags`: value = share of comments flagged, with counts and span ids.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.registry import Analyzer, register
from newsprism.trust.hashed import hashed_features, predict_hashed
from newsprism.trust.lexicon import LexiconHit, lexicon_hits

LAYER = "comment_flags"
HEAD_FILE = "comment_flags.npz"
HEADS_DIR = Path(__file__).resolve().parents[1] / "models" / "heads"
BITS = 17
"""2^17 hashed buckets: 0.5 MB of float32 per head, few collisions for ~40k short posts."""


def save_head(path: Path, head: dict[str, Any], report: dict[str, Any]) -> None:
    """Write both heads and the training report into one compressed .npz."""
    import json

    np.savez_compressed(
        path,
        hate_weights=head["hate"]["weights"],
        hate_bias=np.asarray(head["hate"]["bias"]),
        abusive_weights=head["abusive"]["weights"],
        abusive_bias=np.asarray(head["abusive"]["bias"]),
        report=np.asarray(json.dumps(report, sort_keys=True)),
    )


@lru_cache(maxsize=2)
def load_head(directory: Path = HEADS_DIR) -> dict[str, tuple[np.ndarray[Any, Any], float]]:
    """{"hate": (weights, bias), "abusive": (weights, bias)}; E305 when never trained."""
    path = directory / HEAD_FILE
    try:
        with np.load(path) as data:
            return {
                name: (data[f"{name}_weights"].astype(np.float64), float(data[f"{name}_bias"]))
                for name in ("hate", "abusive")
            }
    except FileNotFoundError:
        raise NewsprismError(
            Code.HEAD_MISSING, str(path), "run `python -m newsprism.train.comments`"
        ) from None


def reader_comments(doc: Document) -> list[Span]:
    """The reader comments of `doc`: its `comment` sections."""
    return [s for s in doc.layer("sections") if s.label == "comment"]


def flag_comments(doc: Document, minimum: float) -> list[Span]:
    """One `comment_flags` span per hateful or offensive comment of `doc`."""
    comments = reader_comments(doc)
    if not comments:
        return []
    peoples = [m for m in doc.layer("entities") if m.label == "NORP"]
    head = load_head()
    texts = [doc.span_text(c) for c in comments]
    rows = [hashed_features(t, BITS) for t in texts]
    p_hate = predict_hashed(rows, *head["hate"])
    p_abusive = predict_hashed(rows, *head["abusive"])
    flags: list[Span] = []
    for comment, text, ph, pa in zip(comments, texts, p_hate, p_abusive, strict=True):
        hits = lexicon_hits(text)
        hits += named_groups(doc, comment, hits, peoples)
        slur = any(h.slur for h in hits)
        # Hate is a kind of abuse: the hate head alone over-fires on short benign comments.
        if slur or (ph >= minimum and pa >= minimum):
            label, score = "hate", 1.0 if slur else float(ph)
        elif pa >= minimum:
            label, score = "offensive", float(pa)
        else:
            continue
        attrs = {
            "comment": comment.id,
            # A slur names its target; otherwise every group the comment mentions is a candidate.
            "targets": sorted({h.group for h in hits if h.slur or not slur}),
            "terms": [[comment.start + h.start, comment.start + h.end, h.group] for h in hits],
            "slur": slur,
            "p_hate": round(float(ph), 4),
            "p_abusive": round(float(pa), 4),
        }
        flags.append(Span(comment.start, comment.end, label, score=round(score, 4), attrs=attrs))
    return flags


_GROUP_FOLLOWS = re.compile(
    r"\s*(?:$|[^\w\s]|(?:are|were|is|was|should|must|will|would|have|has|had|who|that|do|did|"
    r"does|can|deserve|deserves|breed|need|want|always|never|all)\b)",
    re.IGNORECASE,
)
"""What follows a people's name that stands for the people ("The Dalmyri are all rats"), not
for an adjective of a noun ("Syrian and Russian fighter aircraft", "Western newsrooms")."""


def named_groups(
    doc: Document, comment: Span, hits: list[LexiconHit], peoples: Sequence[Span]
) -> list[LexiconHit]:
    """Peoples and faiths the entity tagger finds in a comment (`peoples`: the document's NORP
    entities) that the lexicon does not
    cover, as group words: "The Dalmyri are all rats", "devoid of Syrians". The lexicon knows
    the usual targets; a comment section's own conflict names its own ("Alawites", "Kurds",
    a people of a region the lexicon never heard of). A plural, or a name the sentence goes on
    from as a subject ("are", "should"), stands for the people; an adjective ("Syrian
    opposition") does not."""
    text = doc.text
    covered = [(comment.start + h.start, comment.start + h.end) for h in hits]
    found = []
    for mention in peoples:
        if not comment.start <= mention.start < mention.end <= comment.end:
            continue
        if any(a < mention.end and mention.start < b for a, b in covered):
            continue
        name = text[mention.start : mention.end]
        plural = name.endswith("s") and len(name) > 4
        if not plural and not _GROUP_FOLLOWS.match(text, mention.end, comment.end):
            continue
        group = name.casefold()[:-1] if plural else name.casefold()
        found.append(
            LexiconHit(mention.start - comment.start, mention.end - comment.start, group, False)
        )
    return found


def flags_score(doc: Document, comments: int) -> dict[str, Any]:
    """The document-level `comment_flags` score (comments only; never an article score)."""
    spans = doc.layer(LAYER)
    hate = [s.id for s in spans if s.label == "hate"]
    offensive = [s.id for s in spans if s.label == "offensive"]
    targets = sorted({t for s in spans for t in s.attrs.get("targets", [])})
    return {
        "value": round(len(spans) / comments, 4) if comments else 0.0,
        "comments": comments,
        "hate": len(hate),
        "offensive": len(offensive),
        "targets": targets,
        "evidence": hate + offensive,
    }


@register
class CommentsAnalyzer(Analyzer):
    """Flags hateful and offensive reader comments with their target groups."""

    name = "comments.v1"
    requires = ("sections", "entities")
    produces = (LAYER,)
    model_version = "davidson-hatexplain-hashed-1"

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `comment_flags` layer and score."""
        doc = doc.with_layer(LAYER, flag_comments(doc, self.config.trust.comment_flag_min))
        comments = len(reader_comments(doc))
        return doc.with_score(LAYER, flags_score(doc, comments))
