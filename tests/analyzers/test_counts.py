"""Counts, number words, qualifiers, vague quantities and their roles."""

from __future__ import annotations

from newsprism.analyzers.counts import find_counts, number_value


def _counts(text: str) -> list[tuple[str | None, int | None, int | None]]:
    return [(c.role, c.min, c.max) for c in find_counts(text)]


def test_seed_counts_and_roles() -> None:
    assert _counts("US warplanes killed 27 ISIS field commanders – 26 in a bombing raid") == [
        ("killed", 27, 27)
    ]
    assert _counts("Russia acknowledged 18 airstrikes against 12 targets on Friday") == [
        ("strikes", 18, 18),
        ("targets", 12, 12),
    ]
    assert _counts("131 sorties were flown, striking 237 terrorist targets") == [
        ("sorties", 131, 131),
        ("targets", 237, 237),
    ]
    assert _counts("it was totally destroyed, killing 12 people.") == [("killed", 12, 12)]
    assert _counts("liberated dozens of towns and villages") == [("places", 24, 99)]
    # "dead" is the toll whatever verb follows (it had read "24 dead and dozens more wounded"
    # as 24 wounded, and the demo blog's "Seventeen dead!" as 17 people).
    assert _counts("the monitor counted 24 dead and dozens more wounded") == [
        ("killed", 24, 24),
        ("wounded", 24, 99),
    ]
    assert _counts("Seventeen dead!") == [("killed", 17, 17)]
    # The war's toll, not "hundreds" (FA-KES had set it against a gas attack's 58 dead).
    assert _counts("the war which has killed hundreds of thousands") == [
        ("killed", 200_000, 999_999)
    ]


def test_qualifiers_words_and_wounded() -> None:
    assert _counts("At least 30 civilians were killed and more than 100 wounded") == [
        ("killed", 30, None),
        ("wounded", 101, None),
    ]
    assert _counts("twenty-seven soldiers were injured") == [("wounded", 27, 27)]
    assert _counts("at least 72% of Syrians") == [("percent", 72, None)]


def test_numbers_without_countable_head_are_skipped() -> None:
    assert _counts("In 2015, at 1PM, three times weekly") == []


def test_number_value() -> None:
    assert number_value("twenty-seven") == 27
    assert number_value("1,200") == 1200
    assert number_value("a dozen") == 12
    assert number_value("two hundred") == 200
    assert number_value("banana") is None


def _roles(text: str) -> list[tuple[str, str | None]]:
    return [(c.text, c.role) for c in find_counts(text)]


def test_a_count_s_own_predicate_says_what_it_counts() -> None:
    # The verb after the count ("were injured") is its predicate, whatever verb comes before.
    assert _roles("Two civilians were killed and 12 other civilians were injured by shells.") == [
        ("Two civilians", "killed"),
        ("12 other civilians", "wounded"),
    ]
    assert _roles("Ten civilians were killed and more than 50 others got injured.") == [
        ("Ten civilians", "killed"),
        ("more than 50 others", "wounded"),
    ]
    sustained = "At least 50 people have lost their lives and 100 others sustained injuries."
    assert _roles(sustained) == [("At least 50 people", "killed"), ("100 others", "wounded")]
    # Headline style, no copula: the second group's participle.
    assert _roles("Three civilians killed 12 others injured in terrorist attacks.") == [
        ("Three civilians", "killed"),
        ("12 others", "wounded"),
    ]
    # Without a predicate of its own the nearest verb still decides.
    assert _roles("The raid killed 12 people and wounded 30 others.") == [
        ("12 people", "killed"),
        ("30 others", "wounded"),
    ]
    assert _roles("Shells fell on the market, claiming the lives of 3 children.") == [
        ("3 children", "killed")
    ]


def test_a_part_of_a_counted_group_is_what_the_verb_counts() -> None:
    def counted(text: str) -> list[tuple[str, str, object]]:
        return [(c.text, c.role, c.to_attrs()["value"]) for c in find_counts(text)]

    # Russia's Su-24, 24 November 2015: one pilot killed, not two.
    assert counted("One of the two pilots was killed by ground fire after ejecting.") == [
        ("One of the two pilots", "killed", {"min": 1, "max": 1})
    ]
    assert counted("Two of the five men were killed.") == [
        ("Two of the five men", "killed", {"min": 2, "max": 2})
    ]
    # A noun that counts on its own keeps its number: no verb says what the part is.
    assert counted("one of the 40 victims was a child")[0][2] == {"min": 40, "max": 40}


def test_headline_tolls_name_no_victims() -> None:
    """FA-KES headlines: "Car bomb kills four in Damascus", "Terrorist attacks kill 10 injure
    scores", "Air strikes kill 9 IS fighters" (IS the group, not the verb) had counted nothing.
    A number after a verb of killing or wounding counts its victims; one after any other word,
    or a year, still counts nothing."""
    assert _counts("Car bomb kills four in Damascus") == [("killed", 4, 4)]
    assert _counts("Terrorist attacks kill 10 injure scores in Aleppo") == [
        ("killed", 10, 10),
        ("wounded", 40, 99),
    ]
    assert _counts("Air strikes kill 9 IS fighters in Syria") == [("killed", 9, 9)]
    assert _counts("Gunmen killed 3 of the 5 hostages") == [("killed", 3, 3)]
    assert _counts("Fighting killed in 2015 and raged on 12 fronts") == []
    assert _counts("Troops reached 12 in Homs") == []


def test_a_count_governed_by_its_verb_takes_that_verb() -> None:
    """SANA: "claiming the lives of three civilians injuring eight others" had counted three
    wounded (the verb after the head was nearer); Al-Manar's headline "Kills 3 Wounds 20
    Militants of ..." had counted 20 killed ("Wounds" was no verb of wounding)."""
    assert _counts("shells claiming the lives of three civilians injuring eight others") == [
        ("killed", 3, 3),
        ("wounded", 8, 8),
    ]
    assert _counts("the war claimed the lives of over 470000 people injured 1.9 million") == [
        ("killed", 470001, None),
        ("wounded", 1900000, 1900000),
    ]
    assert _counts("Rocket Shells at Damascus Kills 3 Wounds 20 Militants of the group") == [
        ("killed", 3, 3),
        ("wounded", 20, 20),
    ]
    assert _counts("shells killing two persons and injuring 32 others") == [
        ("killed", 2, 2),
        ("wounded", 32, 32),
    ]
