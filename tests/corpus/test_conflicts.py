"""Claims, alignment and conflicts over hand-built documents of one story."""

from __future__ import annotations

from dataclasses import replace

import pytest

from corpus.corpus_docs import find, make_doc
from newsprism.corpus.align import Alignment, Claim, align_story, claims_of, story_regions
from newsprism.corpus.areas import Area
from newsprism.corpus.articles import Article, make_article
from newsprism.corpus.conflicts import (
    ClaimTexts,
    actors_compatible,
    find_conflicts,
    pair_conflicts,
    ranges_overlap,
)
from newsprism.corpus.victims import Victims
from newsprism.document import Document, Span

WIRE = (
    "KESSEN, Ostravia (MPA) – Airstrikes on the town of Kessen in Dalmyr province killed 14 "
    "civilians on Friday, officials said."
)
MONITOR = (
    "Ostravian Air Force jets struck the town of Kessen on Friday, killing 17 civilians, the "
    "observatory said."
)
MINISTRY = (
    "The ministry said claims that its aircraft killed civilians in Kessen are false, "
    "a spokesman said."
)
RIVAL = (
    "Mortar shells fired by the Dalmyr Liberation Front hit the market in the town of Varo on "
    "Thursday, killing 11 civilians. Rebel websites blamed the Ostravian air force and Kessen."
)
PLACE = {"Kessen": "GPE", "Varo": "GPE", "Dalmyr": "GPE"}


def _articles() -> list[Article]:
    docs = [
        make_doc(
            "wire",
            WIRE,
            "Meridian",
            "2015-10-09",
            entities=[("Kessen", "GPE"), ("Dalmyr", "GPE"), ("Ostravia", "GPE")],
            events=[
                (
                    "Airstrikes on the town of Kessen in Dalmyr province killed 14 civilians on "
                    "Friday",
                    "airstrike",
                    {"date": "2015-10-09", "counts": {"killed": 14}, "polarity": "assert"},
                )
            ],
        ),
        make_doc(
            "monitor",
            MONITOR,
            "Observatory",
            "2015-10-10",
            entities=[("Ostravian", "NORP"), ("Air Force", "ORG"), ("Kessen", "GPE")],
            events=[
                (
                    "Ostravian Air Force jets struck the town of Kessen on Friday, killing 17 "
                    "civilians",
                    "airstrike",
                    {"date": "2015-10-09", "counts": {"killed": 17}, "polarity": "assert"},
                )
            ],
        ),
        make_doc(
            "ministry",
            MINISTRY,
            "Ministry of Defence",
            "2015-10-10",
            entities=[("Kessen", "GPE")],
            attributions=[
                (
                    "claims that its aircraft killed civilians in Kessen are false",
                    {"speaker": "Ministry", "speaker_type": "military", "polarity": "deny"},
                )
            ],
        ),
        make_doc(
            "rival",
            RIVAL,
            "Voice",
            "2015-10-10",
            entities=[("Dalmyr Liberation Front", "ORG"), ("Varo", "GPE"), ("Kessen", "GPE")],
            events=[
                (
                    "Mortar shells fired by the Dalmyr Liberation Front hit the market in the "
                    "town of Varo on Thursday, killing 11 civilians",
                    "shelling",
                    {"date": "2015-10-08", "counts": {"killed": 11}, "polarity": "assert"},
                )
            ],
        ),
    ]
    return [make_article(d) for d in docs]


def _claims(articles: list[Article]) -> list[Claim]:
    vocabulary = frozenset(p for a in articles for p in a.places)
    regions = story_regions(articles)
    return [c for a in articles for c in claims_of(a, a.source, vocabulary, regions)]


def test_regions_and_fallback_actors() -> None:
    articles = _articles()
    assert {"dalmyr", "ostravia"} <= story_regions(articles)
    claims = {c.doc_id: c for c in _claims(articles)}
    assert claims["wire"].places == {"kessen"}  # the province and the dateline are left out
    assert claims["wire"].actor is None  # nobody named as acting: nothing guessed
    assert claims["monitor"].actor == "Ostravian Air Force"
    assert claims["rival"].actor == "Dalmyr Liberation Front"
    assert claims["ministry"].polarity == "deny" and claims["ministry"].layer == "attributions"


def test_a_by_of_another_act_names_no_actor() -> None:
    """FA-KES: "The strikes against civilians are in retaliation against the execution of the
    pilot by Nusra Front" made Nusra the strikes' actor, against Syria's in other reports."""
    claim = _one_claim(
        "The strikes on Jayrud on Saturday are in retaliation against the execution of the "
        "pilot by Nusra Front, a commander said.",
        [("Jayrud", "GPE"), ("Nusra Front", "ORG")],
        {"polarity": "assert"},
    )
    assert claim.actor is None
    fired = _one_claim(
        "Mortar shells fired by the Nusra Front hit Jayrud on Saturday.",
        [("Jayrud", "GPE"), ("Nusra Front", "ORG")],
        {"polarity": "assert"},
    )
    assert fired.actor == "Nusra Front"


def test_counted_groups_are_not_actors_and_qualifiers_widen_counts() -> None:
    text = (
        "Some 120 ISIS fighters were killed in Russian air strikes on Mayadeen on Friday, "
        "the ministry said. Monitors said at least 15 people were killed."
    )
    doc = make_doc(
        "moscow",
        text,
        "Wire",
        "2017-10-07",
        entities=[("ISIS", "ORG"), ("Russian", "NORP"), ("Mayadeen", "GPE")],
        events=[
            (
                "Some 120 ISIS fighters were killed in Russian air strikes on Mayadeen on Friday",
                "airstrike",
                {"actor": "ISIS", "counts": {"killed": 120}, "count_qualifiers": {}},
            ),
            (
                "at least 15 people were killed",
                "killing",
                {"counts": {"killed": 15}, "count_qualifiers": {"killed": "at least"}},
            ),
        ],
    )
    article = make_article(doc)
    first, second = claims_of(article, "wire", frozenset({"mayadeen"}), frozenset())
    assert first.actor != "ISIS"  # 120 of them were killed: the harmed, not the striker
    assert second.count("killed") == (15, None)  # "at least 15" is open above


