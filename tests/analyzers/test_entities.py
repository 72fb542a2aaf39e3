"""entities.v1: CoNLL head quality gate, label mapping, dates, quantities and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyzers.entities import find_entities, load_encoder_ner_head, load_ner_head
from newsprism.document import Document
from newsprism.errors import NewsprismError
from newsprism.evaluate.conll import entity_set, eval_conll


def _ents(text: str) -> list[tuple[str, str, object]]:
    """Entities as entities.v1 finds them: sentences, encoder vectors, encoder head, rules."""
    from newsprism.config import load_config
    from newsprism.pipeline import build_pipeline

    names = ["sections.v1", "sentences.v1", "encoder.v1", "entities.v1"]
    doc = build_pipeline(load_config(), names=names).analyze(Document("e", text))
    return [(doc.span_text(s), s.label, s.attrs.get("canonical")) for s in doc.layer("entities")]


def test_perceptron_head_alone_still_tags() -> None:
    """find_entities also runs on the perceptron alone (no encoder vectors needed)."""
    doc = Document("p", "Maj. Gen. Igor Konashenkov said Russian jets hit targets in Syria.")
    found = {(doc.span_text(s), s.label) for s in find_entities(doc, load_ner_head())}
    assert ("Syria", "GPE") in found


def test_encoder_head_needs_the_encoding() -> None:
    doc = Document("p", "Igor Konashenkov spoke in Moscow.")
    with pytest.raises(NewsprismError):
        find_entities(doc, load_encoder_ner_head())


def test_conll_dev_gate(shared_data: Path) -> None:
    if not (shared_data / "conll2003" / "dev.txt").is_file():
        pytest.skip("CoNLL-2003 not present")
    scores = eval_conll("dev", limit=800)
    # Encoder head: measured 0.924 micro F1 on the full dev split (perceptron alone: 0.862);
    # 0.943 micro and 0.973 PER on these 800 sentences. Floors sit just under the latter.
    assert scores["micro"]["f1"] >= 0.93
    assert scores["types"]["PER"]["f1"] >= 0.96


def test_conll_dev_documents_gate(shared_data: Path) -> None:
    """The whole entities.v1 over CoNLL documents (split at their datelines), its document-level
    repairs included: 0.888 micro on all 214 dev documents (the head alone: 0.924; headlines are
    left untagged and MISC is only nationalities here), 0.901 micro and 0.948 PER on these 60."""
    if not (shared_data / "conll2003" / "dev.txt").is_file():
        pytest.skip("CoNLL-2003 not present")
    from newsprism.evaluate.conll import eval_conll_documents, load_conll_documents

    assert len(load_conll_documents("dev")) == 214
    scores = eval_conll_documents("dev", 60)
    assert scores["documents"] == 60
    assert scores["micro"]["f1"] >= 0.89
    assert scores["types"]["PER"]["f1"] >= 0.94


def test_a_lists_numbers_are_no_quantities() -> None:
    """Seed 002's reader comments are numbered ("  1. Ohhhh . . ."): the numbers had been
    quantities "1." and "2."; a number inside a line, or with decimals, still is one."""
    text = "Comments\n\n  1. Ohhhh, boo hoo.\n\n  2) He said 1.9 million fled and 3. were hurt."
    quantities = [t for t, lab, _ in _ents(text) if lab == "QUANTITY"]
    assert quantities == ["1.9 million", "3"]


def test_entity_set_reads_iob1_and_iob2() -> None:
    assert entity_set(["I-PER", "I-PER", "O", "B-LOC"]) == {(0, 2, "PER"), (3, 4, "LOC")}


def test_aliases_dates_quantities() -> None:
    text = (
        "On Monday, Defense Ministry spokesman Maj. Gen. Igor Konashenkov said Russian jets hit "
        "dozens of targets in Syria. Konashenkov added that 27 commanders were killed."
    )
    ents = _ents(text)
    labels = {t: lab for t, lab, _ in ents}
    canon = {t: c for t, _, c in ents}
    assert labels.get("Syria") == "GPE"
    assert labels.get("Russian") == "NORP"
    assert any(lab == "DATE" and "Monday" in t for t, lab, _ in ents)
    assert any(lab == "QUANTITY" and "dozens" in t for t, lab, _ in ents)
    assert any(lab == "QUANTITY" and "27" in t for t, lab, _ in ents)
    assert canon.get("Konashenkov") == "Maj. Gen. Igor Konashenkov"


def test_empty_and_hostile_text() -> None:
    assert _ents("") == []
    assert isinstance(_ents("\x00\ufeff“”“ 1,2,3 ... !!!"), list)


def test_seed_000_names(seed_000: Path) -> None:
    """Headline words, page furniture, possessives, split outlets and people read as places."""
    from newsprism.config import load_config
    from newsprism.pipeline import build_pipeline

    names = ["sections.v1", "sentences.v1", "encoder.v1", "entities.v1"]
    pipeline = build_pipeline(load_config(), names=names)
    doc = pipeline.analyze(Document("s0", seed_000.read_text(encoding="utf-8")))
    found = [(doc.span_text(s), s.label, s.attrs.get("canonical")) for s in doc.layer("entities")]
    labels = {t: lab for t, lab, _ in found}
    assert labels.get("Fars News") == "ORG"
    assert "News" not in labels
    assert labels.get("Obama") == "PERSON"
    assert "John Kerry" in labels and "John Kerry’s" not in labels
    assert "Comment" not in labels
    assert not any("Warplanes" in t or "Warplanes" in str(c) for t, _, c in found)
    assert ("Konashenkov", "PERSON", "Major General Igor Konashenkov") in found


def test_repairs_on_hand_built_text() -> None:
    ents = _ents(
        "Leave a Comment. Senator Obama met Igor Konashenkov. Anadolu Agency said so. "
        "Maria Holt’s aides spoke."
    )
    labels = {t: lab for t, lab, _ in ents}
    assert "Comment" not in labels
    assert labels.get("Obama") == "PERSON"
    assert "Maria Holt" in labels


def test_analyzer_without_encoder_uses_the_perceptron() -> None:
    """A pipeline that skips encoder.v1 (the web UI's tests) still gets entities."""
    from newsprism.config import load_config
    from newsprism.pipeline import build_pipeline

    names = ["sections.v1", "sentences.v1", "entities.v1"]
    text = "Maj. Gen. Igor Konashenkov said Russian jets hit targets in Syria."
    doc = build_pipeline(load_config(), names=names).analyze(Document("w", text))
    found = {(doc.span_text(s), s.label) for s in doc.layer("entities")}
    assert ("Syria", "GPE") in found


def test_a_name_never_ends_in_a_connector() -> None:
    from newsprism.analyzers.entities import _repair

    text = "Press Service of the Ministry of Defence of the Republic of Ostravia. Bank of said."
    cut = text.index("Ministry"), text.index("Republic"), text.index("Bank")
    found = [
        (cut[0], cut[0] + 22, "ORG"),
        (cut[1], cut[1] + 20, "ORG"),
        (cut[2], cut[2] + 7, "ORG"),
    ]
    repaired = [(text[s:e], label) for s, e, label in _repair(text, found)]
    # The tagger's "Ministry of Defence of" + "Republic of Ostravia" is one name; a name whose
    # tail it lost keeps what it holds.
    assert repaired == [("Ministry of Defence of the Republic of Ostravia", "ORG"), ("Bank", "ORG")]


def test_a_city_in_a_places_slot_is_no_person() -> None:
    """FA-KES copy without commas ("... in Raqqa he said") makes the tagger read a city as a
    person; after "in" or "the town of" it is a place, while a person keeps a possessive
    ("in Trump's speech") and a name of a longer person's ("in Obama" after "Barack Obama")."""
    labels = {
        t: lab for t, lab, _ in _ents("This was one of the largest engagements in Raqqa he said.")
    }
    assert labels.get("Raqqa") == "GPE"
    labels = {
        t: lab
        for t, lab, _ in _ents(
            "Barack Obama spoke on Monday. Confidence in Obama fell, and in Trump's speech "
            "he said so."
        )
    }
    assert labels.get("Obama") != "GPE" and labels.get("Trump") != "GPE"


def test_armed_groups_named_in_arabic_are_organisations() -> None:
    """The tagger, trained on English news, had read 91 of 167 such FA-KES names as persons
    ("Ahrar al-Sham" 14 times); their Arabic head words ("front", "army", "free men", "legion")
    make them groups. Persons and places keep their labels."""
    from newsprism.analyzers.entities import _repair

    text = "Ahrar al-Sham and Jaish al-Islam fought Jabhat al-Nusra near Homs, Nour Ahmed said."
    names = ("Ahrar al-Sham", "Jaish al-Islam", "Jabhat al-Nusra", "Homs", "Nour Ahmed")
    labels = ("PERSON", "NORP", "LOC", "GPE", "PERSON")
    found = [
        (text.index(n), text.index(n) + len(n), lab) for n, lab in zip(names, labels, strict=True)
    ]
    repaired = {text[s:e]: label for s, e, label in _repair(text, found)}
    assert repaired == {
        "Ahrar al-Sham": "ORG",
        "Jaish al-Islam": "ORG",
        "Jabhat al-Nusra": "ORG",
        "Homs": "GPE",
        "Nour Ahmed": "PERSON",
    }


def _located(text: str, spans: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, label) of each (name, label), found in order through `text`."""
    found, at = [], 0
    for name, label in spans:
        at = text.index(name, at)
        found.append((at, at + len(name), label))
        at += len(name)
    return found


def test_a_word_spelling_an_organisations_acronym_is_that_organisation() -> None:
    """Seed 002: "Syrian Arab News Agency (SANA)" then "Sana said" (read as a woman's name), and
    "ISIS militants" beside "ISIS" the group (read as a nationality): 51 FA-KES mentions of ISIS,
    5 of SANA and 4 of SOHR. A name that only looks like one stays what it is."""
    from newsprism.analyzers.entities import _repair

    text = "The agency (SANA) said so. Sana said ISIS militants fled; ISIS denied it. Dana spoke."
    spans = [
        ("SANA", "ORG"),
        ("Sana", "PERSON"),
        ("ISIS", "NORP"),
        ("ISIS", "ORG"),
        ("Dana", "PERSON"),
    ]
    assert [label for _s, _e, label in _repair(text, _located(text, spans))] == [
        "ORG", "ORG", "ORG", "ORG", "PERSON",
    ]  # fmt: skip


def test_an_outlets_name_without_its_tail_is_that_outlet() -> None:
    """Seed 000: "Fars News said ..." then "told Fars:" (read as a man's name). A place's outlet
    leaves the place alone ("Idlib News" beside the province), and a country is never turned."""
    from newsprism.analyzers.entities import _repair

    text = (
        "Fars News said so. An official told Fars: yes. The Idlib News network said Idlib was hit."
        " Syria Times said Syria agreed. Farsi spoke."
    )
    spans = [
        ("Fars News", "ORG"),
        ("Fars", "PERSON"),
        ("Idlib News", "ORG"),
        ("Idlib", "PERSON"),
        ("Syria Times", "ORG"),
        ("Syria", "GPE"),
        ("Farsi", "PERSON"),
    ]
    assert [label for _s, _e, label in _repair(text, _located(text, spans))] == [
        "ORG", "ORG", "ORG", "PERSON", "ORG", "GPE", "PERSON",
    ]  # fmt: skip


def test_a_country_the_document_names_as_a_place_is_no_organisation() -> None:
    """Seed 000: "Fars News said US warplanes killed 27" read "US" as an organisation beside
    four mentions of the country; an organisation named like no country stays one."""
    from newsprism.analyzers.entities import _repair

    text = "Fars said US warplanes struck. US helicopters flew. Reuters said so. Chad won."
    spans = [("US", "ORG"), ("US", "GPE"), ("Reuters", "ORG"), ("Chad", "PERSON")]
    assert [label for _s, _e, label in _repair(text, _located(text, spans))] == [
        "GPE", "GPE", "ORG", "PERSON",
    ]  # fmt: skip


def test_copy_stripped_of_apostrophes_keeps_its_names_whole() -> None:
    """FA-KES copy lost every apostrophe: "SANAs correspondent", "Syrias army", "Assads forces"
    beside "Assad" are possessives, while nationalities stay plural ("Syrians") and copy that
    keeps its apostrophes keeps plurals too ("the Springboks' coach" after "Springbok")."""
    from newsprism.analyzers.entities import _repair

    def names(text: str, spans: list[tuple[str, str]]) -> list[str]:
        return [text[s:e] for s, e, _label in _repair(text, _located(text, spans))]

    text = "SANAs correspondent said Syrias army and Assads forces, loyal to Assad, met Syrians."
    spans = [("SANAs", "ORG"), ("Syrias", "GPE"), ("Assads", "ORG"), ("Assad", "PERSON")]
    assert names(text, [*spans, ("Syrians", "NORP")]) == [
        "SANA", "Syria", "Assad", "Assad", "Syrians",
    ]  # fmt: skip
    kept = "A Springbok won. The Springboks' coach, who leads the Springboks, spoke."
    assert names(kept, [("Springbok", "ORG"), ("Springboks", "ORG")]) == ["Springbok", "Springboks"]


def test_tagging_in_word_groups_changes_nothing(
    seed_000: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long article is tagged a group of sentences at a time (bounded memory); sentences are
    tagged independently, so groups of a few words give exactly the entities of one pass."""
    import newsprism.analyzers.entities as entities
    from newsprism.config import load_config
    from newsprism.pipeline import build_pipeline

    names = ["sections.v1", "sentences.v1", "encoder.v1", "entities.v1"]
    pipeline = build_pipeline(load_config(), names=names)
    doc = Document("s0", seed_000.read_text(encoding="utf-8"))
    whole = pipeline.analyze(doc).layer("entities")
    monkeypatch.setattr(entities, "TAG_GROUP_WORDS", 7)
    grouped = pipeline.analyze(doc).layer("entities")
    assert len(whole) > 40
    assert grouped == whole


def test_canonical_names_match_the_longest_holding_name(seed_000: Path, seed_002: Path) -> None:
    """The indexed lookup of canonical names gives what comparing every pair of names gives."""
    import newsprism.analyzers.entities as entities

    for path in (seed_000, seed_002):
        text = path.read_text(encoding="utf-8")
        spans = entities.find_entities(Document("s", text), entities.load_ner_head())
        found = [(s.start, s.end, s.label) for s in spans]
        pools: dict[str, list[str]] = {}
        for span in spans:
            if "canonical" in span.attrs:
                pools.setdefault(span.label, []).append(span.attrs["canonical"])
        checked = 0
        canonical = entities._with_canonical(text, found)
        for (start, end, label), span in zip(found, canonical, strict=True):
            if "canonical" not in span.attrs:
                continue
            words = set(text[start:end].lower().split())
            surface = " ".join(text[start:end].split())
            names = [n for n in pools[label] if words <= set(n.lower().split())]
            assert span.attrs["canonical"] in names
            assert len(span.attrs["canonical"]) == max(len(n) for n in [*names, surface])
            checked += 1
        assert checked > 10


@pytest.mark.timeout(120)
def test_hostile_name_and_number_floods_are_tagged() -> None:
    """Thousands of names and numbers: indexed lookups, not every pair (each flood took minutes
    when every date and quantity was tested against every entity, and every name against every
    name; about a second now: the timeout only guards against a hang)."""
    import newsprism.analyzers.entities as entities

    names = " ".join("John Smith Of The United Nations Said" for _ in range(3000))
    numbers = " ".join(str(i) for i in range(20000)) + "."
    for text in (names, numbers):
        spans = entities.find_entities(Document("h", text), entities.load_ner_head())
        labels = {s.label for s in spans}
        assert ("PERSON" in labels) if text is names else (labels == {"QUANTITY"})
        assert len(spans) > 2000


def test_a_regions_people_and_the_region_by_its_people() -> None:
    """The demo blog's fictional region: the tagger read "Ostravia" as a person and
    "Ostravian", "Dalmyri" as an organisation and a person. Two persons, a word of a longer
    name, a known country and what is not a place keep their labels."""
    from newsprism.analyzers.entities import _repair

    text = (
        "Ostravia is guilty. The Ostravian Air Force is ours. Dalmyr burns. The Dalmyri are all "
        "rats. Ross met Rossi. Julian Assange met Julia. Ira saw Iran. Fars News said so. "
        "Farsi spoke."
    )
    spans = [
        ("Ostravia", "PERSON"),
        ("Ostravian", "ORG"),
        ("Dalmyr", "GPE"),
        ("Dalmyri", "PERSON"),
        ("Ross", "PERSON"),
        ("Rossi", "PERSON"),
        ("Julian Assange", "PERSON"),
        ("Julia", "PERSON"),
        ("Ira", "PERSON"),
        ("Iran", "GPE"),
        ("Fars News", "ORG"),
        ("Farsi", "PERSON"),
    ]
    assert [label for _s, _e, label in _repair(text, _located(text, spans))] == [
        "GPE", "NORP", "GPE", "NORP", "PERSON", "PERSON", "PERSON", "PERSON", "PERSON", "GPE",
        "ORG", "PERSON",
    ]  # fmt: skip


def test_a_town_the_document_calls_a_place_is_one_at_every_mention() -> None:
    """The demo's ministry statement: "the market of Kessen" and "Kessen had not been struck"
    read as a person beside "near Kessen" the place; a wire dateline in capitals is a place
    ("VARO - At least 11 ..."). A city read as an organisation elsewhere stays one (a team:
    "Leeds beat Chelsea"), and neither acronyms nor parties become places."""
    from newsprism.analyzers.entities import _repair

    text = (
        "VARO - Shells hit the town of Kessen. The residents of Kessen fled. Leeds beat Chelsea "
        "in Leeds. Fighters in ISIS said so. ISIS denied it."
    )
    spans = [
        ("VARO", "ORG"),
        ("Kessen", "GPE"),
        ("Kessen", "PERSON"),
        ("Leeds", "ORG"),
        ("Chelsea", "ORG"),
        ("Leeds", "GPE"),
        ("ISIS", "GPE"),
        ("ISIS", "ORG"),
    ]
    assert [label for _s, _e, label in _repair(text, _located(text, spans))] == [
        "GPE", "GPE", "GPE", "ORG", "ORG", "GPE", "GPE", "ORG",
    ]  # fmt: skip
