"""Lead death tolls compared across story boundaries: `number` conflicts between reports of one
incident that the story clustering put apart.

Two reports of one strike often share few words ("Raqa"/"Raqqa", a wedding in one headline, a
market in the other) and land in different stories, so alignment inside a story never compares
them. Each article's lead toll is the largest killed count of the first sentence of its lead
that has one (the total, not a subgroup: "35 people in total" over "22 children"; later sentences
give background). Two lead tolls of different
sources are compared when their dates are at most `toll_days` apart, their places are one area
(the same name, or within `toll_city_km`, or `toll_region_km` when one is a province; a place
the text does not state never vetoes), and their articles are related (story pair score at least
`toll_related`, well under `story_link`). They conflict when their ranges do not overlap and
they count one group of dead (`conflicts.same_group`: not civilians against fighters, not a
part of a toll against a whole), on one day where both texts state it, and are not an air
strike's toll against a shelling's or a bombing's on the ground.

Candidates are blocked by date (sorted by day, compared within the window only): the cost grows
with the square of the tolls reported in a `toll_days` window, not of the corpus; the pair score
is computed only for pairs whose tolls disagree. Cross-story conflicts name side a's story and
an alignment id `<story>.t<n>` that no stored alignment has; they do not feed the grades.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from numpy.typing import NDArray

from newsprism.config import CorpusOptions
from newsprism.corpus import areas
from newsprism.corpus.align import Claim
from newsprism.corpus.areas import Area, area_of
from newsprism.corpus.articles import Article
from newsprism.corpus.conflicts import Conflict, days_apart, same_group
from newsprism.corpus.count_ranges import format_range, ranges_overlap
from newsprism.corpus.lead_terms import LeadTerms
from newsprism.corpus.stories import (
    lexical_options,
    lexical_terms,
    name_weights,
    pair_score,
)

Relatedness = Callable[[str, str], float]


@dataclass(frozen=True, slots=True)
class LeadToll:
    """An article's lead killed count with its claim, day, place and story."""

    claim: Claim
    killed: tuple[int, int | None]
    day: date | None
    area: Area | None
    story_id: str


def lead_toll(article: Article, claims: Sequence[Claim], story_id: str) -> LeadToll | None:
    """The article's lead toll (`Article.toll`, chosen by `articles.lead_toll_event`) with the
    claim that reports it, or None. `article` must hold its document's layers."""
    if article.toll is None or article.toll_span is None:
        return None
    claim = next(
        (c for c in claims if c.doc_id == article.id and c.span_id == article.toll_span), None
    )
    if claim is None:
        return None
    span = article.doc.find_span(claim.span_id)
    area = area_of(span.attrs) if span is not None else None
    day: date | None = article.published
    # The claim's own date, or the page's stamp ("Wednesday 17 Sep 2014 Syria air strikes kill
    # dozens"): a corpus's publication dates can be off by weeks (FA-KES), the text's stamp not.
    stamped = span is not None and span.attrs.get("date_source") == "stamp"
    if claim.date and (not claim.date_inferred or stamped):
        with contextlib.suppress(ValueError):
            day = date.fromisoformat(claim.date[:10])
    return LeadToll(claim, article.toll, day, area, story_id)


def same_area(a: Area | None, b: Area | None, options: CorpusOptions) -> bool:
    """`areas.same_area` with the [corpus] distances."""
    return areas.same_area(a, b, options.toll_city_km, options.toll_region_km)


def relatedness(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    options: CorpusOptions,
    terms: LeadTerms | None = None,
) -> Relatedness:
    """The clustering's base pair score (`stories.pair_score`: lead vectors, names, leads'
    tf-idf) between two article ids, computed on demand for the few pairs whose tolls disagree.
    Not `story_pair_score`: its toll penalty would mark down exactly the pairs compared here.
    `terms`: the `lexical_terms` of `articles`, when the clustering computed them already."""
    index = {a.id: i for i, a in enumerate(articles)}
    weights = name_weights(articles)
    options = lexical_options(len(articles), options)
    if terms is None:
        terms = lexical_terms(articles, options)

    def score(a_id: str, b_id: str) -> float:
        i, j = index[a_id], index[b_id]
        lexical = terms.similarity(i, j)
        cosine = float(vectors[i] @ vectors[j])
        return pair_score(articles[i], articles[j], cosine, weights, options, lexical)

    return score


