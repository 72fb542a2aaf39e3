"""Corroboration in a corpus: other outlets reporting the same place and days, or the same story.

FA-KES labels come from checking each article's casualty details against a documentation centre,
and an outlet's style says nothing about them. What carries over to unseen outlets is whether
*other* outlets report the same thing: an article with no counterpart elsewhere in the corpus is
single-source. Two signals, both window-bounded in time so the work stays near-linear in the
corpus (only documents within `similar_days` of each other are compared):
- same place: other outlets with a document naming the same place within `place_days` days;
- same story: other outlets with a lexically similar document (tf-idf cosine >= `similar_min`)
  within `similar_days` days;
- same event: other outlets with an event (`events` layer) within `event_km` km and `event_days`
  days, and whether the killed counts of such events agree (within `killed_tolerance` of the
  larger) or conflict: FA-KES's fake articles are the ones whose casualty details disagree with
  the record, so a toll no other outlet gives for that place and day is a signal;
- lead toll against the others: the killed count of the article's first event that states one,
  against the median lead toll of the other outlets' articles at the same place (the same-place
  window), as a log ratio. Early and partial tolls are the low ones; the record is the final count.
Labels are never used here; the corpus is the context, as it is for `newsprism trust --db`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from newsprism.document import Document
from newsprism.geo.gazetteer import haversine_km

_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True, slots=True)
class EventPoint:
    """One located event of a document: where, when, and its killed count as a range."""

    lat: float
    lon: float
    day: int | None
    killed: tuple[int, int] | None


@dataclass(frozen=True, slots=True)
class ContextDoc:
    """What corroboration needs of one document."""

    id: str
    outlet: str | None
    day: int | None
    """Proleptic ordinal of the publication date (None when undated)."""
    places: frozenset[str]
    terms: Mapping[str, int] = field(default_factory=dict)
    events: tuple[EventPoint, ...] = ()
    toll: int | None = None
    """Killed count of the first event (in text order) that states one: the article's lead toll."""


OUTLET_COUNT_FEATURES = (
    "same_place_outlets",
    "similar_outlets",
    "event_outlets",
    "killed_agree_outlets",
    "killed_conflict_outlets",
)
"""The features that count other outlets, each named as the `Corroboration` field it counts."""


@dataclass(frozen=True, slots=True)
class Corroboration:
    """The other outlets (and their documents) that report the same place or story."""

    same_place_outlets: tuple[str, ...]
    same_place_docs: tuple[str, ...]
    similar_outlets: tuple[str, ...]
    similar_docs: tuple[str, ...]
    dated: bool
    event_outlets: tuple[str, ...] = ()
    event_docs: tuple[str, ...] = ()
    killed_agree_outlets: tuple[str, ...] = ()
    killed_conflict_outlets: tuple[str, ...] = ()
    toll: int | None = None
    """This article's lead toll (see `ContextDoc.toll`)."""
    toll_others: float | None = None
    """Median lead toll of the other outlets' same-place articles (None: none gives one)."""
    toll_outlets: tuple[str, ...] = ()
    assessed: bool = True
    """Whether the context could corroborate the document at all: it is dated and some other
    outlet's dated document lies within the windows. Otherwise the outlet counts are unknown,
    not zero (one article analysed alone, or the only outlet of its days)."""

    @property
    def toll_vs_others(self) -> float:
        """log1p(own lead toll) - log1p(the others' median); 0 when either is missing."""
        if self.toll is None or self.toll_others is None:
            return 0.0
        return math.log1p(self.toll) - math.log1p(self.toll_others)

    def features(self) -> dict[str, float]:
        """Model features: log1p of the outlet counts (diminishing returns per extra outlet);
        NaN (missing: they weigh nothing) where the context could not corroborate."""
        counts = {
            name: math.log1p(len(getattr(self, name))) if self.assessed else math.nan
            for name in OUTLET_COUNT_FEATURES
        }
        return counts | {"toll_vs_others": self.toll_vs_others}


def _day(value: object) -> int | None:
    """Ordinal of an ISO date string (its first 10 characters), or None."""
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


