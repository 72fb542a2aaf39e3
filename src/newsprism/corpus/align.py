"""Claim alignment within a story: events and attributions of different articles that speak of
the same thing, grouped with union-find.

A claim is an `events` span (type, place, date, actor, counts, polarity, who claims it) or an
`attributions` span (its content, with the places, dates and counts mentioned inside it). Two
claims of different documents align when their evidence score reaches `corpus.align_min_score`:
shared place +2 (a claim naming none counts the places of the claim before it in its
document), same date +1, each shared count role +1 (at most 2), shared key terms up to +2,
both the lead event of their article (same family) +3; disjoint specific places -1.5, other
dates -0.5. Event types must be of one family (strikes, shelling, attacks and killings are one).
Candidate pairs come from an inverted index over those keys, not from all pairs.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from newsprism.analyzers.datelines import dateline_at
from newsprism.analyzers.events import (
    BACKGROUND_TOLL,
    HELD_BY,
    actor_mentions,
    disputed_by_the_text,
)
from newsprism.corpus.areas import Area, area_of
from newsprism.corpus.articles import Article, fold_name
from newsprism.corpus.claim_counts import count_parts, count_victims, kept_counts
from newsprism.corpus.count_ranges import count_ranges, range_of
from newsprism.corpus.dedup import UnionFind
from newsprism.corpus.victims import Victims
from newsprism.document import Document, Span
from newsprism.errors import NewsprismError

VIOLENCE = frozenset({"airstrike", "shelling", "attack", "killing", "bombing"})
"""Event types that one report calls a strike and another a killing: one family."""
VICTIM_WORDS = frozenset({"civilians", "people", "children", "residents", "women", "victims"})
"""Folded 'actors' that are the harmed, not the acting party (an extraction slip)."""
_REGION_AFTER = re.compile(r"^\s*(?:province|governorate|region|countryside|oblast)\b", re.I)
_BY_ACTOR = re.compile(r"\bby\s+(?:the\s+)?$", re.I)
_OTHER_ACT_BY = re.compile(
    r"\b(?:execution|killing|murder|beheading|capture|abduction|kidnapping|arrest|downing)\s+"
    r"of\s+(?:the\s+|a\s+|an\s+|two\s+|three\s+)?[\w-]+(?:\s+[\w-]+)?\s+by\s+(?:the\s+)?$",
    re.I,
)
"""A "by" that names who did another act the clause names as a noun: "The strikes ... are in
retaliation against the execution of the pilot by Nusra Front" (Nusra executed; it did not
strike)."""
_COUNTED_BEFORE = re.compile(
    r"\b(?:\d[\d,]*|dozens|hundreds|scores)\s+(?:of\s+)?(?:\w+\s+){0,2}[\[(]?$", re.I
)
_ARMED_AFTER = re.compile(
    r"^['’]?s?\s*(?:(?:[A-Z][\w-]*|air|armed|special|ground|naval)\s+){0,3}"
    r"(?:jets?|warplanes?|aircraft|planes?|helicopters?|drones?|bombers?|forces|troops|"
    r"fighters|militants|artillery|gunmen|army)\b"
    r"|^\s*(?:has\s+|have\s+|had\s+)?(?:struck|bombed|shelled|fired|attacked|hit|killed|"
    r"carried\s+out|launched|pounded)\b"
)
_RELATIVE_BEFORE = re.compile(
    r"(?:kilomet(?:re|er)s?|km|miles)\s+(?:\w+\s+){0,2}(?:of|from)\s+(?:the\s+)?$"
    r"|\b(?:outside|near|towards?)\s+(?:the\s+)?(?:town\s+of\s+|city\s+of\s+)?$",
    re.I,
)
_PARTY_AFTER = re.compile(
    r"^['’]?s?\s+(?:(?:[A-Z][\w-]*|air|armed|special|ground|naval|state|foreign|defen[cs]e)\s+)"
    r"{0,3}(?:force|forces|ministry|army|military|government|regime|jets?|warplanes?|aircraft|"
    r"planes?|helicopters?|bombers?|drones?|troops|soldiers|officials?|authorities|navy|police|"
    r"media|embassy|president|spokes(?:man|woman|person))\b"
    r"|^['’]?s?\s+(?:has\s+|have\s+|had\s+)?(?:said|says|denied|denies|accused|accuses|"
    r"claimed|claims|blamed|blames|announced|announces|insisted|rejected|condemned)\b",
    re.I,
)
"""What follows a place name used as a party: "Ostravian Air Force", "Syrian government",
"Russia's defence ministry", "Russian jets" name who acted, "Damascus denied" who spoke."""
_SEAT_BEFORE = re.compile(
    r"\b(?:regime|government|authorities|officials|leadership|embassy|ministry)\s+(?:in|of)\s+$"
    r"|\ballies?\s+$",
    re.I,
)
_NAMED_PLACE = re.compile(
    r"\b(?:town|city|village|district|neighbou?rhood|suburb|camp|hamlet)\s+of\s+"
    r"((?:[Aa][lr]-|[Ee]l-)?[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
)
"""A place the text names as one ("the town of Varo"), whatever the tagger made of it."""
_TERM = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_STOP = frozenset(
    [
        "that",
        "this",
        "with",
        "from",
        "have",
        "were",
        "been",
        "said",
        "says",
        "their",
        "they",
        "there",
        "which",
        "would",
        "could",
        "about",
        "into",
        "after",
        "before",
        "over",
        "more",
        "than",
        "also",
        "when",
        "where",
        "while",
        "other",
        "some",
        "such",
        "them",
        "then",
        "these",
        "those",
        "what",
        "will",
        "shall",
        "only",
        "just",
        "very",
        "most",
        "many",
        "much",
        "even",
        "back",
        "under",
        "since",
        "among",
        "said",
        "told",
        "says",
        "reported",
        "according",
        "reports",
        "report",
        "claims",
        "claimed",
        "least",
        "including",
    ]
)
_SCORES = {"place": 2.0, "date": 1.0, "role": 1.0, "terms": 2.0, "lead": 3.0, "deny": 0.5}
_CONTINUATION_CHARS = 300
"""An event naming no other place or date this close after an event of its family, in the same
document, continues it ("Witnesses saw two jets ..." after "Airstrikes on Kessen killed ...")."""
_PENALTY = {"place": -1.5, "date": -0.5}


@dataclass(frozen=True, slots=True)
class Claim:
    """One event or attribution, with what alignment and conflict detection compare."""

    doc_id: str
    span_id: str
    layer: str
    start: int
    end: int
    label: str
    family: str
    places: frozenset[str]
    place_names: tuple[str, ...]
    date: str | None
    actor: str | None
    counts: tuple[tuple[str, int, int | None], ...]
    """(role, low, high); high None = open ("at least")."""
    polarity: str
    speaker: str | None
    source: str
    terms: frozenset[str]
    lead: bool
    text: str
    date_inferred: bool = False
    """The date was carried over from the paragraph or the publication date, not stated in the
    claim itself."""
    date_word: str | None = None
    """The relative date word the date was resolved from ("saturday", "this week"), folded;
    None when the date is written out or its source is unknown."""
    area: Area | None = None
    """The event's place as the gazetteer resolved it, when the text states it."""
    context_places: frozenset[str] = frozenset()
    """For an event or a count naming no place, the places of the claim before it in its
    document (the incident the paragraph is about: "Tarkov said 20 people had died" after
    "Airstrikes on Kessen killed 14"). Alignment evidence only, never a place conflict."""
    count_parts: tuple[tuple[str, str], ...] = ()
    """(role, unit) of the counts the text gives as part of a toll ("four children were among
    the dead", "including 11 children") or on top of another ("six more people died"), where
    the claim's count of that role is such a part."""
    denied_parties: tuple[str, ...] | None = None
    """For a denial of a party's part ("the group denied any involvement", "denied its forces
    were behind the attack"), the parties it names before the denial (actor names) and its
    speaker: it contradicts only an assertion that one of them acted. None: no such denial."""
    count_victims: tuple[tuple[str, Victims], ...] = ()
    """(role, group) of the counts that count civilians or fighters (`victims.Victims`); a role
    absent here counts people in general."""
    place_known: bool = False
    """The events layer put the event on the map, from the claim's own text or from its context
    (the paragraph, the document's main place): the story's places are in the gazetteer."""
    outlet: str = ""
    """Independence key of the outlet the claim's article comes from: the one its credit line
    names (a wire agency), else its own. `source` is that of its group of republications and
    near-duplicates (`dedup.independent_sources`): an outlet running another's text without
    credit counts as that other. "": unknown, `source` stands in."""
    text_group: str = ""
    """Key shared by the documents duplicate links join into one text (`dedup.text_groups`;
    the document's own id when it has no duplicate); "": unknown."""

    @property
    def own_outlet(self) -> str:
        """The outlet the claim comes from (`source` where unknown)."""
        return self.outlet or self.source

    def one_text(self, other: Claim) -> bool:
        """Whether both claims come from documents of one text (a republication or a
        near-duplicate of the other, or of a third)."""
        return bool(self.text_group) and self.text_group == other.text_group

    @property
    def key(self) -> tuple[str, str]:
        """(doc_id, span_id)."""
        return (self.doc_id, self.span_id)

    def count(self, role: str) -> tuple[int, int | None] | None:
        """The (low, high) of `role`, or None."""
        return range_of(self.counts, role)


