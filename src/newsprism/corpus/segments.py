"""Stories of a corpus too large to hold at once: found one date segment at a time.

A corpus of more than `segment_docs` documents is cut into runs of consecutive publication days
of at most `segment_docs` documents each (only a day with more documents than that is cut
inside); an undated document goes with the dated one stored before it (crawls and feeds store
documents roughly in the order they appeared), at most `segment_docs` of them to one segment,
the rest in segments of their own. Each segment is clustered as a corpus of its own
(`stories.link_stories`) but with the whole corpus's name and word weights, counted while it was
read, and with the documents of the `story_window_days + story_max_days` days before it carried
in as settled groups: a link reaches at most `story_window_days` back and a story spans at most
`story_max_days`, so every member of every story a new document may join is there, and a story
grows across the cut as it would inside one segment. At most `segment_docs` are carried, the
latest (a corpus denser than that in 10 days carries what links reach first), so no segment
holds more than three times `segment_docs` documents, whatever the corpus's shape. Duplicate
links hold across segments (a republication weeks later still joins its original's story).

What the whole corpus keeps is a `header` per document, a union-find over the ids and each
document's best link score; the slim articles wait in a TEMP table (`spill.py`) and the lead
vectors in the store, both read back one segment at a time. A corpus of at most `segment_docs`
documents is one segment, clustered exactly as before. FA-KES (571 articles) cut into segments
of 150 or 250 gives stories and conflicts identical to one segment; into 29 segments of 20,
story ARI 0.703 and conflict recall 0.680 against 0.700 and 0.667.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from newsprism.config import Config
from newsprism.corpus.articles import Article
from newsprism.corpus.dedup import DuplicateLink, UnionFind
from newsprism.corpus.lead_terms import lead_cosine, lead_words
from newsprism.corpus.spill import SpilledArticles
from newsprism.corpus.store import Store
from newsprism.corpus.stories import (
    Story,
    lexical_options,
    lexical_terms,
    link_stories,
    pair_score,
    stories_of,
    weights_of,
)
from newsprism.corpus.tolls import Relatedness
from newsprism.corpus.vectors import document_vectors

Progress = Callable[[str], object]


@dataclass(frozen=True, slots=True)
class Segment:
    """Positions (in stored order) of the documents one segment decides, and of the earlier
    documents it carries in to stitch stories across the cut."""

    own: tuple[int, ...]
    carried: tuple[int, ...] = ()


def plan_segments(days: NDArray[np.int64], limit: int, carry_days: int) -> list[Segment]:
    """The segments of a corpus whose documents were published on `days` (ordinals, -1 when
    undated): one when it has at most `limit` documents, else runs of whole days of at most
    `limit` documents (earliest first; a day with more is cut inside), each carrying the
    documents of the `carry_days` days before its first (at most `limit`, the latest); undated
    documents join their stored neighbours' segments, at most `limit` to one. No segment then
    holds more than three times `limit` documents, whatever the corpus."""
    count = len(days)
    limit = max(1, limit)
    if count <= limit:
        return [Segment(tuple(range(count)))]
    dated = np.flatnonzero(days >= 0)
    dated = dated[np.argsort(days[dated], kind="stable")]
    ordered_days = days[dated]
    segments: list[Segment] = []
    start = 0
    while start < len(dated):
        end = min(start + limit, len(dated))
        # Cut between days where one fits: back off to the start of the day the limit falls
        # in. A day with more documents than the limit alone is cut inside, in stored order.
        if end < len(dated) and ordered_days[end] == ordered_days[end - 1]:
            day_start = int(np.searchsorted(ordered_days, ordered_days[end], side="left"))
            if day_start > start:
                end = day_start
        earliest = int(np.searchsorted(ordered_days, ordered_days[start] - carry_days, "left"))
        # At most `limit` carried, the latest: a corpus denser than `limit` documents in
        # `carry_days` days carries what links can reach first.
        earliest = max(earliest, start - limit)
        segments.append(
            Segment(
                own=tuple(sorted(dated[start:end].tolist())),
                carried=tuple(sorted(dated[earliest:start].tolist())),
            )
        )
        start = end
    return _with_undated(segments, days, limit)


def _with_undated(segments: list[Segment], days: NDArray[np.int64], limit: int) -> list[Segment]:
    """`segments` with each undated document added to the segment of the dated document stored
    just before it (else just after): a crawl or a feed stores documents roughly in the order
    they appeared, so that is the best guess of when an undated one was written, and it may
    then join the stories of its neighbours as it would in a corpus of one segment. With no
    dated document at all, the undated ones make segments of `limit` in stored order."""
    undated = np.flatnonzero(days < 0)
    if not len(undated):
        return segments
    if not segments:
        order = undated.tolist()
        return [Segment(tuple(order[s : s + limit])) for s in range(0, len(order), limit)]
    owner = np.full(len(days), -1, dtype=np.int64)
    for number, segment in enumerate(segments):
        owner[list(segment.own)] = number
    dated = np.flatnonzero(days >= 0)
    before = np.searchsorted(dated, undated) - 1
    nearest = dated[np.where(before >= 0, before, 0)]
    extra: dict[int, list[int]] = {}
    overflow: list[int] = []
    for position, neighbour in zip(undated.tolist(), nearest.tolist(), strict=True):
        joining = extra.setdefault(int(owner[neighbour]), [])
        # At most `limit` undated documents join one segment; the rest (a corpus mostly
        # undated) make segments of their own.
        (joining if len(joining) < limit else overflow).append(position)
    return [
        replace(segment, own=tuple(sorted(segment.own + tuple(extra.get(number, ())))))
        for number, segment in enumerate(segments)
    ] + [Segment(tuple(overflow[s : s + limit])) for s in range(0, len(overflow), limit)]


def segmented_stories(
    store: Store,
    spilled: SpilledArticles,
    headers: Sequence[Article],
    links: Sequence[DuplicateLink],
    sources: dict[str, str],
    config: Config,
    segments: Sequence[Segment],
    counts: CorpusCounts,
    index: Mapping[str, int],
    progress: Progress | None = None,
) -> list[Story]:
    """The stories of the whole corpus, clustered segment by segment (see the module
    docstring). `headers`: every document's `header`, in stored order (`index`: each id's
    position there); `counts`: the whole
    corpus's name and word frequencies, whose weights every segment uses (a segment's own
    would be noisier the smaller it is)."""
    options = config.corpus
    weights = counts.name_weights()
    ids = [a.id for a in headers]
    joined = UnionFind(ids)
    best: dict[str, float] = {}
    for number, segment in enumerate(segments, 1):
        if progress:
            progress(
                f"clustering segment {number}/{len(segments)}: {len(segment.own)} documents"
                f" (+{len(segment.carried)} carried)"
            )
        positions = sorted(segment.own + segment.carried)
        articles = spilled.load(positions)
        vectors = document_vectors(store, articles, config)
        terms = lexical_terms(articles, options, counts.words, counts.count)
        # The leads only feed the tf-idf rows: dropped before the clustering, as for one segment.
        articles = [replace(a, lead="") for a in articles]
        local = {position: k for k, position in enumerate(positions)}
        settled: dict[str, list[int]] = {}
        for position in segment.carried:
            settled.setdefault(joined.find(ids[position]), []).append(local[position])
        inside = {ids[p] for p in positions}
        segment_links = [
            link for link in links if link.doc_id in inside and link.original_id in inside
        ]
        groups, scores = link_stories(
            articles,
            vectors,
            segment_links,
            options,
            terms,
            settled=list(settled.values()),
            weights=weights,
            corpus_size=counts.count,
        )
        for members in groups.groups().values():
            for member in members[1:]:
                joined.union(members[0], member)
        for member, score in scores.items():
            best[member] = max(best.get(member, 0.0), score)
        del articles, vectors, terms
    # Duplicate links join across segments too (they always join inside one).
    for link in links:
        joined.union(link.doc_id, link.original_id)
    return stories_of(joined.groups().values(), headers, sources, best, index)


@dataclass(slots=True)
class CorpusCounts:
    """Document frequencies over the whole corpus, counted while it is read: of the names
    (`stories.name_weights`) and of the leads' words (`lead_terms`). The vocabularies, not the
    documents, are what they hold."""

    count: int = 0
    names: Counter[str] = field(default_factory=Counter)
    words: Counter[str] = field(default_factory=Counter)
    _weights: dict[str, float] | None = None

    def name_weights(self) -> dict[str, float]:
        """`stories.name_weights` of the whole corpus (made once: the clustering and the toll
        comparison both ask)."""
        if self._weights is None:
            self._weights = weights_of(self.names, self.count)
        return self._weights

    def add(self, article: Article) -> None:
        """Count one article (with its lead)."""
        self._weights = None
        self.count += 1
        self.names.update(article.names)
        self.words.update(lead_words(article.lead))


def spilled_relatedness(
    store: Store,
    spilled: SpilledArticles,
    positions: Mapping[str, int],
    counts: CorpusCounts,
    config: Config,
) -> Relatedness:
    """`tolls.relatedness` for a corpus clustered by segment: the base pair score of two
    article ids with the whole corpus's name and word weights, their articles and vectors read
    back for the pair (it is asked for the few pairs whose lead tolls disagree)."""
    options = lexical_options(counts.count, config.corpus)
    weights = counts.name_weights()

    def score(a_id: str, b_id: str) -> float:
        a, b = spilled.load([positions[a_id], positions[b_id]])
        vectors = document_vectors(store, [a, b], config)
        lexical = 0.0
        if options.lexical_weight > 0:
            lexical = lead_cosine(a.lead, b.lead, counts.words, counts.count)
        return pair_score(a, b, float(vectors[0] @ vectors[1]), weights, options, lexical)

    return score