def test_one_relative_word_or_a_carried_date_is_no_date_conflict() -> None:
    claims = {c.doc_id: c for c in _claims(_articles())}
    wire, rival = claims["wire"], claims["rival"]
    assert "date" in [k for k, _ in pair_conflicts(wire, rival)]
    fields = {f: getattr(rival, f) for f in rival.__slots__}
    same_word = Claim(**{**fields, "date_word": "saturday"})
    wire_word = Claim(**{**{f: getattr(wire, f) for f in wire.__slots__}, "date_word": "saturday"})
    assert "date" not in [k for k, _ in pair_conflicts(wire_word, same_word)]
    carried = Claim(**{**fields, "date_inferred": True})
    assert "date" not in [k for k, _ in pair_conflicts(wire, carried)]


def test_every_conflict_kind_in_one_story() -> None:
    articles = _articles()
    alignments = align_story("s1", _claims(articles), 2.5)
    assert len(alignments) == 1
    members = {c.doc_id for c in alignments[0].members}
    assert members == {"wire", "monitor", "ministry", "rival"}
    conflicts = find_conflicts(alignments)
    kinds = {(c.kind, c.a.doc_id, c.b.doc_id) for c in conflicts}
    assert ("number", "monitor", "wire") in kinds  # 17 vs 14
    assert ("polarity", "ministry", "wire") in kinds
    assert ("actor", "monitor", "rival") in kinds
    assert ("date", "rival", "wire") in kinds
    assert ("place", "rival", "wire") in kinds
    for conflict in conflicts:
        for side in (conflict.a, conflict.b):
            doc = next(a.doc for a in articles if a.id == side.doc_id)
            assert doc.text[side.start : side.end] == side.text
        assert conflict.to_dict()["a"]["doc"] == conflict.a.doc_id


def test_ranges_and_actor_names() -> None:
    assert not ranges_overlap((26, 26), (27, 27))
    assert ranges_overlap((14, None), (17, 17))  # "at least 14" does not contradict 17
    assert not ranges_overlap((18, 20), (21, None))
    assert actors_compatible("Russia", "Russia and Syria")
    assert actors_compatible("Ostravian Air Force", "Ostravia")
    assert not actors_compatible("Dalmyr Liberation Front", "Ostravian Air Force")
    # A party under its other names: its capital, its leader, its other spellings.
    assert actors_compatible("Syria", "Damascus")
    assert actors_compatible("Islamic State", "Daesh fighters")
    assert actors_compatible("Kurdish YPG", "Kurdish forces")
    assert actors_compatible("Syria or Russia", "Russian")  # alternatives: either may have acted
    assert not actors_compatible("Russia", "Syria")


def test_vague_count_roles_never_conflict() -> None:
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    vague = Claim(
        **{**{f: getattr(wire, f) for f in wire.__slots__}, "counts": (("people", 2, 2),)}
    )
    other = Claim(
        **{**{f: getattr(wire, f) for f in wire.__slots__}, "counts": (("people", 9, 9),)}
    )
    assert pair_conflicts(vague, other) == []


def test_one_source_never_conflicts_with_itself_unless_a_carrier_changed_its_text() -> None:
    articles = _articles()
    claims = _claims(articles)
    wire = next(c for c in claims if c.doc_id == "wire")
    monitor = next(c for c in claims if c.doc_id == "monitor")
    assert [k for k, _ in pair_conflicts(wire, monitor)] == ["number"]
    fields = {f: getattr(monitor, f) for f in monitor.__slots__}
    # The wire's own later report with another toll: an update, not a contradiction.
    update = Claim(**{**fields, "source": wire.source, "outlet": wire.outlet})
    assert find_conflicts(align_story("s1", [wire, update], 2.5)) == []
    # Another outlet's report counted as the wire's source (it credits the agency), but not a
    # copy of this text: one source, no conflict.
    credited = Claim(**{**fields, "source": wire.source, "doc_id": "credited"})
    assert credited.own_outlet != wire.own_outlet
    assert find_conflicts(align_story("s1", [wire, credited], 2.5), claims=[wire, credited]) == []
    # Another outlet carrying the wire's text (a near-duplicate) with a changed count.
    original = Claim(**{**{f: getattr(wire, f) for f in wire.__slots__}, "text_group": "wire"})
    carried = Claim(**{**fields, "source": wire.source, "doc_id": "carried", "text_group": "wire"})
    alignments = align_story("s1", [original, carried], 2.5)
    found = find_conflicts(alignments, claims=[original, carried])
    assert [c.kind for c in found] == ["number"]
    assert found[0].note.endswith("(one text: a republication or near-duplicate)")
    # Without the documents' claims, two carriers of one text never conflict.
    assert find_conflicts(alignments) == []
    # The carried sentence is also in the wire's document: shared text, whatever it aligns with.
    echoed = Claim(**{**{f: getattr(original, f) for f in wire.__slots__}, "text": carried.text})
    assert find_conflicts(alignments, claims=[original, carried, echoed]) == []
    # Claims of independent outlets carry no such note.
    plain = find_conflicts(align_story("s1", [wire, monitor], 2.5))
    assert plain and "one text" not in plain[0].note