@dataclass(slots=True)
class Alignment:
    """Claims of one story that speak of the same thing."""

    id: str
    story_id: str
    label: str
    members: list[Claim] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """A short description: the label, places and dates its members name."""
        places = sorted({p for c in self.members for p in c.place_names})
        dates = sorted({c.date for c in self.members if c.date})
        parts = [self.label]
        if places:
            parts.append("in " + ", ".join(places[:3]))
        if dates:
            parts.append("on " + ", ".join(dates[:3]))
        return " ".join(parts)


def story_regions(articles: Sequence[Article]) -> frozenset[str]:
    """Folded names used as provinces or countries in a story ("Dalmyr province",
    "KESSEN, Ostravia" datelines, GeoNames countries and provinces): too wide to tell two
    places apart."""
    regions: set[str] = set()
    for article in articles:
        doc = article.doc
        for span in doc.layer("entities"):
            if span.label in ("GPE", "LOC", "PERSON", "NORP", "ORG") and _REGION_AFTER.match(
                doc.text[span.end : span.end + 20]
            ):
                regions.add(fold_name(doc.span_text(span)))
        for start, _end in article.body[:1]:
            dateline = re.match(
                r"\s*[A-Z][A-Za-z' -]+,\s*([A-Z][A-Za-z' -]+?)\s*(?:\(|–|-|—)",
                doc.text[start : start + 120],
            )
            if dateline:
                regions.add(fold_name(dateline.group(1)))
        for event in doc.layer("events"):
            place = event.attrs.get("place")
            if isinstance(place, dict) and place.get("kind") in ("country", "admin1"):
                regions.add(fold_name(str(place.get("name", ""))))
    regions.discard("")
    return frozenset(regions) | _countries()


