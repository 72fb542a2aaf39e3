"""Stories: clusters of articles that report the same events, found without comparing all pairs.

Candidates come from random-hyperplane LSH over the lead vectors and from an inverted index of
the story-specific names two articles share (people, organisations, places rare in the corpus),
plus the duplicate links. Each candidate pair is scored (lead cosine blended with idf-weighted
name overlap) and must fall within the date window; the best `neighbours` pairs per article are
then merged strongest first with union-find, refusing a merge that would stretch a story past
`story_max_days`. Every article is in exactly one story; singletons are stories too.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from newsprism.config import CorpusOptions
from newsprism.corpus.articles import Article
from newsprism.corpus.dedup import DuplicateLink, UnionFind

_LSH_SEED = 20151009
"""Fixed seed for the hyperplanes: the same corpus gives the same stories on every run."""


@dataclass(slots=True)
class Story:
    """One story: its members (earliest first), a title and its date range."""

    id: str
    members: list[str]
    title: str
    first: date | None
    last: date | None
    sources: int
    scores: dict[str, float] = field(default_factory=dict)
    """Member -> its best link score inside the story (1.0 for a singleton)."""

    def to_dict(self) -> dict[str, object]:
        """The stable JSON form of `newsprism stories`."""
        return {
            "id": self.id,
            "title": self.title,
            "articles": list(self.members),
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
        }


def story_id(first_member: str) -> str:
    """A stable story id derived from its earliest member's document id."""
    return "s" + hashlib.sha1(first_member.encode("utf-8")).hexdigest()[:10]


def lsh_pairs(vectors: NDArray[np.float32], options: CorpusOptions) -> set[tuple[int, int]]:
    """Index pairs whose vectors share a bucket in at least one random-hyperplane table."""
    n, dim = vectors.shape
    pairs: set[tuple[int, int]] = set()
    if n < 2:
        return pairs
    rng = np.random.default_rng(_LSH_SEED)
    weights = 1 << np.arange(options.lsh_bits, dtype=np.int64)
    for _table in range(options.lsh_tables):
        planes = rng.standard_normal((options.lsh_bits, dim)).astype(np.float32)
        codes = ((vectors @ planes.T) > 0).astype(np.int64) @ weights
        buckets: dict[int, list[int]] = {}
        for index, code in enumerate(codes.tolist()):
            buckets.setdefault(code, []).append(index)
        for members in buckets.values():
            if 2 <= len(members) <= options.max_bucket:
                pairs.update(
                    (members[i], members[j])
                    for i in range(len(members))
                    for j in range(i + 1, len(members))
                )
    return pairs


def name_weights(articles: Sequence[Article]) -> dict[str, float]:
    """Smoothed inverse document frequency of every name: log(1 + n / df) (never zero, so a
    name every article of a small corpus shares still counts a little)."""
    df: dict[str, int] = {}
    for article in articles:
        for name in article.names:
            df[name] = df.get(name, 0) + 1
    n = max(1, len(articles))
    return {name: math.log(1 + n / count) for name, count in df.items()}


def name_pairs(articles: Sequence[Article], options: CorpusOptions) -> set[tuple[int, int]]:
    """Index pairs sharing a name that at most `entity_max_df` of the corpus mentions."""
    postings: dict[str, list[int]] = {}
    for index, article in enumerate(articles):
        for name in article.names:
            postings.setdefault(name, []).append(index)
    # Small corpora: a name shared by a handful of articles is still worth a look.
    limit = max(10, int(options.entity_max_df * len(articles)))
    pairs: set[tuple[int, int]] = set()
    for members in postings.values():
        if 2 <= len(members) <= limit:
            pairs.update(
                (members[i], members[j])
                for i in range(len(members))
                for j in range(i + 1, len(members))
            )
    return pairs