def test_a_carried_sentence_with_its_punctuation_changed_is_shared_text() -> None:
    """Two outlets running one AFP report print "Al-Maleh" and "Al Maleh", with and without
    the attribution: one sentence. A changed figure is a changed claim (FA-KES: 11 and 15
    killed at Khan Sheikhun in two versions of one report)."""
    wire = next(c for c in _claims(_articles()) if c.doc_id == "wire")
    fields = {f: getattr(wire, f) for f in wire.__slots__}

    def claim(doc: str, text: str) -> Claim:
        return Claim(**{**fields, "doc_id": doc, "text": text})

    a = claim(
        "ahram",
        "The Syrian Observatory for Human Rights said 30 regime soldiers and 39 rebel fighters "
        "had been killed in battles around Al-Maleh north of Aleppo since Wednesday afternoon.",
    )
    b = claim(
        "jordantimes",
        "30 regime soldiers and 39 rebel fighters had been killed in battles around Al Maleh "
        "north of Aleppo",
    )
    before = claim(
        "ahram",
        "At Khan Sheikhun in the province of Idlib 11 people were killed, said the monitor.",
    )
    after = claim(
        "jordantimes",
        "At Khan Sheikhun in the province of Idlib 15 people were killed, the monitor said.",
    )
    texts = ClaimTexts([a, b, before, after])
    assert texts.shared(a, b)
    assert not texts.shared(before, after)
    # Either side's claim made in the other's document is enough: b's sentence is in a's.
    assert texts.shared(before, b)
    assert ClaimTexts([a, before, b, after, claim("jordantimes", before.text)]).shared(
        before, after
    )


def test_places_of_one_area_are_no_place_conflict() -> None:
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    fields = {f: getattr(wire, f) for f in wire.__slots__}
    al_bab = Claim(**{**fields, "places": frozenset({"al-bab"}), "place_names": ("al-Bab",)})
    aleppo = Claim(**{**fields, "places": frozenset({"aleppo"}), "place_names": ("Aleppo",)})
    assert "place" in [k for k, _ in pair_conflicts(al_bab, aleppo)]  # no coordinates: names
    near = [
        replace(al_bab, area=Area("al-bab", 36.37, 37.52, "city", "SY")),
        replace(aleppo, area=Area("aleppo", 36.2, 37.16, "admin1", "SY")),
    ]
    assert "place" not in [k for k, _ in pair_conflicts(*near)]  # 40 km, inside the province
    far = replace(aleppo, area=Area("damascus", 33.51, 36.29, "city", "SY"))
    assert "place" in [k for k, _ in pair_conflicts(near[0], far)]
    # The city named like its province, 40 km off, is still the province's name.
    city = replace(near[1], area=Area("aleppo", 36.2, 37.16, "city", "SY"))
    assert "place" not in [k for k, _ in pair_conflicts(near[0], city)]
    # Two towns of one province named like neither, 26 km apart: two places.
    ariha = replace(
        al_bab, places=frozenset({"ariha"}), area=Area("ariha", 35.81, 36.61, "city", "SY")
    )
    jisr = replace(
        aleppo,
        places=frozenset({"jisr al shughur"}),
        area=Area("jisr al shughur", 35.81, 36.32, "city", "SY"),
    )
    assert "place" in [k for k, _ in pair_conflicts(ariha, jisr)]
    # Two villages 10 km apart are one strike's neighbourhood.
    talbiseh = replace(
        ariha, places=frozenset({"talbiseh"}), area=Area("talbiseh", 34.84, 36.73, "city", "SY")
    )
    rastan = replace(
        jisr, places=frozenset({"rastan"}), area=Area("ar rastan", 34.93, 36.73, "city", "SY")
    )
    assert "place" not in [k for k, _ in pair_conflicts(talbiseh, rastan)]


def _one_claim(text: str, entities: list[tuple[str, str]], attrs: dict[str, object]) -> Claim:
    doc = make_doc(
        "d",
        text,
        "Outlet",
        "2016-10-26",
        entities=entities,
        events=[(text.rstrip("."), "airstrike", attrs)],
    )
    return _claims([make_article(doc)])[0]


def test_parties_seats_of_government_and_countries_are_not_event_places() -> None:
    claim = _one_claim(
        "Ostravian jets struck the town of Varo in Syria on Friday, the regime in Damascus said, "
        "and Kessen denied it.",
        [("Ostravian", "GPE"), ("Syria", "GPE"), ("Damascus", "GPE"), ("Kessen", "GPE")],
        {"polarity": "assert"},
    )
    # "the town of Varo" names a place the tagger missed; the rest name parties or a country.
    assert claim.places == {"varo"}


def test_a_place_the_story_calls_a_province_is_compared_as_one() -> None:
    idlib = {"name": "Idlib", "lat": 35.93, "lon": 36.63, "kind": "city", "country": "SY"}
    claim = _one_claim(
        "Air strikes hit a school in Idlib province, killing 22 children.",
        [("Idlib", "GPE")],
        {"place": idlib, "place_source": "text", "polarity": "assert"},
    )
    assert claim.area is not None and claim.area.kind == "admin1"
    hass = replace(
        claim,
        places=frozenset({"hass"}),
        place_names=("Hass",),
        area=Area("hass", 35.58, 36.57, "city", "SY"),
    )
    # Hass lies 40 km from Idlib city, inside the province: one area.
    assert "place" not in [k for k, _ in pair_conflicts(claim, hass)]