@functools.cache
def _countries() -> frozenset[str]:
    """Folded country names: a region in every story ("Syria" tells no two towns apart), and
    two claims naming it share no place."""
    from newsprism.geo.gazetteer import country_names

    try:
        return frozenset(filter(None, (fold_name(name) for name in country_names())))
    except NewsprismError:  # the geo extra absent: names then count as places, as before
        return frozenset()


def _dateline(article: Article) -> list[tuple[int, int]]:
    """The dateline ("KESSEN, Ostravia (MPA) – ") opening the body, as a range, or none."""
    if not article.body:
        return []
    start = article.body[0][0]
    match = dateline_at(article.doc.text, start, min(article.body[0][1], start + 120))
    return [(start, match.end())] if match else []


def _says_where(doc: Document, at: int, after: int, floor: int = 0) -> bool:
    """Whether the place name at [at, after) says where something happened: not a reference
    point ("12 kilometres south of Kessen"), a party ("Ostravian jets", "Damascus said", "its
    ally Damascus") or a seat of government ("the regime in Damascus"). `floor`: where the
    clause starts."""
    before = doc.text[max(floor, at - 40) : at]
    if _RELATIVE_BEFORE.search(before) or _SEAT_BEFORE.search(before):
        return False
    return not _PARTY_AFTER.match(doc.text[after : after + 40])