def name_similarity(a: Article, b: Article, weights: dict[str, float]) -> float:
    """idf-weighted overlap coefficient of the two articles' names: shared weight over the
    smaller article's weight (a short report naming few people is not diluted by a long one,
    nor by the noise names a tagger adds)."""
    total_a = sum(weights.get(n, 0.0) for n in a.names)
    total_b = sum(weights.get(n, 0.0) for n in b.names)
    smaller = min(total_a, total_b)
    if smaller <= 0:
        return 0.0
    return sum(weights.get(n, 0.0) for n in a.names & b.names) / smaller


def _days_apart(a: date | None, b: date | None) -> int:
    if a is None or b is None:
        return 0
    return abs((a - b).days)


def pair_score(
    a: Article,
    b: Article,
    cosine: float,
    weights: dict[str, float],
    options: CorpusOptions,
) -> float:
    """Blend of lead cosine and name overlap, in [0, 1] for non-negative cosines."""
    names = name_similarity(a, b, weights)
    return options.vector_weight * cosine + (1 - options.vector_weight) * names


def cluster_stories(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    links: Sequence[DuplicateLink],
    sources: dict[str, str],
    options: CorpusOptions,
) -> list[Story]:
    """Group `articles` into stories (see the module docstring)."""
    index = {a.id: i for i, a in enumerate(articles)}
    candidates = lsh_pairs(vectors, options) | name_pairs(articles, options)
    forced = {
        tuple(sorted((index[link.doc_id], index[link.original_id])))
        for link in links
        if link.doc_id in index and link.original_id in index
    }
    weights = name_weights(articles)
    scored: dict[int, list[tuple[float, int, int]]] = {}
    for i, j in candidates:
        a, b = articles[i], articles[j]
        if _days_apart(a.published, b.published) > options.story_window_days:
            continue
        score = pair_score(a, b, float(vectors[i] @ vectors[j]), weights, options)
        if score < options.story_link:
            continue
        scored.setdefault(i, []).append((score, i, j))
        scored.setdefault(j, []).append((score, i, j))
    edges: set[tuple[float, int, int]] = set()
    for items in scored.values():
        edges.update(sorted(items, reverse=True)[: options.neighbours])
    ordered = [(2.0, i, j) for i, j in sorted(forced)] + sorted(edges, reverse=True)

    groups = UnionFind([a.id for a in articles])
    span: dict[str, tuple[date | None, date | None]] = {
        a.id: (a.published, a.published) for a in articles
    }
    best: dict[str, float] = {}
    for score, i, j in ordered:
        ra, rb = groups.find(articles[i].id), groups.find(articles[j].id)
        if ra == rb:
            continue
        merged = _merge_span(span[ra], span[rb])
        # Duplicate links (score 2.0) always join; others never stretch a story too far.
        low, high = merged
        if score <= 1.0 and low and high and (high - low).days > options.story_max_days:
            continue
        root = groups.union(ra, rb)
        span[root] = merged
        for k in (i, j):
            doc_id = articles[k].id
            best[doc_id] = max(best.get(doc_id, 0.0), min(score, 1.0))

    by_id = {a.id: a for a in articles}
    stories: list[Story] = []
    for members in groups.groups().values():
        ordered_members = sorted(
            members,
            key=lambda m: (not by_id[m].published_at, by_id[m].published_at, index[m]),
        )
        dates = [d for d in (by_id[m].published for m in members) if d is not None]
        head = by_id[ordered_members[0]]
        stories.append(
            Story(
                id=story_id(ordered_members[0]),
                members=ordered_members,
                title=head.title,
                first=min(dates) if dates else None,
                last=max(dates) if dates else None,
                sources=len({sources.get(m, m) for m in members}),
                scores={m: best.get(m, 1.0) for m in members},
            )
        )
    stories.sort(key=lambda s: (s.first is None, s.first or date.min, s.id))
    return stories


def _merge_span(
    a: tuple[date | None, date | None], b: tuple[date | None, date | None]
) -> tuple[date | None, date | None]:
    lows = [d for d in (a[0], b[0]) if d is not None]
    highs = [d for d in (a[1], b[1]) if d is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)
