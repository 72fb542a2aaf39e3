"""Stories: clusters of articles that report the same events, found without comparing all pairs.

Candidates come from random-hyperplane LSH over the lead vectors and from an inverted index of
the story-specific names two articles share (people, organisations, places rare in the corpus),
plus the duplicate links. Each candidate pair is scored (lead cosine blended with the idf-weighted
name cosine, then with the leads' tf-idf cosine, plus the evidence of the events: the places where
they happened and the lead death tolls) and must fall within the date window; the best
`neighbours` pairs per article are then merged strongest first with union-find, refusing a merge
that would stretch a story past `story_max_days` or join two groups whose mean pair score is
under `story_cohesion` (single links chain a war corpus into blobs). Every article is in exactly
one story; singletons are stories too.
"""

from __future__ import annotations

import functools
import hashlib
import math
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.config import CorpusOptions
from newsprism.corpus.articles import Article
from newsprism.corpus.count_ranges import ranges_far_apart
from newsprism.corpus.dedup import DuplicateLink, UnionFind
from newsprism.corpus.lead_terms import LeadTerms, lead_terms
from newsprism.corpus.nearest import Indices, NearestPartners

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
    """Linked member -> its best link score inside the story (a member without one, as a
    singleton, scores 1.0)."""

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


@functools.cache
def _triangle(size: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Upper-triangle positions of a `size` bucket (cached: buckets are small and many)."""
    first, second = np.triu_indices(size, k=1)
    return first, second


def _bucket_pairs(members: Indices) -> Indices:
    """All [k, 2] index pairs (i < j by position) of one bucket."""
    first, second = _triangle(len(members))
    return np.stack([members[first], members[second]], axis=1)


def _split_bucket(
    members: Indices,
    bits: NDArray[np.bool_],
    days: NDArray[np.int64],
    limit: int,
) -> list[Indices]:
    """A bucket cut to at most `limit` members: by further hyperplane bits first (neighbours
    stay together with p = 1 - angle/pi per bit), then, for near-identical vectors the planes
    cannot part, by date order in half-overlapping windows (so no member loses all partners)."""
    if len(members) <= limit:
        return [members]
    if bits.shape[1] > 0:
        # As many bits as halve the bucket down to the limit, one more for slack.
        take = min(bits.shape[1], max(1, math.ceil(math.log2(len(members) / limit)) + 1))
        codes = bits[:, :take].astype(np.int64) @ (1 << np.arange(take, dtype=np.int64))
        parts: list[Indices] = []
        for code in np.unique(codes):
            inside = codes == code
            parts.extend(_split_bucket(members[inside], bits[inside, take:], days[inside], limit))
        return parts
    ordered = members[np.argsort(days, kind="stable")]
    step = max(1, limit // 2)
    return [ordered[s : s + limit] for s in range(0, max(1, len(ordered) - step), step)]


def _blocks(days: NDArray[np.int64], window: int) -> list[NDArray[np.int64]]:
    """Block keys per document for the date blocking: two partitions into blocks of 2*window+2
    days, the second shifted by window+1, so any two documents at most `window` days apart share
    a block in at least one of them. Undated documents (day -1) are block -1 of partition 0 and
    absent (-2) from partition 1; they meet dated documents in the undated pass."""
    width = 2 * (window + 1)
    dated = days >= 0
    first = np.where(dated, days // width, -1)
    second = np.where(dated, (days + window + 1) // width, -2)
    return [first, second]


def lsh_candidates(
    vectors: NDArray[np.float32],
    options: CorpusOptions,
    days: NDArray[np.int64] | None = None,
) -> NDArray[np.int64]:
    """[k, 2] index pairs (i < j) worth scoring, at most `lsh_candidates` per document.

    Random-hyperplane LSH: `lsh_tables` tables of `lsh_bits` bits, blocked by publication date
    (pairs further apart than `story_window_days` are never stories). A bucket larger than
    `max_bucket` is split by `lsh_split_bits` further hyperplanes instead of being skipped, so
    every document keeps its near neighbours while the work per document stays bounded; the
    pairs found are then ranked by cosine and each document keeps its `lsh_candidates` best.
    Undated documents are bucketed against every document (pairs with at least one undated).
    """
    n, dim = vectors.shape
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    if days is None:
        days = np.full(n, -1, dtype=np.int64)
    window = options.story_window_days
    rng = np.random.default_rng(_LSH_SEED)
    weights = 1 << np.arange(options.lsh_bits, dtype=np.int64)
    blocks = _blocks(days, window)
    undated = days < 0
    any_undated = bool(undated.any())
    # Document indices as int32 where they fit: the pair arrays and their sorts are the
    # clustering's largest temporaries on a large corpus.
    narrow = np.int32 if n < 2**31 else np.int64
    nearest = NearestPartners(n, options.lsh_candidates)
    # The split planes come from their own stream, so the tables' planes (and the buckets of a
    # corpus too small to split) do not depend on `lsh_split_bits`.
    split_rng = np.random.default_rng(_LSH_SEED + 1)
    for _table in range(options.lsh_tables):
        planes = rng.standard_normal((options.lsh_bits, dim)).astype(np.float32)
        codes = ((vectors @ planes.T) > 0).astype(np.int64) @ weights
        split_planes = split_rng.standard_normal((options.lsh_split_bits, dim)).astype(np.float32)
        extra = (vectors @ split_planes.T) > 0
        found: list[Indices] = []
        passes: list[tuple[NDArray[np.int64], bool]] = [(b, False) for b in blocks]
        if any_undated:
            passes.append((np.zeros(n, dtype=np.int64), True))
        for block, undated_only in passes:
            valid = block > -2
            if undated_only:
                # Only buckets holding an undated document matter in this pass.
                hit = np.unique(codes[undated])
                valid = np.isin(codes, hit)
            index = np.flatnonzero(valid).astype(narrow)
            keys = block[index] * (1 << options.lsh_bits) + codes[index]
            order = np.argsort(keys, kind="stable")
            index, keys = index[order], keys[order]
            cuts = np.flatnonzero(np.diff(keys)) + 1
            for members in np.split(index, cuts):
                if len(members) < 2:
                    continue
                for part in _split_bucket(
                    members, extra[members], days[members], options.max_bucket
                ):
                    if len(part) < 2:
                        continue
                    pairs = _bucket_pairs(part)
                    if undated_only:
                        pairs = pairs[undated[pairs[:, 0]] | undated[pairs[:, 1]]]
                    found.append(pairs)
        if not found:
            continue
        fresh = np.sort(np.concatenate(found), axis=1)
        del found
        near = np.abs(days[fresh[:, 0]] - days[fresh[:, 1]]) <= window
        near |= undated[fresh[:, 0]] | undated[fresh[:, 1]]
        keys = distinct_sorted(fresh[near, 0].astype(np.int64) * n + fresh[near, 1])
        del fresh, near
        fresh = np.stack([keys // n, keys % n], axis=1).astype(narrow)
        del keys
        # A pair still in a list keeps its cosine; the others (new, or dropped earlier) get one.
        listed, cosines = nearest.known(fresh)
        cosines[~listed] = _pair_cosines(vectors, fresh[~listed])
        nearest.offer(fresh, cosines)
    return nearest.pairs()


_COSINE_CHUNK = 1024
_PAIR_CHUNK = 16384
"""Candidate pairs scored at a time (their lead tf-idf products and Python ints: bounded
temporaries)."""


def _pair_cosines(vectors: NDArray[np.float32], pairs: Indices) -> NDArray[np.float32]:
    """Dot products of the pairs' (unit) vectors, in chunks (bounded temporary memory)."""
    out = np.empty(len(pairs), dtype=np.float32)
    # 1024 pairs gather two 1.5 MiB blocks of rows (65536 gathered 192 MiB, once the peak).
    for s in range(0, len(pairs), _COSINE_CHUNK):
        chunk = pairs[s : s + _COSINE_CHUNK]
        out[s : s + len(chunk)] = np.einsum("ij,ij->i", vectors[chunk[:, 0]], vectors[chunk[:, 1]])
    return out


def lsh_pairs(
    vectors: NDArray[np.float32],
    options: CorpusOptions,
    days: NDArray[np.int64] | None = None,
) -> set[tuple[int, int]]:
    """`lsh_candidates` as a set of (i, j) tuples."""
    return {(int(i), int(j)) for i, j in lsh_candidates(vectors, options, days).tolist()}


def day_numbers(articles: Sequence[Article]) -> NDArray[np.int64]:
    """Each article's publication day as an ordinal (-1 when undated)."""
    return np.array(
        [a.published.toordinal() if a.published else -1 for a in articles], dtype=np.int64
    )


def name_weights(articles: Sequence[Article]) -> dict[str, float]:
    """Smoothed inverse document frequency of every name: log(1 + n / df) (never zero, so a
    name every article of a small corpus shares still counts a little)."""
    df: dict[str, int] = {}
    for article in articles:
        for name in article.names:
            df[name] = df.get(name, 0) + 1
    return weights_of(df, len(articles))


def weights_of(df: Mapping[str, int], count: int) -> dict[str, float]:
    """`name_weights` from the names' document frequencies `df` in a corpus of `count`."""
    n = max(1, count)
    return {name: math.log(1 + n / found) for name, found in df.items()}


def name_pairs(
    articles: Sequence[Article], options: CorpusOptions, days: NDArray[np.int64] | None = None
) -> set[tuple[int, int]]:
    """Index pairs sharing a name that at most `entity_max_df` of the corpus mentions.

    A name held by at most `max_bucket` articles pairs them all; a more common one (large
    corpora) pairs each article only with the next `lsh_candidates` articles naming it in date
    order within `story_window_days` (undated ones with their neighbours in stored order), so
    the pairs per article stay bounded."""
    return set(_iter_name_pairs(articles, options, days))


def _iter_name_pairs(
    articles: Sequence[Article], options: CorpusOptions, days: NDArray[np.int64] | None = None
) -> Iterator[tuple[int, int]]:
    """The pairs of `name_pairs`, generated (a pair sharing several names comes once per name)."""
    if days is None:
        days = day_numbers(articles)
    postings: dict[str, list[int]] = {}
    for index, article in enumerate(articles):
        for name in article.names:
            postings.setdefault(name, []).append(index)
    # Small corpora: a name shared by a handful of articles is still worth a look.
    limit = max(10, int(options.entity_max_df * len(articles)))
    for members in postings.values():
        if len(members) < 2 or len(members) > limit:
            continue
        if len(members) <= options.max_bucket:
            yield from (
                (members[i], members[j])
                for i in range(len(members))
                for j in range(i + 1, len(members))
            )
            continue
        ordered = sorted(members, key=lambda m: (days[m] < 0, days[m], m))
        for position, i in enumerate(ordered):
            for j in ordered[position + 1 : position + 1 + options.lsh_candidates]:
                if days[i] >= 0 and days[j] >= 0 and days[j] - days[i] > options.story_window_days:
                    break
                if (days[i] < 0) != (days[j] < 0):
                    break
                yield (min(i, j), max(i, j))


def candidate_pairs(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    options: CorpusOptions,
    days: NDArray[np.int64],
) -> NDArray[np.int64]:
    """`lsh_pairs | name_pairs` as a [k, 2] array of distinct (i, j), i < j, sorted.

    An array of 16 bytes a pair instead of a set of tuples (about 200 bytes a pair): the
    candidates are the largest structure of the clustering on a large corpus."""
    n = len(articles)
    keys = array("q")  # 8 bytes a name pair, duplicates included until np.unique
    for i, j in _iter_name_pairs(articles, options, days):
        keys.append(i * n + j)
    lsh = lsh_candidates(vectors, options, days)
    merged = distinct_sorted(
        np.concatenate([lsh[:, 0] * n + lsh[:, 1], np.frombuffer(keys, np.int64)])
    )
    del keys, lsh
    return np.stack([merged // max(1, n), merged % max(1, n)], axis=1)


def distinct_sorted(keys: NDArray[np.int64]) -> NDArray[np.int64]:
    """The distinct values of `keys`, ascending, sorting `keys` in place (np.unique's hash
    table or argsort doubled the memory of the clustering's largest arrays)."""
    keys.sort()
    if len(keys) < 2:
        return keys
    return keys[np.r_[True, keys[1:] != keys[:-1]]]


def name_similarity(a: Article, b: Article, weights: dict[str, float]) -> float:
    """idf-weighted cosine of the two articles' name sets: shared weight over the geometric mean
    of their weights. (The overlap coefficient, shared over the smaller weight, gave 1.0 to any
    report naming only "Aleppo" against every other Aleppo report of a war corpus: FA-KES.)"""
    return _weighted_cosine(a.names, b.names, weights)


def _other_days(a: Article, b: Article) -> int:
    """Days between the two leads' stated days, 0 where either is unknown or where either
    article speaks of the other's day ("Rebel-linked websites claimed the dead were victims of
    an airstrike on Kessen on Friday": the account it disputes, not another incident)."""
    if a.lead_day in b.days or b.lead_day in a.days:
        return 0
    return _days_apart(a.lead_day, b.lead_day)


def _days_apart(a: date | None, b: date | None) -> int:
    if a is None or b is None:
        return 0
    return abs((a - b).days)


def lexical_options(count: int, options: CorpusOptions) -> CorpusOptions:
    """`options` for a corpus of `count` articles: without the lexical blend under
    `lexical_min_docs` (idf over a handful of leads cannot tell a rare word from a common
    one)."""
    if count < options.lexical_min_docs:
        return replace(options, lexical_weight=0.0)
    return options


def lexical_terms(
    articles: Sequence[Article],
    options: CorpusOptions,
    df: Mapping[str, int] | None = None,
    count: int = 0,
) -> LeadTerms:
    """The `lead_terms` the pair score uses (all-zero rows when the lexical blend is off);
    `df` and `count`: a larger corpus's word frequencies and size, as `lead_terms` takes them."""
    if lexical_options(count or len(articles), options).lexical_weight > 0:
        return lead_terms(articles, df, count)
    return LeadTerms.empty(len(articles))


def pair_score(
    a: Article,
    b: Article,
    cosine: float,
    weights: dict[str, float],
    options: CorpusOptions,
    lexical: float = 0.0,
) -> float:
    """Blend of lead cosine and name cosine, then of that and the leads' tf-idf cosine
    (`lexical`, weighted `lexical_weight`); in [0, 1] for non-negative cosines."""
    names = name_similarity(a, b, weights)
    base = options.vector_weight * cosine + (1 - options.vector_weight) * names
    return (1 - options.lexical_weight) * base + options.lexical_weight * lexical


def event_place_similarity(a: Article, b: Article, weights: dict[str, float]) -> float:
    """idf-weighted cosine of the two articles' `event_places` (0 when either has none)."""
    return _weighted_cosine(a.event_places, b.event_places, weights)


def _weighted_cosine(a: frozenset[str], b: frozenset[str], weights: dict[str, float]) -> float:
    total_a = sum(weights.get(n, 0.0) for n in a)
    total_b = sum(weights.get(n, 0.0) for n in b)
    if total_a <= 0 or total_b <= 0:
        return 0.0
    return sum(weights.get(n, 0.0) for n in a & b) / math.sqrt(total_a * total_b)


def story_pair_score(
    a: Article,
    b: Article,
    cosine: float,
    weights: dict[str, float],
    options: CorpusOptions,
    lexical: float = 0.0,
) -> float:
    """`pair_score` plus the events' evidence. Where the events happened: `place_weight` times
    `event_place_similarity` (one incident's reports name its town; other incidents of the
    province that week, other towns). The lead tolls: the same toll (`toll_same_bonus`) marks one
    incident; tolls far apart (`toll_apart_penalty`, beyond `toll_tolerance` of the larger) mark
    two incidents of one place and week ("13 killed in regime raids", "barrel bombs kill 11" are
    close; "strikes kill 45" and "strikes kill 15" are not). Mildly, since outlets do report one
    incident with different tolls: that is a `number` conflict, which needs them in one story.
    When: the days the leads' events state for themselves (`Article.lead_day`) more than
    `lead_day_slack` apart take off `lead_day_penalty` ("killed on Tuesday" and "killed on
    Friday" in two pages of one week report two raids), unless one speaks of the other's day
    (`_other_days`); one stated day adds `lead_day_same_bonus`."""
    score = pair_score(a, b, cosine, weights, options, lexical)
    if _other_days(a, b) > options.lead_day_slack:
        score -= options.lead_day_penalty
    elif a.lead_day is not None and a.lead_day == b.lead_day:
        score += options.lead_day_same_bonus
    if options.place_weight:
        score += options.place_weight * event_place_similarity(a, b, weights)
    if a.toll is None or b.toll is None:
        return score
    if a.toll[0] == b.toll[0]:
        return score + options.toll_same_bonus
    if ranges_far_apart(a.toll, b.toll, options.toll_tolerance):
        return score - options.toll_apart_penalty
    return score


def cluster_stories(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    links: Sequence[DuplicateLink],
    sources: dict[str, str],
    options: CorpusOptions,
    terms: LeadTerms | None = None,
) -> list[Story]:
    """Group `articles` into stories (see the module docstring). `terms`: `lexical_terms` of
    `articles`, computed beforehand (the articles may then be without their leads)."""
    groups, best = link_stories(articles, vectors, links, options, terms)
    return stories_of(groups.groups().values(), articles, sources, best)


def link_stories(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    links: Sequence[DuplicateLink],
    options: CorpusOptions,
    terms: LeadTerms | None = None,
    settled: Sequence[Sequence[int]] = (),
    weights: dict[str, float] | None = None,
    corpus_size: int | None = None,
) -> tuple[UnionFind, dict[str, float]]:
    """The story groups of `articles` (a union-find over their ids) and each linked article's
    best link score: `cluster_stories` before the stories are made.

    `settled`: groups of positions whose stories an earlier date segment decided (`segments.py`;
    singletons too): each group is joined as it stands, without a score, and no pair of two
    settled articles is scored again, so only the segment's own articles can join them, or
    join two of them. `weights`: the `name_weights` of the larger corpus they belong to, and
    `corpus_size` its size (whether its idf can weigh the leads' words: `lexical_options`)."""
    index = {a.id: i for i, a in enumerate(articles)}
    days = day_numbers(articles)
    candidates = candidate_pairs(articles, vectors, options, days)
    forced = {
        tuple(sorted((index[link.doc_id], index[link.original_id])))
        for link in links
        if link.doc_id in index and link.original_id in index
    }
    if settled:
        decided = np.zeros(len(articles), dtype=bool)
        for group in settled:
            decided[list(group)] = True
        candidates = candidates[~(decided[candidates[:, 0]] & decided[candidates[:, 1]])]
    if weights is None:
        weights = name_weights(articles)
    options = lexical_options(corpus_size or len(articles), options)
    if terms is None:
        terms = lexical_terms(articles, options)
    # Each document keeps only its `neighbours` best links (fixed-size arrays, not a Python
    # heap of tuples per article): the same edges as keeping every link and sorting, since
    # (score, i, j) orders the links totally.
    best_links = NearestPartners(len(articles), options.neighbours, ties="pair", dtype=np.float64)
    for start in range(0, len(candidates), _PAIR_CHUNK):
        chunk = candidates[start : start + _PAIR_CHUNK]
        lexicals = terms.pairs(chunk[:, 0], chunk[:, 1]).tolist()
        linked: list[int] = []
        scores: list[float] = []
        for row, ((i, j), lexical) in enumerate(zip(chunk.tolist(), lexicals, strict=True)):
            a, b = articles[i], articles[j]
            if _days_apart(a.published, b.published) > options.story_window_days:
                continue
            cosine = float(vectors[i] @ vectors[j])
            score = story_pair_score(a, b, cosine, weights, options, lexical)
            if score >= options.story_link:
                linked.append(row)
                scores.append(score)
        best_links.offer(chunk[linked], np.asarray(scores, dtype=np.float64))
    del candidates
    pairs, values = best_links.valued_pairs()
    del best_links
    ordered = _strongest_first(sorted(forced), pairs, values)

    groups = UnionFind([a.id for a in articles])
    span: dict[str, tuple[date | None, date | None]] = {
        a.id: (a.published, a.published) for a in articles
    }
    best: dict[str, float] = {}
    grouped: dict[str, list[int]] = {a.id: [k] for k, a in enumerate(articles)}
    for group in settled:
        for k in group[1:]:
            ra, rb = groups.find(articles[group[0]].id), groups.find(articles[k].id)
            root = groups.union(ra, rb)
            span[root] = _merge_span(span[ra], span[rb])
            grouped[root] = grouped.pop(ra if root == rb else rb) + grouped[root]
    for score, i, j in ordered:
        ra, rb = groups.find(articles[i].id), groups.find(articles[j].id)
        if ra == rb:
            continue
        merged = _merge_span(span[ra], span[rb])
        # Duplicate links (`_FORCED`) always join; others never stretch a story too far, nor
        # chain two stories whose members are, on average, unlike each other.
        low, high = merged
        scored_link = score < _FORCED
        if scored_link and low and high and (high - low).days > options.story_max_days:
            continue
        if scored_link and not _cohesive(
            articles, vectors, terms, weights, grouped[ra], grouped[rb], options
        ):
            continue
        root = groups.union(ra, rb)
        span[root] = merged
        grouped[root] = grouped.pop(ra if root == rb else rb) + grouped[root]
        for k in (i, j):
            doc_id = articles[k].id
            best[doc_id] = max(best.get(doc_id, 0.0), min(score, 1.0))
    return groups, best


def stories_of(
    groups: Iterable[Sequence[str]],
    articles: Sequence[Article],
    sources: dict[str, str],
    best: dict[str, float],
    index: Mapping[str, int] | None = None,
) -> list[Story]:
    """One `Story` per group of article ids, earliest story first: members earliest published
    first (undated last, then in the order of `articles`), the earliest member's title, the
    number of independent `sources`, and each linked member's `best` link score (a member
    without one scores 1.0). `articles` needs only ids, dates and titles (`articles.header`);
    `index`: each id's position in `articles`, when the caller holds it already."""
    at = index if index is not None else {a.id: i for i, a in enumerate(articles)}
    stories: list[Story] = []
    for members in groups:
        ordered_members = sorted(
            members,
            key=lambda m: (
                not articles[at[m]].published_at,
                articles[at[m]].published_at,
                at[m],
            ),
        )
        dates = [d for d in (articles[at[m]].published for m in members) if d is not None]
        head = articles[at[ordered_members[0]]]
        stories.append(
            Story(
                id=story_id(ordered_members[0]),
                members=ordered_members,
                title=head.title,
                first=min(dates) if dates else None,
                last=max(dates) if dates else None,
                sources=len({sources.get(m, m) for m in members}),
                # Only linked members: a story of one (most of a large corpus) holds no score.
                scores={m: best[m] for m in members if m in best},
            )
        )
    stories.sort(key=lambda s: (s.first is None, s.first or date.min, s.id))
    return stories


def _strongest_first(
    forced: Sequence[tuple[int, ...]], pairs: NDArray[np.int64], scores: NDArray[np.floating[Any]]
) -> Iterator[tuple[float, int, int]]:
    """(score, i, j) of the duplicate links (`_FORCED`), then of the scored links, strongest
    first (equal scores: the larger i, then the larger j, as sorted tuples would come). Made a
    block at a time: a list of every link as Python tuples was the clustering's largest
    structure (about 150 bytes a link, eight links an article)."""
    for i, j in forced:
        yield (_FORCED, i, j)
    order = np.lexsort((-pairs[:, 1], -pairs[:, 0], -scores))
    for start in range(0, len(order), _PAIR_CHUNK):
        rows = order[start : start + _PAIR_CHUNK]
        firsts, seconds = pairs[rows, 0].tolist(), pairs[rows, 1].tolist()
        yield from zip(scores[rows].tolist(), firsts, seconds, strict=True)


def _cohesive(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    terms: LeadTerms,
    weights: dict[str, float],
    left: list[int],
    right: list[int],
    options: CorpusOptions,
) -> bool:
    """Average linkage guard: the mean pair score between two groups about to merge reaches
    `story_cohesion` (0 disables it). Single links alone chain a war corpus into blobs: each
    report of a day's shelling is close to the next one. Large groups are compared on at most
    `_COHESION_SAMPLE` members each (the earliest-stored), so a merge costs a bounded amount."""
    if options.story_cohesion <= 0:
        return True
    left, right = left[:_COHESION_SAMPLE], right[:_COHESION_SAMPLE]
    cosines = vectors[left] @ vectors[right].T
    lexicals = terms.block(left, right)
    total = 0.0
    for x, i in enumerate(left):
        for y, j in enumerate(right):
            total += story_pair_score(
                articles[i],
                articles[j],
                float(cosines[x, y]),
                weights,
                options,
                float(lexicals[x, y]),
            )
    return total / (len(left) * len(right)) >= options.story_cohesion


_COHESION_SAMPLE = 32
_FORCED = 2.0
"""Link score of a republication or near-duplicate: above any pair score (at most 1.2)."""


def _merge_span(
    a: tuple[date | None, date | None], b: tuple[date | None, date | None]
) -> tuple[date | None, date | None]:
    lows = [d for d in (a[0], b[0]) if d is not None]
    highs = [d for d in (a[1], b[1]) if d is not None]
    return (min(lows) if lows else None, max(highs) if highs else None)