def _places_in(
    doc: Document,
    start: int,
    end: int,
    vocabulary: frozenset[str],
    regions: frozenset[str],
    skip: Sequence[tuple[int, int]] = (),
) -> list[tuple[str, str]]:
    """(folded, shown) specific places named inside [start, end): place entities and story
    place names (the NER may call a fictional town a person), regions and `skip` left out."""
    found: dict[str, str] = {}

    def where(at: int, after: int) -> bool:
        return not any(s0 <= at < s1 for s0, s1 in skip) and _says_where(doc, at, after, start)

    for span in doc.layer("entities"):
        if span.start < start or span.end > end or not where(span.start, span.end):
            continue
        name = doc.span_text(span)
        folded = fold_name(name)
        if folded in regions or not folded:
            continue
        if span.label in ("GPE", "LOC") or folded in vocabulary:
            found.setdefault(folded, name.strip())
    text = doc.text[start:end]
    for match in _NAMED_PLACE.finditer(text):
        folded = fold_name(match.group(1))
        if folded and folded not in regions and where(start + match.start(), start + match.end(1)):
            found.setdefault(folded, match.group(1))
    # The tagger misses some mentions of a place it found elsewhere in the story: look for the
    # story's place names as capitalised words too.
    for folded in vocabulary:
        if folded in found or folded in regions or " " in folded:
            continue
        for match in re.finditer(r"\b" + re.escape(folded) + r"\b", text, re.IGNORECASE):
            at = start + match.start()
            if match.group(0)[0].isupper() and where(at, start + match.end()):
                found[folded] = match.group(0)
                break
    return list(found.items())


def _names_where(doc: Document, event: Span) -> bool:
    """False when the name the events layer placed `event` by is a party or a seat of
    government in the text ("the regime in Damascus", "Damascus denied")."""
    mention = event.attrs.get("place_mention")
    written = doc.find_span(mention) if isinstance(mention, str) else None
    return written is None or _says_where(doc, written.start, written.end, event.start)


def _stated_area(event: Span, regions: frozenset[str]) -> Area | None:
    """Where the events layer put `event` from its own words; a place the story calls a
    province ("Idlib province") is compared as one, whichever Idlib the gazetteer chose."""
    area = area_of(event.attrs)
    if area is not None and area.name in regions and area.kind == "city":
        return replace(area, kind="admin1")
    return area


def _actor_fallback(doc: Document, span: Span, skip: Sequence[tuple[int, int]]) -> str | None:
    """The acting party named in an event clause when the events layer has none: a name after
    "by" ("fired by the Dalmyr Liberation Front"), or a name that carries weapons or a strike
    verb ("Ostravian Air Force jets carried out", "Russia bombed"). Names in the dateline or
    in the claim's source are skipped; nothing is guessed from a bare mention."""
    candidates = [
        e
        for e in doc.layer("entities")
        if e.label in ("ORG", "NORP", "GPE")
        and span.start <= e.start
        and e.end <= span.end
        and not any(s0 <= e.start < s1 for s0, s1 in skip)
    ]
    for entity in candidates:
        before = doc.text[max(span.start, entity.start - 30) : entity.start]
        if _BY_ACTOR.search(before) and not HELD_BY.search(before):
            if _OTHER_ACT_BY.search(doc.text, max(span.start, entity.start - 60), entity.start):
                continue
            return _extend_name(doc, entity)
    for entity in candidates:
        if _COUNTED_BEFORE.search(doc.text[max(span.start, entity.start - 30) : entity.start]):
            # "killed 120 ISIS fighters", "more than 30 Syrian rebel fighters": a counted group
            # is the harmed, not the acting party.
            continue
        name = _extend_name(doc, entity)
        after = doc.text[entity.start + len(name) : entity.start + len(name) + 60]
        if _ARMED_AFTER.match(after):
            return name
    return None


