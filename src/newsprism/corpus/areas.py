"""Where an event happened as the gazetteer resolved it, and when two such places are one area.

Place names alone mislead across reports of one incident: "al-Bab" and "Aleppo" (40 km apart,
al-Bab lies in Aleppo province), "Idlib" the city and "Idlib" the province, "Khan Sheikhoun"
and "Idlib". Coordinates tell a town inside a province from a town 270 km away.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from newsprism.corpus.articles import fold_name
from newsprism.geo.gazetteer import province_skeletons, skeleton


@dataclass(frozen=True, slots=True)
class Area:
    """A gazetteer place: folded name, coordinates, kind (city, admin1, country), country."""

    name: str
    lat: float
    lon: float
    kind: str
    country: str | None
    canonical: str = ""
    """The gazetteer's folded name for the place ("damascus" for "the capital"); "" unknown."""


def area_of(attrs: Mapping[str, object]) -> Area | None:
    """An event's place when the text states it (not carried from the context or the
    document's main place), with coordinates; else None."""
    place = attrs.get("place")
    if attrs.get("place_source") != "text" or not isinstance(place, Mapping):
        return None
    lat, lon, name = place.get("lat"), place.get("lon"), place.get("name")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float):
        return None
    if not isinstance(name, str):
        return None
    country = place.get("country")
    canonical = place.get("canonical")
    return Area(
        fold_name(name),
        float(lat),
        float(lon),
        str(place.get("kind") or "city"),
        country if isinstance(country, str) else None,
        fold_name(canonical) if isinstance(canonical, str) else "",
    )


def km(a: Area, b: Area) -> float:
    """Great-circle distance in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))


def province_named(area: Area) -> bool:
    """Whether a town bears the name of its province or is a capital ("Aleppo", "Idlib",
    "Damascus", "the capital"): reports use the name for the town, the province or the
    government, and measure other places from it ("50 km northeast of the capital")."""
    if area.country is None:
        return False
    names = {area.name, area.canonical} - {""}
    return any((area.country, skeleton(name)) in province_skeletons() for name in names)


def two_towns(a: Area, b: Area, town_km: float) -> bool:
    """Whether two places are two towns: both cities of one country, neither named like a
    province or capital, farther apart than `town_km` ("Ariha" and "Jisr al-Shughur", 26 km
    apart in Idlib province; not "al-Bab" and "Aleppo")."""
    return (
        a.kind == b.kind == "city"
        and a.country is not None
        and a.country == b.country
        and a.name != b.name
        and not province_named(a)
        and not province_named(b)
        and km(a, b) > town_km
    )


def same_area(a: Area | None, b: Area | None, city_km: float, region_km: float) -> bool:
    """True unless both places are stated in one country and lie farther apart than `city_km`
    (`region_km` when one is a province: a city inside it is the same area, not a place
    conflict). A country-wide place is never specific enough to differ, and two countries are
    not evidence either: the gazetteer's slips cross borders ("Mosque" read as Moscow)."""
    if a is None or b is None or a.name == b.name:
        return True
    if a.country and b.country and a.country != b.country:
        return True
    if "country" in (a.kind, b.kind):
        return True
    limit = region_km if "admin1" in (a.kind, b.kind) else city_km
    return km(a, b) <= limit
