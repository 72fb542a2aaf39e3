"""Story clustering: LSH candidates, the date window, name overlap, stable ids, singletons."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from corpus.corpus_docs import make_doc
from newsprism.config import CorpusOptions
from newsprism.corpus.articles import Article, make_article
from newsprism.corpus.count_ranges import ranges_far_apart
from newsprism.corpus.dedup import DuplicateLink
from newsprism.corpus.stories import (
    cluster_stories,
    event_place_similarity,
    lsh_pairs,
    name_weights,
    pair_score,
    story_id,
    story_pair_score,
)
from newsprism.document import Span

TEXT = "Reports from the town describe what happened there on the day in question."


def _unit(vector: list[float]) -> np.ndarray:
    array = np.zeros(384, dtype=np.float32)
    array[: len(vector)] = vector
    return array / np.linalg.norm(array)


def _article(doc_id: str, published: str | None, names: Sequence[tuple[str, str]] = ()) -> Article:
    text = TEXT + " " + " ".join(n for n, _ in names)
    return make_article(make_doc(doc_id, text, f"Outlet {doc_id}", published, entities=names))


def test_lsh_pairs_link_close_vectors_only() -> None:
    rng = np.random.default_rng(1)
    base = rng.standard_normal(384).astype(np.float32)
    near = base + 0.1 * rng.standard_normal(384).astype(np.float32)
    far = rng.standard_normal(384).astype(np.float32)
    vectors = np.stack([v / np.linalg.norm(v) for v in (base, near, far)])
    pairs = lsh_pairs(vectors, CorpusOptions())
    assert (0, 1) in pairs
    assert (0, 2) not in pairs and (1, 2) not in pairs


def test_clusters_follow_vectors_and_the_date_window() -> None:
    articles = [
        _article("a1", "2015-10-09"),
        _article("a2", "2015-10-10"),
        _article("b1", "2015-10-09"),
        _article("late", "2015-11-20"),  # same vector as a1, six weeks later
        _article("undated", None),
    ]
    vectors = np.stack(
        [_unit([1, 0.05]), _unit([1, 0.0]), _unit([0, 1]), _unit([1, 0.02]), _unit([0.02, 1])]
    )
    stories = cluster_stories(
        articles, vectors, [], {a.id: a.source for a in articles}, CorpusOptions()
    )
    groups = sorted(sorted(s.members) for s in stories)
    assert groups == [["a1", "a2"], ["b1", "undated"], ["late"]]
    first = next(s for s in stories if "a1" in s.members)
    assert first.members == ["a1", "a2"]
    assert first.id == story_id("a1")
    assert first.to_dict() == {
        "id": first.id,
        "title": first.title,
        "articles": ["a1", "a2"],
        "first": "2015-10-09",
        "last": "2015-10-10",
    }
    assert first.sources == 2


def test_shared_rare_names_join_articles_with_unlike_leads() -> None:
    names = [("Kessen", "GPE"), ("Piotr Halden", "PERSON"), ("Dalmyr Liberation Front", "ORG")]
    articles = [
        _article("x", "2015-10-09", names),
        _article("y", "2015-10-10", names),
        _article("z", "2015-10-10", [("Raqqa", "GPE")]),
    ]
    # Cosine 0.3 alone is far below the link score; the shared names carry it.
    vectors = np.stack([_unit([1, 0]), _unit([0.3, 0.954]), _unit([0, 0, 1])])
    stories = cluster_stories(
        articles, vectors, [], {a.id: a.source for a in articles}, CorpusOptions()
    )
    assert sorted(sorted(s.members) for s in stories) == [["x", "y"], ["z"]]


def test_duplicates_always_share_a_story_and_count_once() -> None:
    articles = [_article("orig", "2015-10-01"), _article("copy", "2015-10-30")]
    vectors = np.stack([_unit([1, 0]), _unit([0, 1])])
    link = DuplicateLink("copy", "orig", "republication", None, "credit line")
    stories = cluster_stories(
        articles, vectors, [link], {"orig": "wire", "copy": "wire"}, CorpusOptions()
    )
    assert len(stories) == 1 and stories[0].members == ["orig", "copy"]
    assert stories[0].sources == 1


def test_dense_buckets_are_split_not_skipped_and_candidates_stay_bounded() -> None:
    # 200 pairs of near-identical leads around one shared direction: every LSH bucket is far
    # over max_bucket, as a week of one war's coverage would be at scale.
    rng = np.random.default_rng(3)
    common = rng.standard_normal(384)
    bases = common + 0.6 * rng.standard_normal((200, 384))
    rows = np.concatenate([bases, bases + 0.05 * rng.standard_normal((200, 384))])
    vectors = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    options = CorpusOptions(max_bucket=8, lsh_candidates=4)
    days = np.full(400, 735880, dtype=np.int64)
    pairs = lsh_pairs(vectors, options, days)
    found = sum((i, i + 200) in pairs for i in range(200))
    assert found >= 196  # the twins meet although no bucket holds more than 8
    assert len(pairs) <= 400 * options.lsh_candidates
    # Documents further apart than the story window never become candidates.
    spread = np.where(np.arange(400) < 200, 735880, 735880 + 30).astype(np.int64)
    assert not lsh_pairs(vectors, options, spread) & {(i, i + 200) for i in range(200)}
    # An undated document still meets its dated twin.
    days[200] = -1
    assert (0, 200) in lsh_pairs(vectors, options, days)


def _toll_article(doc_id: str, clause: str, killed: int, mark: str | None = None) -> Article:
    text = f"{clause}. Rescuers searched the rubble through the night."
    attrs: dict[str, object] = {"counts": {"killed": killed}, "polarity": "assert"}
    if mark:
        attrs["count_qualifiers"] = {"killed": mark}
    return make_article(
        make_doc(doc_id, text, f"Outlet {doc_id}", "2016-07-05", events=[(clause, "attack", attrs)])
    )


def test_lead_tolls_pull_one_incident_together_and_push_two_apart() -> None:
    options = CorpusOptions()
    a = _toll_article("a", "A motorbike bomber killed 16 people outside a bakery in Hasakeh", 16)
    same = _toll_article("b", "Sixteen civilians died in a bombing in Hasakeh", 16)
    close = _toll_article("c", "A bombing in Hasakeh killed 14 people", 14)
    apart = _toll_article("d", "Air strikes on Hasakeh killed 45 people", 45)
    vague = _toll_article("e", "A bombing in Hasakeh killed 20 people", 20, "nearly")
    assert a.toll == (16, 16) and vague.toll == (18, 22)
    base = pair_score(a, same, 0.5, {}, options, 0.3)
    assert story_pair_score(a, same, 0.5, {}, options, 0.3) == base + options.toll_same_bonus
    # 14 vs 16: within the tolerance (rounding, an update): no evidence either way.
    assert story_pair_score(a, close, 0.5, {}, options, 0.3) == base
    assert story_pair_score(a, vague, 0.5, {}, options, 0.3) == base
    # 16 vs 45: two incidents of one place and week, most likely.
    assert story_pair_score(a, apart, 0.5, {}, options, 0.3) == base - options.toll_apart_penalty
    # An article without a toll is neither pulled nor pushed.
    plain = _article("p", "2016-07-05")
    assert plain.toll is None
    assert story_pair_score(a, plain, 0.5, {}, options, 0.3) == pair_score(
        a, plain, 0.5, {}, options, 0.3
    )


def _dated_article(
    doc_id: str, clause: str, day: str, source: str = "text", also: str | None = None
) -> Article:
    text = f"{clause}. Rescuers searched the rubble through the night."
    attrs = {"date": day, "date_source": source, "polarity": "assert"}
    doc = make_doc(
        doc_id, text, f"Outlet {doc_id}", "2015-07-25", events=[(clause, "attack", attrs)]
    )
    days = [Span(0, 3, "DATE", attrs={"iso_date": d, "relative": True}) for d in (day, also) if d]
    return make_article(doc.with_layer("mentions", days))


def test_stated_lead_days_apart_push_two_incidents_apart() -> None:
    options = CorpusOptions()
    tuesday = _dated_article(
        "a", "Regime barrel bombs killed civilians in Aleppo on Tuesday", "2015-07-21"
    )
    thursday = _dated_article(
        "b", "Regime raids killed civilians near Aleppo on Thursday", "2015-07-23"
    )
    friday = _dated_article(
        "c", "Regime raids killed civilians near Aleppo on Friday", "2015-07-24"
    )
    carried = _dated_article(
        "d", "Regime raids killed civilians near Aleppo", "2015-07-24", "paragraph"
    )
    disputed = _dated_article(
        "e",
        "Activists said the dead of Friday were killed in raids on Tuesday",
        "2015-07-24",
        also="2015-07-21",
    )
    assert tuesday.lead_day is not None and carried.lead_day is None  # only a stated day counts
    reported = _dated_article("g", "Raids killed civilians, a monitor said", "2015-07-24", "report")
    assert reported.lead_day == friday.lead_day  # the report's day stands in for the event's
    base = pair_score(tuesday, friday, 0.5, {}, options, 0.3)
    assert story_pair_score(tuesday, friday, 0.5, {}, options, 0.3) == pytest.approx(
        base - options.lead_day_penalty
    )
    # Two days apart (a relative word read against two pages' dates), no stated day, or an
    # article that speaks of the other's day (a disputed account): no push.
    same = _dated_article("f", "Barrel bombs fell on Aleppo", "2015-07-21")
    assert story_pair_score(tuesday, same, 0.5, {}, options, 0.3) == pytest.approx(
        pair_score(tuesday, same, 0.5, {}, options, 0.3) + options.lead_day_same_bonus
    )
    for other in (thursday, carried, disputed):
        assert story_pair_score(tuesday, other, 0.5, {}, options, 0.3) == pair_score(
            tuesday, other, 0.5, {}, options, 0.3
        )


def _placed_article(doc_id: str, clause: str, town: str, geonameid: int) -> Article:
    text = f"{clause}. Rescuers searched the rubble through the night."
    place = {"name": town, "geonameid": geonameid, "lat": 35.4, "lon": 36.6}
    attrs: dict[str, object] = {"place": place, "polarity": "assert"}
    return make_article(
        make_doc(doc_id, text, f"Outlet {doc_id}", "2017-04-04", events=[(clause, "attack", attrs)])
    )


def test_the_town_where_the_events_happened_pulls_one_incident_together() -> None:
    options = CorpusOptions()
    # One town, spelled two ways by two outlets: one gazetteer key.
    a = _placed_article("a", "A gas attack killed dozens in Khan Sheikhoun", "Khan Sheikhoun", 1)
    b = _placed_article("b", "Toxic gas killed scores in Khan Sheikhun", "Khan Sheikhun", 1)
    other = _placed_article("c", "Air strikes hit a market in Maarat al-Numan", "Maarat", 2)
    unplaced = _article("d", "2017-04-04")
    assert a.event_places == b.event_places == frozenset({"geo:1"})
    weights = name_weights([a, b, other, unplaced])
    assert event_place_similarity(a, b, weights) == pytest.approx(1.0)
    assert event_place_similarity(a, other, weights) == 0.0
    assert event_place_similarity(a, unplaced, weights) == 0.0
    base = pair_score(a, b, 0.5, weights, options, 0.3)
    assert story_pair_score(a, b, 0.5, weights, options, 0.3) == pytest.approx(
        base + options.place_weight
    )
    assert story_pair_score(a, other, 0.5, weights, options, 0.3) == pair_score(
        a, other, 0.5, weights, options, 0.3
    )


def test_ranges_far_apart_reads_open_and_vague_counts() -> None:
    assert not ranges_far_apart((13, 13), (11, 11), 0.25)
    assert ranges_far_apart((45, 45), (15, 15), 0.25)
    # "at least 19" ends where it starts; 31 is beyond a quarter of it.
    assert ranges_far_apart((19, None), (31, 31), 0.25)
    assert not ranges_far_apart((63, 77), (58, 58), 0.25)