def _counted(doc: Document, span: Span, name: str) -> bool:
    """True when `name` is named in the clause only as a counted group ("120 IS fighters were
    killed in Russian strikes"): the harmed, not the acting party."""
    text = doc.text[span.start : span.end]
    found = [m.start() for m in re.finditer(re.escape(name), text)]
    return bool(found) and all(_COUNTED_BEFORE.search(text[max(0, at - 30) : at]) for at in found)


def _extend_name(doc: Document, entity: Span) -> str:
    """An entity with an adjacent capitalised entity joined ("Ostravian" + "Air Force")."""
    end = entity.end
    for other in doc.layer("entities"):
        if other.start > end and other.start - end <= 1 and other.label in ("ORG", "NORP"):
            end = other.end
    return doc.text[entity.start : end].strip()


def _terms(text: str) -> frozenset[str]:
    return frozenset(
        w.lower() for w in _TERM.findall(text) if w.lower() not in _STOP and w[0].islower()
    )


def _speaker(doc: Document, span_id: Any, outlet: str | None) -> tuple[str | None, Span | None]:
    if not isinstance(span_id, str):
        return outlet, None
    attribution = doc.find_span(span_id)
    if attribution is None:
        return outlet, None
    speaker = attribution.attrs.get("speaker")
    if attribution.attrs.get("speaker_type") == "author":
        return outlet, attribution
    return (speaker if isinstance(speaker, str) else outlet), attribution


_DENIES_AFTER = re.compile(
    r"\s+(?:[a-z][\w-]*\s+){0,2}?(?:has\s+|have\s+|had\s+|also\s+|flatly\s+|again\s+)*"
    r"(?:denied|denies|rejected|rejects|dismissed|dismisses)\b",
    re.IGNORECASE,
)


def _denier(doc: Document, event: Span) -> str | None:
    """The named party a denial in `event` is the subject of ("The Dalmyr Liberation Front
    denied ..."), or None."""
    for entity in doc.layer("entities"):
        if (
            event.start <= entity.start
            and entity.end <= event.end
            and entity.label in ("ORG", "PERSON", "GPE", "NORP")
            and _DENIES_AFTER.match(doc.text, entity.end)
        ):
            return _extend_name(doc, entity)
    return None


def _extent(attribution: Span) -> tuple[int, int]:
    """From the first to the last character of an attribution's source, cue and content."""
    bounds = [(attribution.start, attribution.end)]
    for part in ("source", "cue", "content"):
        value = attribution.attrs.get(part)
        if isinstance(value, list) and len(value) == 2:
            bounds.append((int(value[0]), int(value[1])))
    return min(b[0] for b in bounds), max(b[1] for b in bounds)


def _denied_parties(
    doc: Document, start: int, end: int, speaker: str | None
) -> tuple[str, ...] | None:
    """`Claim.denied_parties` of the text in [start, end)."""
    cue = _DENIES_A_PART.search(doc.text, start, end)
    if cue is None:
        return None
    named = [name for _s, _e, name in actor_mentions(doc.text, start, cue.start())]
    return tuple(dict.fromkeys([*named, *([speaker] if speaker else [])]))


_DENIES_A_PART = re.compile(
    r"\bden(?:y|ies|ied|ying)\s+(?:any\s+|all\s+|its\s+|their\s+|his\s+|having\s+(?:any\s+)?)?"
    r"(?:involvement|responsibility|role|part|link|links|connection|hand)\b"
    r"|\bden(?:y|ies|ied|ying)\s+(?:that\s+)?(?:its|their|his|the\s+\w+)\s+"
    r"(?:forces|jets|aircraft|warplanes|planes|troops|army|military|fighters)\s+(?:were|was|had)\b"
    # The party's own act, told by the act: "denied firing on Varo", "denies carrying out the
    # raid", "denied it had struck the hospital". Someone did it; the denier says it was not them.
    r"|\bden(?:y|ies|ied|ying)\s+(?:having\s+|that\s+(?:it|they|he)\s+(?:had|has|have)\s+|"
    r"(?:it|they|he)\s+(?:had|has|have)\s+)?(?:"
    r"(?:firing|fired|shelling|shelled|bombing|bombed|attacking|attacked|striking|struck"
    r"|targeting|targeted|hitting|hit|shooting|shot|killing|killed|using|used|dropping"
    r"|dropped)\b|(?:carrying|carried|launching|launched|conducting|conducted|staging|staged)"
    r"\s+(?:out\s+)?(?:the|an?|any|that|this|its|their)?\s*"
    r"(?:air\s*)?(?:strikes?|raids?|attacks?|bombings?|assaults?|offensive|shelling))",
    re.IGNORECASE,
)
"""A denial of a party's part in an event, not of the event: "denied any involvement", "denies
responsibility", "denied its forces were behind the attack", "denied firing on Varo"."""