def document_places(doc: Document) -> frozenset[str]:
    """Place names of a document: its events' places, and a corpus `location` field (FA-KES)."""
    names: set[str] = set()
    fields = doc.meta.get("fields")
    if isinstance(fields, Mapping):
        location = fields.get("location")
        if isinstance(location, str) and location.strip():
            names.add(location.strip().casefold())
    for span in doc.layer("events"):
        place = span.attrs.get("place")
        if isinstance(place, Mapping):
            key = place.get("geonameid") or place.get("name")
            if isinstance(key, str | int) and str(key).strip():
                names.add(str(key).strip().casefold())
    return frozenset(names)


def _killed(counts: object) -> tuple[int, int] | None:
    """An event's killed count as (low, high): a stated number, or a {min, max} range."""
    value = counts.get("killed") if isinstance(counts, Mapping) else None
    if isinstance(value, int) and not isinstance(value, bool):
        return (value, value)
    if isinstance(value, Mapping):
        lo, hi = value.get("min"), value.get("max")
        if isinstance(lo, int) and isinstance(hi, int):
            return (lo, hi)
        if isinstance(lo, int):
            return (lo, lo)
    return None


def lead_toll(doc: Document) -> int | None:
    """Killed count (low end of a range) of the first event in text order that states one."""
    for span in sorted(doc.layer("events"), key=lambda s: (s.start, s.end)):
        killed = _killed(span.attrs.get("counts"))
        if killed is not None:
            return killed[0]
    return None


def document_events(doc: Document, published: int | None) -> tuple[EventPoint, ...]:
    """Located events of a document (those whose place has coordinates)."""
    out: list[EventPoint] = []
    for span in doc.layer("events"):
        place = span.attrs.get("place")
        if not isinstance(place, Mapping):
            continue
        lat, lon = place.get("lat"), place.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            continue
        day = _day(span.attrs.get("date"))
        out.append(
            EventPoint(
                float(lat),
                float(lon),
                day if day is not None else published,
                _killed(span.attrs.get("counts")),
            )
        )
    return tuple(out)


def _agree(a: tuple[int, int], b: tuple[int, int], tolerance: float) -> bool:
    """Two killed ranges agree when the gap between them is within `tolerance` of the larger."""
    gap = max(a[0] - b[1], b[0] - a[1], 0)
    return gap <= tolerance * max(a[1], b[1])


def _event_match(
    mine: Sequence[EventPoint],
    theirs: Sequence[EventPoint],
    km: float,
    days: int,
    tolerance: float,
) -> tuple[bool, bool, bool]:
    """(same event, killed counts agree, killed counts conflict) between two documents."""
    matched = agree = conflict = False
    for a in mine:
        for b in theirs:
            if a.day is None or b.day is None or abs(a.day - b.day) > days:
                continue
            if haversine_km(a.lat, a.lon, b.lat, b.lon) > km:
                continue
            matched = True
            if a.killed is not None and b.killed is not None:
                if _agree(a.killed, b.killed, tolerance):
                    agree = True
                else:
                    conflict = True
    # An outlet that gives the same toll for some matched event agrees, whatever else it reports.
    return matched, agree, conflict and not agree


def context_doc(doc: Document) -> ContextDoc:
    """The corroboration view of a document (outlet, day, places, word counts)."""
    outlet = doc.meta.get("outlet")
    terms = text_terms(doc.text)
    day = _day(doc.meta.get("published"))
    return ContextDoc(
        id=doc.id,
        outlet=outlet.casefold() if isinstance(outlet, str) and outlet else None,
        day=day,
        places=document_places(doc),
        terms=terms,
        events=document_events(doc, day),
        toll=lead_toll(doc),
    )


def _tfidf(docs: Sequence[ContextDoc], max_df: float = 0.5) -> list[dict[str, float]]:
    """Unit-length tf-idf vectors (log tf); words in one document or in most are dropped."""
    df: Counter[str] = Counter()
    for d in docs:
        df.update(d.terms.keys())
    idf = corpus_idf(df, len(docs), max_df)
    return [unit_vector(d.terms, idf) for d in docs]