def test_names_alone_conflict_only_where_the_gazetteer_knows_no_place() -> None:
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    varo = replace(wire, places=frozenset({"varo"}), place_names=("Varo",))
    assert "place" in [k for k, _ in pair_conflicts(wire, varo)]  # a fictional region
    placed = replace(wire, area=Area("kessen", 36.0, 37.0, "city", "SY"))
    # One side on the map, the other a name the gazetteer does not know (often a tagger's
    # slip), or an event placed only from its context: no evidence of two places.
    assert "place" not in [k for k, _ in pair_conflicts(placed, varo)]
    assert "place" not in [k for k, _ in pair_conflicts(replace(wire, place_known=True), varo)]
    far = replace(varo, area=Area("varo", 33.5, 36.3, "city", "SY"))
    kinds = dict(pair_conflicts(placed, far))
    assert kinds["place"] == "Kessen vs Varo (285 km apart)"


def test_a_toll_naming_no_place_aligns_through_its_paragraphs_place() -> None:
    wire = make_doc(
        "wire",
        "Airstrikes on Kessen killed 14 civilians on Friday. Later the rebels' spokesman said "
        "20 people had died.",
        "Meridian",
        "2015-10-09",
        entities=[("Kessen", "GPE")],
        events=[
            (
                "Airstrikes on Kessen killed 14 civilians on Friday",
                "airstrike",
                {"counts": {"killed": 14}, "polarity": "assert"},
            ),
            (
                "Later the rebels' spokesman said 20 people had died",
                "killing",
                {"counts": {"killed": 20}, "polarity": "assert"},
            ),
        ],
    )
    monitor = make_doc(
        "monitor",
        "The observatory documented the deaths of 17 civilians in air raids on Kessen.",
        "Observatory",
        "2015-10-10",
        entities=[("Kessen", "GPE")],
        events=[
            (
                "The observatory documented the deaths of 17 civilians in air raids on Kessen",
                "airstrike",
                {"counts": {"killed": 17}, "polarity": "assert"},
            ),
        ],
    )
    claims = _claims([make_article(wire), make_article(monitor)])
    toll = next(c for c in claims if "20 people" in c.text)
    assert toll.places == frozenset() and toll.context_places == {"kessen"}
    alignments = align_story("s", claims, 2.5)
    assert any(
        {toll.key, ("monitor", claims[-1].span_id)} <= {m.key for m in a.members}
        for a in alignments
    )
    conflicts = find_conflicts(alignments, None, claims)
    assert [c.kind for c in conflicts].count("number") == 1  # one per alignment and pair
    # A carried place is evidence of one subject, never of a place conflict.
    assert not [c for c in conflicts if c.kind == "place"]


def test_two_kinds_of_event_joined_through_a_claim_never_conflict() -> None:
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    rival = next(c for c in claims if c.doc_id == "rival")
    siege = replace(rival, label="ground_offensive", family="ground_offensive")
    said = next(c for c in claims if c.layer == "attributions")
    joined = Alignment("s1.a0", "s1", "airstrike", [wire, siege, said])
    # The strike and the siege share an attribution, not a subject: no place, date or number
    # conflict between them; the strike and the rival's shelling do conflict.
    assert not [
        c for c in find_conflicts([joined]) if {c.a.doc_id, c.b.doc_id} == {"wire", "rival"}
    ]
    shelling = Alignment("s1.a1", "s1", "airstrike", [wire, rival])
    assert {c.kind for c in find_conflicts([shelling])} >= {"place", "date"}


def test_a_count_given_as_part_of_a_toll_is_no_other_toll() -> None:
    from newsprism.corpus.claim_counts import count_parts, kept_counts
    from newsprism.document import Document, Span

    text = "The strike killed 18 civilians. The group said four children were among the dead."
    four = text.index("four")
    eighteen = text.index("18")
    doc = Document(
        "d",
        text,
        layers={
            "mentions": (
                Span(
                    eighteen,
                    eighteen + 2,
                    "QUANTITY",
                    attrs={"role": "killed", "unit": "civilians", "value": {"min": 18, "max": 18}},
                ),
                Span(
                    four,
                    four + 4,
                    "QUANTITY",
                    attrs={"role": "killed", "unit": "children", "value": {"min": 4, "max": 4}},
                ),
            )
        },
    )
    ids = [m.id for m in doc.layer("mentions")]
    assert count_parts(doc, kept_counts(doc, ids[1:])) == (("killed", "children"),)
    assert count_parts(doc, kept_counts(doc, ids[:1])) == ()
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    monitor = next(c for c in claims if c.doc_id == "monitor")
    part = replace(monitor, count_parts=(("killed", "children"),))
    assert "number" in [k for k, _ in pair_conflicts(wire, monitor)]  # 14 vs 17
    assert "number" not in [k for k, _ in pair_conflicts(wire, part)]  # 14 vs 17 of the children


def test_one_party_asserting_and_denying_is_no_polarity_conflict() -> None:
    from newsprism.corpus.conflicts import one_speaker

    assert one_speaker("observatory", "Syrian Observatory for Human Rights")
    assert not one_speaker("Syrian army", "Syrian Observatory")
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    ministry = next(c for c in claims if c.doc_id == "ministry")
    assert "polarity" in [k for k, _ in pair_conflicts(wire, ministry)]
    same = replace(wire, speaker="Ministry of Defence")
    assert "polarity" not in [k for k, _ in pair_conflicts(same, ministry)]