def _family(label: str) -> str:
    return "violence" if label in VIOLENCE else label


def claims_of(
    article: Article,
    source: str,
    vocabulary: frozenset[str],
    regions: frozenset[str],
    text_group: str = "",
) -> list[Claim]:
    """Every event and attribution of an article's body as claims (`text_group`: see
    `Claim.text_group`)."""
    doc = article.doc
    out: list[Claim] = []
    outlet = article.credit or article.source
    dateline = _dateline(article)
    events = [e for e in doc.layer("events") if article.in_body(e.start, e.end)]
    events.sort(key=lambda e: e.start)
    for position, event in enumerate(events):
        attrs = event.attrs
        speaker, attribution = _speaker(doc, attrs.get("claimed_by"), article.outlet)
        if disputed_by_the_text(doc, event):
            # "Propaganda reports claimed it was totally destroyed": the reports assert it, the
            # outlet's own word denies it.
            speaker = article.outlet
        elif speaker == article.outlet and attrs.get("polarity") == "deny":
            # "The Dalmyr Liberation Front denied firing on Varo": the denier speaks, not the
            # outlet reporting the denial; else the source the sentence cites ("Russian aircraft
            # did not strike any hospitals, Defence Ministry spokesman Igor Konashenkov said").
            cited = attrs.get("source")
            speaker = _denier(doc, event) or (cited if isinstance(cited, str) else speaker)
        places = dict(_places_in(doc, event.start, event.end, vocabulary, regions, dateline))
        place = attrs.get("place")
        named = _names_where(doc, event)
        if named and isinstance(place, dict) and isinstance(place.get("name"), str):
            folded = fold_name(place["name"])
            if folded not in regions:
                places.setdefault(folded, place["name"])
        area = _stated_area(event, regions) if named else None
        kept = kept_counts(doc, attrs.get("count_mentions"))
        actor = attrs.get("actor")
        if isinstance(actor, str) and _counted(doc, event, actor):
            actor = None
        if not isinstance(actor, str) or fold_name(actor) in VICTIM_WORDS:
            skip = list(dateline)
            if attribution is not None and isinstance(attribution.attrs.get("source"), list):
                src = attribution.attrs["source"]
                skip.append((int(src[0]), int(src[1])))
            actor = _actor_fallback(doc, event, skip)
        # A span ("earlier this week") is kept whole: a day inside it is no other date.
        date = attrs.get("date_range") or attrs.get("date")
        mention = attrs.get("date_mention")
        written = doc.find_span(mention) if isinstance(mention, str) else None
        word = (
            fold_name(doc.span_text(written))
            if written is not None and written.attrs.get("relative") is True
            else None
        )
        out.append(
            Claim(
                doc_id=doc.id,
                span_id=event.id,
                layer="events",
                start=event.start,
                end=event.end,
                label=event.label,
                family=_family(event.label),
                places=frozenset(places),
                place_names=tuple(sorted(places.values())),
                date=date if isinstance(date, str) else None,
                actor=actor,
                counts=count_ranges(attrs.get("counts"), attrs.get("count_qualifiers")),
                count_parts=count_parts(doc, kept),
                count_victims=count_victims(doc, kept),
                denied_parties=_denied_parties(doc, event.start, event.end, speaker),
                polarity="deny" if attrs.get("polarity") == "deny" else "assert",
                speaker=speaker,
                source=source,
                outlet=outlet,
                text_group=text_group,
                terms=_terms(doc.span_text(event)),
                lead=position == 0,
                text=doc.span_text(event),
                date_inferred=attrs.get("date_source") not in (None, "text"),
                date_word=word,
                area=area,
                place_known=isinstance(place, dict) and place.get("lat") is not None,
            )
        )
    mentions = doc.layer("mentions")
    for attribution in doc.layer("attributions"):
        content = attribution.attrs.get("content")
        start, end = (
            (int(content[0]), int(content[1]))
            if isinstance(content, list) and len(content) == 2
            else (attribution.start, attribution.end)
        )
        if not article.in_body(start, end) or end - start < 12:
            continue
        counts: dict[str, tuple[int, int | None]] = {}
        firsts: dict[str, Span] = {}
        dates: list[str] = []
        words: set[str] = set()
        for mention in mentions:
            if mention.start < start or mention.end > end:
                continue
            value = mention.attrs.get("value")
            role = mention.attrs.get("role")
            if mention.label == "QUANTITY" and isinstance(value, dict) and isinstance(role, str):
                low = value.get("min")
                if _war_toll(role, low):
                    continue  # "the conflict has claimed the lives of over 470000 people"
                if isinstance(low, int) and role not in counts:
                    high = value.get("max")
                    counts[role] = (low, high if isinstance(high, int) else None)
                    firsts[role] = mention
            iso = mention.attrs.get("iso_date")
            if mention.label == "DATE" and isinstance(iso, str):
                dates.append(iso)
                if mention.attrs.get("relative") is True:
                    words.add(fold_name(doc.span_text(mention)))
        places = dict(_places_in(doc, start, end, vocabulary, regions))
        speaker = attribution.attrs.get("speaker")
        if attribution.attrs.get("speaker_type") == "author":
            speaker = article.outlet
        out.append(
            Claim(
                doc_id=doc.id,
                span_id=attribution.id,
                layer="attributions",
                start=start,
                end=end,
                label="claim",
                family="claim",
                places=frozenset(places),
                place_names=tuple(sorted(places.values())),
                date=dates[0] if len(set(dates)) == 1 else None,
                actor=None,
                counts=tuple(sorted((r, lo, hi) for r, (lo, hi) in counts.items())),
                count_parts=count_parts(doc, firsts),
                count_victims=count_victims(doc, firsts),
                # The cue ("denied that its forces were behind ...") lies outside the content.
                denied_parties=_denied_parties(
                    doc, *_extent(attribution), speaker if isinstance(speaker, str) else None
                ),
                polarity="deny" if attribution.attrs.get("polarity") == "deny" else "assert",
                speaker=speaker if isinstance(speaker, str) else None,
                source=source,
                outlet=outlet,
                text_group=text_group,
                terms=_terms(doc.text[start:end]),
                lead=False,
                text=doc.text[start:end],
                date_word=words.pop() if len(set(dates)) == 1 and len(words) == 1 else None,
            )
        )
    return _with_context_places(out)


