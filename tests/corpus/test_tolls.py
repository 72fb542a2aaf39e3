"""Lead tolls compared across stories: the lead sentence's total, areas, windows, sources."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from corpus.corpus_docs import make_doc
from newsprism.config import CorpusOptions
from newsprism.corpus.align import claims_of, story_regions
from newsprism.corpus.areas import Area
from newsprism.corpus.articles import make_article
from newsprism.corpus.tolls import LeadToll, lead_toll, same_area, toll_conflicts
from newsprism.document import Span

OPTIONS = CorpusOptions()
IDLIB_CITY = Area("idlib", 35.93, 36.63, "city", "SY")
IDLIB_PROVINCE = Area("idlib", 35.87, 36.64, "admin1", "SY")
KHAN_SHEIKHOUN = Area("khan sheikhoun", 35.44, 36.65, "city", "SY")
DAMASCUS = Area("damascus", 33.51, 36.29, "city", "SY")
MOSCOW_SLIP = Area("mosque", 55.75, 37.62, "city", "RU")


def _place(name: str, lat: float, lon: float, source: str = "text") -> dict[str, Any]:
    return {
        "place": {"name": name, "lat": lat, "lon": lon, "country": "SY", "kind": "city"},
        "place_source": source,
    }


def _toll(doc_id: str, text: str, outlet: str, published: str, events: list[Any]) -> LeadToll:
    doc = make_doc(doc_id, text, outlet, published, events=events)
    ends = [i + 1 for i, ch in enumerate(text) if ch == "."]
    starts = [0, *[e + 1 for e in ends[:-1]]]
    sentences = [Span(s, e, "sentence") for s, e in zip(starts, ends, strict=True)]
    doc = doc.with_layer("sentences", sentences)
    article = make_article(doc)
    claims = claims_of(article, article.source, frozenset(), story_regions([article]))
    toll = lead_toll(article, claims, f"s{doc_id}")
    assert toll is not None
    return toll


def test_the_lead_toll_is_the_sentence_total_not_a_subgroup_or_background() -> None:
    text = (
        "Air strikes on a school in Idlib killed 22 children, and 35 people in total died. "
        "Last month bombings in Jableh killed 170 people."
    )
    toll = _toll(
        "d1",
        text,
        "Wire",
        "2016-10-26",
        [
            (
                "Air strikes on a school in Idlib killed 22 children",
                "airstrike",
                {
                    "counts": {"killed": 22},
                    "date": "2016-10-26",
                    "date_source": "text",
                    **_place("Idlib", 35.93, 36.63),
                },
            ),
            ("35 people in total died", "killing", {"counts": {"killed": 35}}),
            (
                "Last month bombings in Jableh killed 170 people",
                "bombing",
                {"counts": {"killed": 170}},
            ),
        ],
    )
    assert toll.killed == (35, 35)
    assert toll.day == date(2016, 10, 26)
    # The sentence's largest count is the toll; its place is the lead event's only if stated.
    assert toll.claim.text == "35 people in total died"


def test_areas_contain_cities_and_ignore_gazetteer_slips() -> None:
    assert same_area(IDLIB_CITY, IDLIB_PROVINCE, OPTIONS)
    assert same_area(KHAN_SHEIKHOUN, IDLIB_PROVINCE, OPTIONS)  # ~50 km: a city of the province
    assert same_area(IDLIB_CITY, KHAN_SHEIKHOUN, OPTIONS)  # 55 km
    assert not same_area(IDLIB_CITY, DAMASCUS, OPTIONS)  # 270 km
    assert same_area(IDLIB_CITY, MOSCOW_SLIP, OPTIONS)  # another country: a slip, no veto
    assert same_area(None, DAMASCUS, OPTIONS)  # an unstated place never vetoes


def _stub(claim_toll: LeadToll, **changes: Any) -> LeadToll:
    return replace(claim_toll, **changes)


def test_toll_conflicts_across_stories() -> None:
    base = _toll(
        "a",
        "A gas attack on Khan Sheikhoun killed 58 people.",
        "Monitor",
        "2017-04-04",
        [
            (
                "A gas attack on Khan Sheikhoun killed 58 people",
                "attack",
                {"counts": {"killed": 58}, **_place("Khan Sheikhoun", 35.44, 36.65)},
            )
        ],
    )
    other = _toll(
        "b",
        "The toll of the chemical attack in Idlib rose: 86 people were killed.",
        "Daily",
        "2017-04-05",
        [
            (
                "86 people were killed",
                "killing",
                {"counts": {"killed": 86}, **_place("Idlib", 35.93, 36.63)},
            )
        ],
    )
    related = {("a", "b"): 0.3}

    def score(x: str, y: str) -> float:
        return related.get((x, y), 0.0)

    found = toll_conflicts([base, other], score, OPTIONS)
    assert [(c.kind, c.story_id, c.a.doc_id, c.b.doc_id) for c in found] == [
        ("number", "sa", "a", "b")
    ]
    assert found[0].note == "killed: 58 vs 86 (lead tolls; b is in story sb)"
    assert found[0].alignment_id == "sa.t0"
    # Already a number conflict inside a story; one source; consistent ranges; unrelated
    # articles; too far apart in time or place: none.
    assert toll_conflicts([base, other], score, OPTIONS, {("a", "b")}) == []
    same_source = replace(other, claim=replace(other.claim, source=base.claim.source))
    assert toll_conflicts([base, same_source], score, OPTIONS) == []
    assert toll_conflicts([base, _stub(other, killed=(50, None))], score, OPTIONS) == []
    assert toll_conflicts([base, other], lambda x, y: 0.1, OPTIONS) == []
    assert toll_conflicts([base, _stub(other, day=date(2017, 4, 7))], score, OPTIONS) == []
    assert toll_conflicts([base, _stub(other, area=DAMASCUS)], score, OPTIONS) == []


def test_two_groups_of_dead_or_two_stated_days_are_two_incidents() -> None:
    from newsprism.corpus.victims import Victims

    base = _toll(
        "a",
        "Strikes on Aleppo killed 18 civilians on Tuesday.",
        "Monitor",
        "2015-07-22",
        [("Strikes on Aleppo killed 18 civilians", "airstrike", {"counts": {"killed": 18}})],
    )
    other = _toll(
        "b",
        "A raid on a village killed 12 civilians on Wednesday.",
        "Daily",
        "2015-07-22",
        [("A raid on a village killed 12 civilians", "airstrike", {"counts": {"killed": 12}})],
    )

    def score(x: str, y: str) -> float:
        return 0.3

    def dated(toll: LeadToll, day: str, inferred: bool = False) -> LeadToll:
        return replace(toll, claim=replace(toll.claim, date=day, date_inferred=inferred))

    assert len(toll_conflicts([base, other], score, OPTIONS)) == 1
    # Both texts state their day, and the days differ: two incidents.
    tuesday, wednesday = dated(base, "2015-07-21"), dated(other, "2015-07-22")
    assert toll_conflicts([tuesday, wednesday], score, OPTIONS) == []
    # A day only carried over from the paragraph or the stamp decides nothing.
    carried = dated(other, "2015-07-22", inferred=True)
    assert len(toll_conflicts([tuesday, carried], score, OPTIONS)) == 1
    # Fighters against civilians, or a part of a toll against a whole: other dead.
    fighters = Victims("fighters", frozenset({"Islamic State"}))
    militants = replace(other, claim=replace(other.claim, count_victims=(("killed", fighters),)))
    civilians = (("killed", Victims("civilians")),)
    whole = replace(base, claim=replace(base.claim, count_victims=civilians))
    assert toll_conflicts([whole, militants], score, OPTIONS) == []
    part = replace(other, claim=replace(other.claim, count_parts=(("killed", "women"),)))
    assert toll_conflicts([base, part], score, OPTIONS) == []
    # An air strike's dead against a shelling's in one city and day: the two sides' attacks
    # ("Russian airstrike kills 8 in Aleppo", "rocket shells kill 12 in Aleppo").
    shelled = replace(other, claim=replace(other.claim, label="shelling"))
    assert toll_conflicts([base, shelled], score, OPTIONS) == []
    attacked = replace(other, claim=replace(other.claim, label="attack"))
    assert len(toll_conflicts([base, attacked], score, OPTIONS)) == 1
    # A bomb on the ground against strikes named as such ("Syria strikes kill 45", "Terrorist
    # Attack on Damascus kill 5"): two incidents as well.
    bombed = replace(
        other, claim=replace(other.claim, label="attack", text="Terrorist attack kills 12.")
    )
    assert toll_conflicts([base, bombed], score, OPTIONS) == []
    strikes = replace(base, claim=replace(base.claim, label="attack"))
    assert toll_conflicts([strikes, bombed], score, OPTIONS) == []


def test_a_place_carried_from_the_document_is_not_stated() -> None:
    text = "Strikes killed 12 people."
    toll = _toll(
        "c",
        text,
        "Wire",
        "2017-04-04",
        [
            (
                "Strikes killed 12 people",
                "airstrike",
                {"counts": {"killed": 12}, **_place("Damascus", 33.51, 36.29, "document")},
            )
        ],
    )
    assert toll.area is None
    assert toll.killed == (12, 12)