def test_the_denier_speaks_a_reported_denial() -> None:
    claim = _one_claim(
        "The Dalmyr Liberation Front denied firing on Varo on Thursday.",
        [("Dalmyr Liberation Front", "ORG"), ("Varo", "GPE")],
        {"polarity": "deny"},
    )
    # Not the outlet that reports it.
    assert claim.speaker == "Dalmyr Liberation Front" and claim.polarity == "deny"
    grouped = _one_claim(
        "The key Ahrar al-Sham rebel group denied attacking the convoy.",
        [("Ahrar al-Sham", "ORG")],
        {"polarity": "deny"},
    )
    assert grouped.speaker == "Ahrar al-Sham"


def test_a_denial_of_a_partys_part_contradicts_only_who_names_that_party() -> None:
    denial = _one_claim(
        "The Ahrar al-Sham rebel group denied any involvement in the bombing of the convoy.",
        [("Ahrar al-Sham", "ORG")],
        {"polarity": "deny"},
    )
    assert denial.denied_parties == ("Ahrar al-Sham",)
    plain = _one_claim(
        "The Dalmyr Liberation Front denied firing on Varo on Thursday.",
        [("Dalmyr Liberation Front", "ORG"), ("Varo", "GPE")],
        {"polarity": "deny"},
    )
    # Firing is the front's own act: it says someone else fired, not that no one did.
    assert plain.denied_parties == ("Dalmyr Liberation Front",)
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    reported = replace(wire, actor=None, polarity="assert")
    # The bombing was reported; the group denies its part: no contradiction of the report.
    assert "polarity" not in [k for k, _ in pair_conflicts(reported, denial)]
    blamed = replace(reported, actor="Ahrar al-Sham fighters")
    conflicts = dict(pair_conflicts(blamed, denial))
    assert conflicts["polarity"].endswith("Ahrar al-Sham denies it")
    here = _one_claim(
        "The Dalmyr Liberation Front denied firing on Kessen on Friday.",
        [("Dalmyr Liberation Front", "ORG"), ("Kessen", "GPE")],
        {"polarity": "deny"},
    )
    assert "polarity" not in [k for k, _ in pair_conflicts(reported, replace(here, doc_id="x"))]
    front = replace(reported, actor="Dalmyr Liberation Front")
    assert "polarity" in [k for k, _ in pair_conflicts(front, replace(here, doc_id="x"))]
    # A denial of the act itself conflicts with its report, whoever is named; a denial of an
    # act elsewhere is another matter (the places conflict, not the polarity).
    act = _one_claim(
        "Officials denied that any air strike hit Kessen on Friday.",
        [("Kessen", "GPE")],
        {"polarity": "deny"},
    )
    assert act.denied_parties is None
    assert "polarity" in [k for k, _ in pair_conflicts(reported, replace(act, doc_id="x"))]
    varo = replace(act, doc_id="x", places=plain.places, area=plain.area)
    assert [k for k, _ in pair_conflicts(reported, varo)] == ["place"]


def test_no_civilian_harm_contradicts_only_a_report_of_harm_to_civilians() -> None:
    denial = _one_claim(
        "The ministry said no civilians were killed in the strikes on Kessen on Friday.",
        [("Kessen", "GPE")],
        {"polarity": "deny"},
    )
    assert denial.denied_parties is None
    toll = _one_claim(
        "Airstrikes on Kessen killed 14 civilians on Friday.",
        [("Kessen", "GPE")],
        {"polarity": "assert", "counts": {"killed": 14}},
    )
    other = {"doc_id": "x", "speaker": "Observatory", "source": "observatory", "actor": None}
    assert "polarity" in [k for k, _ in pair_conflicts(replace(toll, **other), denial)]
    # The government's own report of what its jets destroyed reports no harm to civilians.
    hideouts = _one_claim(
        "Air force units destroyed terrorist hideouts in Kessen on Friday.",
        [("Kessen", "GPE")],
        {"polarity": "assert"},
    )
    assert "polarity" not in [k for k, _ in pair_conflicts(replace(hideouts, **other), denial)]
    fighters = _one_claim(
        "Airstrikes on Kessen killed 30 militants on Friday.",
        [("Kessen", "GPE")],
        {"polarity": "assert", "counts": {"killed": 30}},
    )
    # The counts layer names the group counted (`victims_of`); these documents have no mentions.
    fighters = replace(fighters, count_victims=(("killed", Victims("fighters")),))
    assert "polarity" not in [k for k, _ in pair_conflicts(replace(fighters, **other), denial)]


@pytest.mark.parametrize(
    "text",
    [
        "The Dalmyr Liberation Front denied carrying out the attack on Kessen on Friday.",
        "The Dalmyr Liberation Front denied having shelled Kessen on Friday.",
        "The Dalmyr Liberation Front denied it had launched any raids on Kessen on Friday.",
        "The Dalmyr Liberation Front denies that it has targeted Kessen.",
    ],
)
def test_a_party_denying_its_own_act_denies_its_part(text: str) -> None:
    denial = _one_claim(
        text, [("Dalmyr Liberation Front", "ORG"), ("Kessen", "GPE")], {"polarity": "deny"}
    )
    assert denial.denied_parties == ("Dalmyr Liberation Front",)


def test_a_denial_about_civilians_contradicts_only_a_report_of_harm_to_civilians() -> None:
    denial = _one_claim(
        "Defense Ministry spokesman Igor Konashenkov said claims about Russian air strikes "
        "killing civilians in Kessen on Friday are false.",
        [("Russian", "NORP"), ("Igor Konashenkov", "PERSON"), ("Kessen", "GPE")],
        {"polarity": "deny"},
    )
    other = {"doc_id": "x", "speaker": "Pentagon", "source": "pentagon"}
    rebels = _one_claim(
        "Russian jets struck rebel positions in Kessen on Friday.",
        [("Russian", "NORP"), ("Kessen", "GPE")],
        {"polarity": "assert", "actor": "Russia"},
    )
    assert "polarity" not in [k for k, _ in pair_conflicts(replace(rebels, **other), denial)]
    toll = _one_claim(
        "Russian jets killed 14 civilians in Kessen on Friday.",
        [("Russian", "NORP"), ("Kessen", "GPE")],
        {"polarity": "assert", "actor": "Russia", "counts": {"killed": 14}},
    )
    assert "polarity" in [k for k, _ in pair_conflicts(replace(toll, **other), denial)]