def _war_toll(role: str, low: object) -> bool:
    """Whether a casualty count is the war's running toll (as the events analyzer reads it),
    which no report of one incident contradicts."""
    casualties = role in ("killed", "wounded", "people")
    return casualties and isinstance(low, int) and low >= BACKGROUND_TOLL


def _with_context_places(claims: list[Claim]) -> list[Claim]:
    """`claims` (one document's) with `context_places` set on the events and counts naming no
    place ("the spokesman said 20 people had died"): the places of the nearest claim before them
    that names some. An attribution without a count keeps none: carried to every opinion of an
    article ("a pretender, especially a foreign imposed one"), one place would align them all."""
    last: frozenset[str] = frozenset()
    context: dict[int, frozenset[str]] = {}
    for index in sorted(range(len(claims)), key=lambda k: (claims[k].start, claims[k].end)):
        claim = claims[index]
        if claim.places:
            last = claim.places
        elif last and (claim.counts or claim.layer == "events"):
            context[index] = last
    return [
        replace(c, context_places=context[k]) if k in context else c for k, c in enumerate(claims)
    ]


def comparable(a: Claim, b: Claim) -> bool:
    """Whether two claims may speak of one thing: events of one family (a strike and a killing,
    not a bombing and an evacuation), or any claim and an attribution's content."""
    return a.family == "claim" or b.family == "claim" or a.family == b.family