def corpus_idf(df: Mapping[str, int], count: int, max_df: float = 0.5) -> dict[str, float]:
    """Idf of the words of a corpus of `count` documents with document frequencies `df`, the
    words of one document or of more than `max_df` of them left out."""
    return {w: math.log(count / c) for w, c in df.items() if 2 <= c <= max_df * count}


def unit_vector(terms: Mapping[str, int], idf: Mapping[str, float]) -> dict[str, float]:
    """A document's unit-length tf-idf vector (log tf) from its word counts."""
    vec = {w: math.log1p(c) * idf[w] for w, c in terms.items() if w in idf}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}


def text_terms(text: str) -> Counter[str]:
    """The word counts of a text, as `context_doc` counts them."""
    return Counter(w.casefold() for w in _WORD.findall(text))


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def corroborate(
    docs: Sequence[ContextDoc],
    place_days: int = 1,
    similar_days: int = 3,
    similar_min: float = 0.2,
    event_km: float = 50.0,
    event_days: int = 2,
    killed_tolerance: float = 0.1,
    vectors: Callable[[int], Mapping[str, float]] | None = None,
) -> list[Corroboration]:
    """For each document, the other outlets reporting its place or story (same order as `docs`).

    Documents of the same outlet never corroborate each other; undated documents get none.
    `vectors`: document `i`'s tf-idf vector, when the documents come without their word counts
    (a large corpus: `trust/corpus_trust.py` reads them back a few days at a time); by default
    they are made from `ContextDoc.terms`.
    """
    if vectors is None:
        vectors = _tfidf(docs).__getitem__
    dated = sorted((d.day, i) for i, d in enumerate(docs) if d.day is not None)
    days = [day for day, _ in dated]
    window = max(place_days, similar_days, event_days)
    out: list[Corroboration] = []
    for i, doc in enumerate(docs):
        if doc.day is None:
            out.append(Corroboration((), (), (), (), dated=False, toll=doc.toll, assessed=False))
            continue
        lo = bisect.bisect_left(days, doc.day - window)
        hi = bisect.bisect_right(days, doc.day + window)
        others = False
        place_hits: list[tuple[str, str]] = []
        similar_hits: list[tuple[str, str]] = []
        event_hits: list[tuple[str, str]] = []
        agree: set[str] = set()
        conflict: set[str] = set()
        tolls: dict[str, list[int]] = {}
        for day, j in dated[lo:hi]:
            other = docs[j]
            if j == i or other.outlet is None or other.outlet == doc.outlet:
                continue
            others = True
            gap = abs(day - doc.day)
            if gap <= place_days and doc.places & other.places:
                place_hits.append((other.outlet, other.id))
                if other.toll is not None:
                    tolls.setdefault(other.outlet, []).append(other.toll)
            if gap <= similar_days and _cosine(vectors(i), vectors(j)) >= similar_min:
                similar_hits.append((other.outlet, other.id))
            if doc.events and other.events:
                same, agrees, conflicts = _event_match(
                    doc.events, other.events, event_km, event_days, killed_tolerance
                )
                if same:
                    event_hits.append((other.outlet, other.id))
                if agrees:
                    agree.add(other.outlet)
                if conflicts:
                    conflict.add(other.outlet)
        # Each other outlet's voice once: the median of its same-place articles' lead tolls.
        per_outlet = [statistics.median(v) for v in tolls.values()]
        out.append(
            Corroboration(
                same_place_outlets=tuple(sorted({o for o, _ in place_hits})),
                same_place_docs=tuple(d for _, d in place_hits),
                similar_outlets=tuple(sorted({o for o, _ in similar_hits})),
                similar_docs=tuple(d for _, d in similar_hits),
                dated=True,
                event_outlets=tuple(sorted({o for o, _ in event_hits})),
                event_docs=tuple(d for _, d in event_hits),
                killed_agree_outlets=tuple(sorted(agree)),
                # Outlets that agree on some toll are not counted as conflicting too.
                killed_conflict_outlets=tuple(sorted(conflict - agree)),
                toll=doc.toll,
                toll_others=float(statistics.median(per_outlet)) if per_outlet else None,
                toll_outlets=tuple(sorted(tolls)),
                assessed=others,
            )
        )
    return out