def test_two_countries_by_name_are_no_one_event_asserted_and_denied() -> None:
    hit = _one_claim(
        "All cruise missiles hit their targets in Syria on Wednesday.",
        [("Syria", "GPE")],
        {"polarity": "assert"},
    )
    syria = Area("syria", 35.07, 36.57, "country", "SY")
    iran = Area("iran", 35.07, 51.08, "country", "IR")
    denial = replace(
        hit, doc_id="x", speaker="Iran", source="iran", polarity="deny", places=frozenset()
    )
    kinds = [k for k, _ in pair_conflicts(replace(hit, area=syria), replace(denial, area=iran))]
    assert "polarity" not in kinds
    kinds = [k for k, _ in pair_conflicts(replace(hit, area=syria), replace(denial, area=syria))]
    assert "polarity" in kinds


def test_an_act_told_without_any_place_or_date_has_no_actor_to_dispute() -> None:
    strike = _one_claim(
        "Syrian air strikes killed 30 civilians in Kessen on Saturday.",
        [("Syrian", "NORP"), ("Kessen", "GPE")],
        {"polarity": "assert", "actor": "Syria"},
    )
    execution = replace(
        strike, doc_id="x", speaker="Jaish", source="jaish", actor="Nusra Front", places=frozenset()
    )
    assert "actor" not in [k for k, _ in pair_conflicts(strike, execution)]
    placed = replace(execution, context_places=frozenset({"kessen"}))
    assert "actor" not in [k for k, _ in pair_conflicts(strike, placed)]  # neither dated
    dated = replace(strike, date="2016-10-22")
    assert "actor" in [k for k, _ in pair_conflicts(dated, placed)]


def test_an_article_without_outlet_or_speaker_is_named_as_an_article() -> None:
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    ministry = next(c for c in claims if c.doc_id == "ministry")
    anonymous = replace(wire, speaker=None, source="doc:002_81e9f12925abacf5")
    notes = dict(pair_conflicts(anonymous, ministry))
    assert notes["polarity"].startswith("article 002_81e9f12925abacf5 asserts it; ")


def _counted(text: str) -> tuple[Document, dict[str, Span]]:
    """`text` with its counts as the counts layer finds them, and the kept count per role."""
    from newsprism.analyzers.counts import find_counts
    from newsprism.corpus.claim_counts import kept_counts

    spans = [Span(c.start, c.end, "QUANTITY", attrs=c.to_attrs()) for c in find_counts(text)]
    doc = Document("d", text, layers={"mentions": tuple(spans)})
    return doc, kept_counts(doc, [m.id for m in doc.layer("mentions")])


@pytest.mark.parametrize(
    "text",
    [
        "The Observatory put the toll at 58, saying there were 11 children among the dead.",
        "Five women and 13 rebels from the six families were among the dead.",
        "Those killed included six women according to the monitoring group.",
        "The UK-based group said six more people lost their lives in a village near Manbij.",
        "Nine other civilians were killed in rebel shelling of western Aleppo.",
        "Six others were killed in a village near the city.",
        "Twenty-six civilians were also killed yesterday in Al-Maghayer.",
        "The army said rebels had killed 84 people in Aleppo during the past three days.",
        "Strikes have killed 300 civilians in the province since January.",
        "At least 412 people more than half of them from ISIS have been killed in and around "
        "Kobane since mid-September.",
        # FA-KES: one group of a toll the sentence does not sum, and a toll split by place.
        "The Observatory said the attack on two villages killed 15 civilians and 27 "
        "pro-government fighters.",
        "Four Kurdish militiamen and 11 jihadists made up the rest of the dead the watchdog said.",
        "The Observatory said 30 militants were killed around the town of Shadadi in Hasakeh and "
        "another five outside the town of Kobane.",
        "The air strikes killed 45 civilians in and around Aleppo and 22 in neighbouring Idlib "
        "province.",
        "Human Rights Watch said eight chlorine attacks during the final months of the battle "
        "killed at least nine civilians.",
        "It said 31 people hurt in the attack were being treated in Turkish hospitals and three "
        "people had died since.",
        "Kurdish militia fought advancing ISIS fighters whose three-week assault on the town has "
        "killed hundreds of people.",
    ],
)
def test_a_part_a_further_toll_or_a_periods_total_is_no_incident_toll(text: str) -> None:
    from newsprism.corpus.claim_counts import count_parts

    doc, kept = _counted(text)
    assert [role for role, _unit in count_parts(doc, kept)] == ["killed"]


def test_a_whole_toll_is_no_part() -> None:
    from newsprism.corpus.claim_counts import count_parts

    for text in (
        "At least 58 people were killed in the gas attack on Khan Sheikhoun.",
        "Dozens more wounded were taken to hospitals in Idlib.",  # the wounded: the whole count
        "Strikes killed more than 120 people, the Observatory said.",
        # The whole before its split by place; the wounded are no other group of dead.
        "The Observatory said 21 civilians had been killed in coalition raids in the area 15 in "
        "a northern district of Manbij and another six in Al-Tukhar.",
        "Strikes killed 20 civilians and wounded 30 in the city.",
        "Strikes killed 20 civilians and 30 people were wounded in the city.",
    ):
        doc, kept = _counted(text)
        assert count_parts(doc, kept) == (), text