def align_score(a: Claim, b: Claim) -> float | None:
    """Evidence that `a` and `b` speak of the same thing (None: they cannot)."""
    if not comparable(a, b):
        return None
    score = 0.0
    # A place carried from the context is evidence of one subject when shared, but two
    # contexts that differ say nothing against it.
    here, there = a.places or a.context_places, b.places or b.context_places
    if here and there and here & there:
        score += _SCORES["place"]
    elif a.places and b.places:
        score += _PENALTY["place"]
    if a.date and b.date:
        score += _SCORES["date"] if a.date == b.date else _PENALTY["date"]
    roles = {r for r, _lo, _hi in a.counts} & {r for r, _lo, _hi in b.counts}
    score += _SCORES["role"] * min(2, len(roles))
    union = a.terms | b.terms
    if union:
        score += min(_SCORES["terms"], 4.0 * len(a.terms & b.terms) / len(union))
    if a.lead and b.lead:
        score += _SCORES["lead"]
    if a.polarity != b.polarity:
        # A denial answers some report: opposite polarity is itself evidence of one subject.
        score += _SCORES["deny"]
    return score


def _keys(claim: Claim) -> set[str]:
    keys = {f"p:{p}" for p in claim.places or claim.context_places}
    keys |= {f"r:{r}" for r, _lo, _hi in claim.counts}
    keys |= {f"t:{t}" for t in claim.terms}
    if claim.date:
        keys.add(f"d:{claim.date}")
    if claim.lead:
        keys.add("lead")
    return keys


def _join_continuations(claims: Sequence[Claim], groups: UnionFind) -> None:
    """Union each document's events that continue the event before them (no new place or
    date, same family, close after it)."""
    previous: Claim | None = None
    for claim in sorted(
        (c for c in claims if c.layer == "events"), key=lambda c: (c.doc_id, c.start)
    ):
        if (
            previous is not None
            and previous.doc_id == claim.doc_id
            and previous.family == claim.family
            and claim.places <= previous.places
            and claim.date in (None, previous.date)
            and claim.start - previous.end <= _CONTINUATION_CHARS
        ):
            groups.union(f"{previous.doc_id}#{previous.span_id}", f"{claim.doc_id}#{claim.span_id}")
        previous = claim


def align_story(story_id: str, claims: Sequence[Claim], min_score: float) -> list[Alignment]:
    """Group a story's claims of different documents that speak of the same thing.

    Only groups holding claims of at least two documents are returned (the rest stand alone).
    """
    postings: dict[str, list[int]] = {}
    for index, claim in enumerate(claims):
        for key in _keys(claim):
            postings.setdefault(key, []).append(index)
    # Keys held by most claims (a common term) add no candidates beyond the rarer ones.
    limit = max(50, len(claims) // 4)
    groups = UnionFind([f"{c.doc_id}#{c.span_id}" for c in claims])
    _join_continuations(claims, groups)
    tried: set[tuple[int, int]] = set()
    for members in postings.values():
        if len(members) > limit:
            continue
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                i, j = members[x], members[y]
                a, b = claims[i], claims[j]
                if a.doc_id == b.doc_id or (i, j) in tried:
                    continue
                tried.add((i, j))
                score = align_score(a, b)
                if score is not None and score >= min_score:
                    groups.union(f"{a.doc_id}#{a.span_id}", f"{b.doc_id}#{b.span_id}")
    by_key = {f"{c.doc_id}#{c.span_id}": c for c in claims}
    alignments: list[Alignment] = []
    for keys in groups.groups().values():
        found = [by_key[k] for k in keys]
        if len({c.doc_id for c in found}) < 2:
            continue
        found.sort(key=lambda c: (c.doc_id, c.start))
        labels = [c.label for c in found if c.layer == "events"]
        # Sorted first: a tie between labels must not depend on set order (the hash seed).
        label = max(sorted(set(labels)), key=labels.count) if labels else "claim"
        alignments.append(Alignment("", story_id, label, found))
    alignments.sort(key=lambda al: (al.members[0].doc_id, al.members[0].start))
    for number, alignment in enumerate(alignments):
        alignment.id = f"{story_id}.a{number}"
    return alignments
