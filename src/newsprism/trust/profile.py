"""What an article's own text shows: who its factual claims rest on, and how much it persuades.

- Claim profile (from `sentences` and `attributions`): the share of factual sentences attributed to
  named sources, to anonymous ones, or to nobody; denials among them; how deep relays go ("RT,
  citing Le Figaro, citing a source"). Factual sentences are the check-worthy ones when the
  `checkworthy` layer is present, else every body sentence.
- Persuasion (from `propaganda`): technique spans per 100 body sentences and their kinds.
Only the article's own statements count: sentences in `comment`, `boilerplate` and `byline`
sections are skipped (a byline says who wrote the piece and when, never a claim of it; captions
stay, since they state what a photograph shows).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from newsprism.analyzers.sections import NOT_ARTICLE, section_at
from newsprism.document import Document, Span

NAMED_TYPES = frozenset({"official", "military", "media", "ngo", "other"})
"""speaker_type values that name who speaks (`author` is the writer's own voice)."""


NOT_STATEMENTS = NOT_ARTICLE | {"byline"}
"""Section labels whose sentences are not the article's statements."""


def article_sentences(doc: Document) -> list[Span]:
    """Sentences outside comment, boilerplate and byline sections: the article's statements."""
    return [
        sentence
        for sentence in doc.layer("sentences")
        if section_at(doc, (sentence.start + sentence.end) // 2, NOT_STATEMENTS) is None
    ]


def _overlap(a: Span, start: int, end: int) -> int:
    return max(0, min(a.end, end) - max(a.start, start))


def _relay_depth(span: Span, by_id: dict[str, Span]) -> int:
    """Links in the `via` chain of an attribution (cycles cut)."""
    depth, seen, current = 0, {span.id}, span
    while True:
        via = current.attrs.get("via")
        if not isinstance(via, str) or via in seen or via not in by_id:
            return depth
        seen.add(via)
        current = by_id[via]
        depth += 1


@dataclass(frozen=True, slots=True)
class ClaimProfile:
    """Shares of factual sentences by attribution, with the spans behind each."""

    factual: int
    named: tuple[str, ...]
    anonymous: tuple[str, ...]
    unattributed: tuple[str, ...]
    denials: tuple[str, ...]
    max_relay_depth: int
    basis: str
    """`checkworthy` or `sentences`: which sentences counted as factual."""

    def share(self, part: Sequence[str]) -> float:
        """`len(part) / factual` (0 when there are no factual sentences)."""
        return len(part) / self.factual if self.factual else 0.0

    def features(self) -> dict[str, float]:
        """Model features in [0, 1] (shares) and small integers."""
        return {
            "named_share": self.share(self.named),
            "anonymous_share": self.share(self.anonymous),
            "unattributed_share": self.share(self.unattributed),
            "denial_share": self.share(self.denials),
        }

    def to_dict(self) -> dict[str, Any]:
        """JSON evidence: counts, shares and sentence/attribution ids."""
        return {
            "factual_sentences": self.factual,
            "basis": self.basis,
            **{k: round(v, 4) for k, v in self.features().items()},
            "max_relay_depth": self.max_relay_depth,
            "named": list(self.named),
            "anonymous": list(self.anonymous),
            "unattributed": list(self.unattributed),
            "denials": list(self.denials),
        }


def claim_profile(doc: Document) -> ClaimProfile:
    """Who the article's factual sentences rest on (see the module docstring)."""
    sentences = article_sentences(doc)
    checkworthy = doc.layers.get("checkworthy")
    basis = "sentences"
    if checkworthy is not None:
        wanted = {(s.start, s.end) for s in checkworthy}
        sentences = [s for s in sentences if (s.start, s.end) in wanted]
        basis = "checkworthy"
    attributions = list(doc.layer("attributions"))
    by_id = {a.id: a for a in attributions}
    named: list[str] = []
    anonymous: list[str] = []
    unattributed: list[str] = []
    denials: list[str] = []
    for sentence in sentences:
        # The attribution covering most of the sentence speaks for it.
        best = max(
            attributions,
            key=lambda a: _overlap(a, sentence.start, sentence.end),
            default=None,
        )
        if best is None or _overlap(best, sentence.start, sentence.end) * 2 < sentence.length:
            unattributed.append(sentence.id)
            continue
        kind = best.attrs.get("speaker_type")
        if kind == "anonymous":
            anonymous.append(sentence.id)
        elif kind in NAMED_TYPES:
            named.append(sentence.id)
        else:
            unattributed.append(sentence.id)
        if best.attrs.get("polarity") == "deny":
            denials.append(sentence.id)
    depth = max((_relay_depth(a, by_id) for a in attributions), default=0)
    return ClaimProfile(
        factual=len(sentences),
        named=tuple(named),
        anonymous=tuple(anonymous),
        unattributed=tuple(unattributed),
        denials=tuple(denials),
        max_relay_depth=depth,
        basis=basis,
    )


@dataclass(frozen=True, slots=True)
class Persuasion:
    """Technique spans in the article's own sentences."""

    sentences: int
    spans: tuple[str, ...]
    kinds: dict[str, int]
    present: bool
    """False when the document has no `propaganda` layer (not analysed, not "no techniques")."""

    @property
    def per_100_sentences(self) -> float:
        """Technique spans per 100 article sentences."""
        return 100.0 * len(self.spans) / self.sentences if self.sentences else 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON evidence."""
        return {
            "analysed": self.present,
            "spans_per_100_sentences": round(self.per_100_sentences, 3),
            "kinds": dict(self.kinds),
            "spans": list(self.spans),
        }


def persuasion(doc: Document) -> Persuasion:
    """Technique density and kinds over the article's sentences (comments excluded)."""
    sentences = article_sentences(doc)
    ranges = [(s.start, s.end) for s in sentences]
    spans = [
        s
        for s in doc.layer("propaganda")
        if any(a <= (s.start + s.end) // 2 < b for a, b in ranges)
    ]
    kinds = dict(Counter(s.label for s in spans).most_common())
    return Persuasion(len(sentences), tuple(s.id for s in spans), kinds, "propaganda" in doc.layers)