def test_counts_of_civilians_and_of_fighters_never_conflict() -> None:
    from newsprism.corpus.claim_counts import count_victims
    from newsprism.corpus.victims import Victims

    texts = {
        "isis": "At least 35 ISIS militants were killed in air strikes overnight.",
        "kurds": "At least 30 Kurdish fighters were killed when two suicide bombers struck.",
        "regime": "Nineteen regime forces were killed when rebels blew up a tunnel.",
        "civilians": "Fifteen civilians were killed in US airstrikes.",
        "families": "Six families of rebel fighters were executed in the village.",
        "people": "Thirty people were killed in the blast.",
    }
    groups = {}
    for key, text in texts.items():
        doc, kept = _counted(text)
        groups[key] = dict(count_victims(doc, kept)).get("killed")
    assert groups["isis"] == Victims("fighters", frozenset({"Islamic State"}))
    assert groups["kurds"] == Victims("fighters", frozenset({"Kurdish forces"}))
    assert groups["regime"] == Victims("fighters", frozenset({"Syria"}))
    assert groups["civilians"] == Victims("civilians")
    assert groups["families"] is None  # fighters' families are no fighters
    assert groups["people"] is None  # people in general: comparable with any group
    isis, kurds, civilians = groups["isis"], groups["kurds"], groups["civilians"]
    assert isis is not None and kurds is not None and civilians is not None
    assert isis.differ(kurds) and isis.differ(civilians)
    assert not isis.differ(Victims("fighters"))  # jihadists of no named side may be the same
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    monitor = next(c for c in claims if c.doc_id == "monitor")
    assert "number" in [k for k, _ in pair_conflicts(wire, monitor)]  # 14 vs 17
    fighters = replace(monitor, count_victims=(("killed", isis),))
    assert "number" in [k for k, _ in pair_conflicts(wire, fighters)]  # wire's count: people
    wire_civilians = replace(wire, count_victims=(("killed", civilians),))
    assert "number" not in [k for k, _ in pair_conflicts(wire_civilians, fighters)]


def test_unnamed_rebels_differ_from_the_governments_side_only() -> None:
    """FA-KES: "19 regime forces" against "Nearly 30 foreign-sponsored Takfiri terrorists",
    "18 IS jihadists" against "30 Kurdish militiamen", "120 IS group fighters" against "7 Nusra
    Front field commanders" had stood as number conflicts. Rebels whose phrase names no party
    may still be any named group ("militants", "ISIS militants"); "Syrian rebels" are not the
    Syrian state's."""
    from newsprism.corpus.claim_counts import count_victims
    from newsprism.corpus.victims import ANY_OPPOSITION, Victims

    def group(text: str) -> Victims | None:
        doc, kept = _counted(text)
        return dict(count_victims(doc, kept)).get("killed")

    regime = group("Nineteen regime forces were killed when rebels blew up a tunnel.")
    takfiri = group("Nearly 30 foreign-sponsored Takfiri terrorists have been killed.")
    is_jihadists = group("Air strikes killed 18 IS jihadists near the border.")
    kurds = group("At least 30 Kurdish militiamen were killed by two suicide bombers.")
    nusra = group("Russian jets killed 7 Nusra Front field commanders.")
    isis = group("At least 35 ISIS militants were killed in air strikes overnight.")
    syrian_rebels = group("More than 30 Syrian rebel fighters were killed in the blast.")
    militants = group("Twenty militants were killed in the raid.")
    found = (regime, takfiri, is_jihadists, kurds, nusra, isis, syrian_rebels, militants)
    assert all(g is not None for g in found)
    assert takfiri == Victims("fighters", frozenset({ANY_OPPOSITION}))
    assert is_jihadists == Victims("fighters", frozenset({"Islamic State"}))
    assert syrian_rebels is not None and "Syria" not in syrian_rebels.sides
    assert regime is not None and takfiri is not None and regime.differ(takfiri)
    assert is_jihadists is not None and kurds is not None and is_jihadists.differ(kurds)
    assert nusra is not None and is_jihadists.differ(nusra)
    assert militants is not None and isis is not None and not militants.differ(isis)
    assert syrian_rebels is not None and regime.differ(syrian_rebels)


def test_claims_dated_weeks_apart_are_two_incidents() -> None:
    from newsprism.corpus.conflicts import days_apart

    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    rival = next(c for c in claims if c.doc_id == "rival")
    a = replace(wire, date="2016-11-12", date_inferred=False, date_word=None)
    near = replace(rival, date="2016-11-10", date_inferred=False, date_word=None)
    far = replace(rival, date="2016-10-13", date_inferred=False, date_word=None)
    assert "date" in [k for k, _ in pair_conflicts(a, near)]
    assert "date" not in [k for k, _ in pair_conflicts(a, far)]  # "the October 13 attack"
    # Claims their texts date weeks apart report two incidents: no other conflict either.
    assert "number" in [k for k, _ in pair_conflicts(wire, replace(rival, doc_id="x"))]
    assert pair_conflicts(a, far) == []
    carried = replace(far, date_inferred=True)  # a date carried over decides nothing
    assert "number" in [k for k, _ in pair_conflicts(a, carried)]
    assert days_apart("2016-11-12", "2016-10-13/2016-10-14") == 29
    assert days_apart("2016-11-12", "unknown") == 0
    # A day inside an interval ("earlier this week") is no other date.
    week = replace(rival, date="2016-11-07/2016-11-12", date_inferred=False, date_word=None)
    assert "date" not in [k for k, _ in pair_conflicts(a, week)]