def toll_conflicts(
    tolls: Sequence[LeadToll],
    related: Relatedness,
    options: CorpusOptions,
    known: set[tuple[str, str]] | None = None,
) -> list[Conflict]:
    """`number` conflicts between lead tolls of different sources (see the module docstring).
    `known`: (doc, doc) pairs, sorted, that already have a number conflict (left out). The
    conflict's story is side a's; its alignment id `<story>.t<n>` names no stored alignment."""
    # Sorted by day, each toll meets only the tolls of the next `toll_days` days.
    dated = sorted(
        ((t.day, t) for t in tolls if t.day is not None), key=lambda p: (p[0], p[1].claim.doc_id)
    )
    out: list[Conflict] = []
    seen = set(known or ())
    counter: dict[str, int] = {}
    for x, (a_day, a) in enumerate(dated):
        for b_day, b in dated[x + 1 :]:
            if (b_day - a_day).days > options.toll_days:
                break
            first, second = sorted((a, b), key=lambda t: (t.claim.doc_id, t.claim.start))
            pair = (first.claim.doc_id, second.claim.doc_id)
            # One text carried by two outlets is one source here: a lead toll compares the first
            # sentences, which a republisher's own introduction replaces.
            if first.claim.source == second.claim.source or pair[0] == pair[1]:
                continue
            if pair in seen or ranges_overlap(first.killed, second.killed):
                continue
            if not same_group(first.claim, second.claim, "killed"):
                continue
            if _air_and_ground(first, second) or _stated_days_differ(first, second):
                continue
            if not same_area(first.area, second.area, options):
                continue
            if related(*pair) < options.toll_related:
                continue
            seen.add(pair)
            number = counter.get(first.story_id, 0)
            counter[first.story_id] = number + 1
            where = (
                ""
                if first.story_id == second.story_id
                else f" (lead tolls; b is in story {second.story_id})"
            )
            out.append(
                Conflict(
                    "number",
                    first.story_id,
                    f"{first.story_id}.t{number}",
                    first.claim,
                    second.claim,
                    f"killed: {format_range(*first.killed)} vs "
                    f"{format_range(*second.killed)}{where}",
                )
            )
    return out


def _air_and_ground(a: LeadToll, b: LeadToll) -> bool:
    """Whether one toll is of an air strike and the other of shelling or a bomb on the ground:
    in one city on one day these are the two sides' attacks on each other ("Russian airstrike
    kills 8 civilians in Aleppo", "12 civilians dead in terrorist rocket attacks on Aleppo";
    "Syria strikes kill 45", "Terrorist Attack on Damascus kill 5"), two incidents that the
    story clustering rightly put apart (FA-KES: none of the hand-read incidents has both)."""
    return (_from_the_air(a.claim) and _on_the_ground(b.claim)) or (
        _from_the_air(b.claim) and _on_the_ground(a.claim)
    )


def _from_the_air(claim: Claim) -> bool:
    """An air strike, or strikes and raids with no ground attack named ("Syria strikes kill
    45")."""
    if claim.label == "airstrike":
        return True
    return (
        claim.label == "attack"
        and _STRIKES.search(claim.text) is not None
        and _GROUND_ATTACK.search(claim.text) is None
    )


def _on_the_ground(claim: Claim) -> bool:
    """Shelling, or an attack or killing by a bomb or gunmen on the ground."""
    if claim.label == "shelling":
        return True
    return claim.label in ("attack", "killing") and _GROUND_ATTACK.search(claim.text) is not None


_STRIKES = re.compile(r"\b(?:strikes?|raids?)\b", re.IGNORECASE)
_GROUND_ATTACK = re.compile(
    r"\b(?:terrorist\s+attacks?|suicide|car\s+bombs?|bombers?|explosive|explosions?|blasts?|rockets?|"
    r"mortars?|shells|gunmen|IED)\b",
    re.IGNORECASE,
)


def _stated_days_differ(a: LeadToll, b: LeadToll) -> bool:
    """Whether both tolls' texts state their day and the days differ ("killed ... on Tuesday",
    "killed ... Wednesday"): two incidents, not two tolls of one."""
    ca, cb = a.claim, b.claim
    if not ca.date or not cb.date or ca.date_inferred or cb.date_inferred:
        return False
    return days_apart(ca.date, cb.date) > 0