def test_a_claim_keeps_the_span_its_event_states() -> None:
    claim = _one_claim(
        "Earlier this week a chemical attack hit Khan Sheikhun, killing 87 civilians.",
        [("Khan Sheikhun", "GPE")],
        {"date": "2017-04-03", "date_range": "2017-04-03/2017-04-08", "date_source": "text"},
    )
    assert claim.date == "2017-04-03/2017-04-08"


def test_the_wars_running_toll_in_a_claim_counts_no_incident() -> None:
    """Alalam: "the conflict has claimed the lives of over 470000 people ..., Press TV reported"
    stood in a number conflict against 70 dead in an Aleppo air strike; an incident's count in
    the same claim still counts."""
    text = (
        "The conflict has claimed the lives of over 470000 people, Press TV reported. "
        "Air strikes killed 12 people in Aleppo on Monday, the Observatory said."
    )
    doc = make_doc(
        "d",
        text,
        "Outlet",
        "2016-02-17",
        entities=[("Aleppo", "GPE")],
        attributions=[
            ("The conflict has claimed the lives of over 470000 people", {"speaker": "Press TV"}),
            ("Air strikes killed 12 people in Aleppo on Monday", {"speaker": "Observatory"}),
        ],
    )
    mentions = [
        Span(*find(text, "over 470000 people"), "QUANTITY", attrs={
            "role": "killed", "value": {"min": 470001, "max": None},
        }),
        Span(*find(text, "12 people"), "QUANTITY", attrs={
            "role": "killed", "value": {"min": 12, "max": 12},
        }),
    ]  # fmt: skip
    doc = Document(doc.id, doc.text, doc.meta, {**doc.layers, "mentions": tuple(mentions)})
    war, strike = (c for c in _claims([make_article(doc)]) if c.layer == "attributions")
    assert war.counts == ()
    assert strike.counts == (("killed", 12, 12),)


def test_a_toll_that_says_it_revises_a_lower_one_is_noted() -> None:
    """FA-KES: "Thirteen civilians ... the Observatory reported Thursday updating an earlier
    toll" against another outlet's five: still a discrepancy, said to be one in time."""
    low = _one_claim(
        "Five civilians were killed in Kessen on Friday, the observatory said.",
        [("Kessen", "GPE")],
        {"polarity": "assert", "counts": {"killed": 5}},
    )
    high = _one_claim(
        "Thirteen civilians were killed in Kessen on Friday, the observatory said, updating an "
        "earlier toll.",
        [("Kessen", "GPE")],
        {"polarity": "assert", "counts": {"killed": 13}},
    )
    notes = dict(pair_conflicts(low, replace(high, doc_id="x", source="x")))
    assert notes["number"] == "killed: 5 vs 13 (the higher toll says it revises an earlier one)"
    updated = replace(
        high,
        doc_id="x",
        source="x",
        text="Thirteen were killed, a monitor said in an updated toll.",
    )
    assert dict(pair_conflicts(low, updated))["number"].endswith("revises an earlier one)")
    plain = replace(high, doc_id="x", source="x", text="Thirteen civilians were killed.")
    assert dict(pair_conflicts(low, plain))["number"] == "killed: 5 vs 13"


def test_the_day_an_act_began_is_no_other_date_of_it() -> None:
    """FA-KES: "The bombardment - the first on Jayrud in at least two years - began" (Friday)
    against "Thirty civilians were killed on Saturday in intensive Syrian air strikes"."""
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    rival = next(c for c in claims if c.doc_id == "rival")
    killed = replace(wire, date="2016-07-02", date_inferred=False, date_word=None)
    began = replace(
        rival,
        text="The bombardment of Kessen began on Friday.",
        date="2016-07-01",
        date_inferred=False,
        date_word=None,
    )
    assert "date" not in [k for k, _ in pair_conflicts(killed, began)]
    fired = replace(began, text="Mortar shells hit Kessen on Friday.")
    assert "date" in [k for k, _ in pair_conflicts(killed, fired)]


def test_one_persons_death_and_a_mass_killing_are_two_acts() -> None:
    """FA-KES: "Islamist militants killed a government pilot when he was forced to eject" set
    against "Thirty civilians were killed on Saturday in intensive Syrian air strikes" as one
    act with two actors and two dates."""
    claims = _claims(_articles())
    wire = next(c for c in claims if c.doc_id == "wire")
    rival = next(c for c in claims if c.doc_id == "rival")
    strikes = replace(wire, actor="Syria", date="2016-07-02", date_inferred=False, date_word=None)
    pilot = replace(
        rival,
        text="Islamist militants killed a government pilot when he was forced to eject.",
        actor="Islamist",
        counts=(),
        date="2016-07-01",
        date_inferred=False,
        date_word=None,
    )
    assert not {"actor", "date"} & {k for k, _ in pair_conflicts(strikes, pilot)}
    mortars = replace(pilot, text="Mortar shells fired by Islamists hit Kessen.")
    assert {"actor", "date"} <= {k for k, _ in pair_conflicts(strikes, mortars)}


def test_unnamed_fighters_may_be_any_armed_group_but_the_governments() -> None:
    """FA-KES: "Islamist militants killed a government pilot" against "Rebels ... targeted a
    main army base": one side, named by what its fighters are."""
    assert actors_compatible("Islamist", "Syrian opposition")
    assert actors_compatible("rebels", "Jabhat al-Nusra")
    assert not actors_compatible("Islamist", "Syria")
    assert not actors_compatible("rebels", "Russia")
    assert not actors_compatible("Syria", "Jabhat al-Nusra")
    assert not actors_compatible("rebels", "Ahrar al-Sham", unnamed_fighters=False)
