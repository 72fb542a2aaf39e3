"""The `events.v1` analyzer: reported violence as sourced records (type, actor, target, place,
date, counts, claimed_by, polarity), plus the DATE / QUANTITY / GPE `mentions` they rest on.

Unit: a clause of a body sentence (sentences are cut at "; ", ", but", ", while", ", and that"),
so "Russia acknowledged 18 airstrikes ..., but it has denied reports of civilian casualties" is
two events with their own polarity. A clause is an event when it holds a trigger word and at
least one of a place, a count or a date (bare "their attacks on ISIS" is talk, not a report).
Event types, by precedence when a clause holds several triggers:

  shootdown, airstrike, shelling, capture, ground_offensive, attack, killing

(`attack` and `killing` become `airstrike` when the clause names aircraft or an air force).
One event is made per place when a clause lists several ("on Hama, Homs and Idlib"); the
evidence span is the clause. Places come from the GeoNames gazetteer with the article's country
prior; dates are resolved against `meta.published` (never guessed without it); counts carry
their role. `claimed_by` is the innermost `attributions` span whose content holds the trigger
(null when the author states it); `polarity` is `deny` when that attribution denies, or the
clause carries a denial cue ("denied", "false", "propaganda reports"). Reader comments,
boilerplate, titles, bylines and captions are skipped.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsprism.analyzers.counts import Count, find_counts
from newsprism.analyzers.dates import DateMention, find_dates, parse_published
from newsprism.document import Document, Span
from newsprism.registry import Analyzer, register

LAYER = "events"
MENTIONS = "mentions"
SKIP_SECTIONS = frozenset({"comment", "boilerplate", "title", "byline", "caption"})

EVENT_TYPES = (
    "shootdown",
    "airstrike",
    "shelling",
    "capture",
    "ground_offensive",
    "attack",
    "killing",
)
"""Event labels in precedence order (see the module docstring)."""

_TRIGGERS: dict[str, re.Pattern[str]] = {
    "shootdown": re.compile(
        r"\b(?:shot\s+down|shoot(?:s|ing)?\s+down|down(?:ed|ing)\s+(?:(?:a|an|the|two|three|"
        r"[A-Z][\w.]*|and|Russian|Turkish|Syrian)\s+){0,5}(?:aircraft|jets?|planes?|warplanes?|"
        r"drones?|helicopters?|bombers?))"
    ),
    "airstrike": re.compile(
        r"\b(?:air\s*-?\s*strikes?|airstrikes?|air\s+raids?|bombing\s+raids?|air\s+attacks?|"
        r"bomb(?:ed|ing|ings)\b|bombard(?:ed|ing|ment|ments)?|sorties|pound(?:ed|ing|s)\b|"
        r"air\s+offensive)",
        re.IGNORECASE,
    ),
    "shelling": re.compile(
        r"\b(?:shell(?:ed|ing|s)\b|artillery|mortars?\b|rocket\s+fire|barrel\s+bombs?)",
        re.IGNORECASE,
    ),
    "capture": re.compile(
        r"\b(?:liberat(?:ed|ing)|captur(?:ed|ing)|seiz(?:ed|ing)|recaptur(?:ed|ing)|retook|"
        r"retak(?:en|ing)|took\s+control|regain(?:ed|ing)\s+control|overran)\b",
        re.IGNORECASE,
    ),
    "ground_offensive": re.compile(
        r"\b(?:ground\s+(?:offensive|operations?|assault|forces|troops)|offensive|"
        r"advanc(?:ed|ing)\s+(?:on|towards?|into))\b",
        re.IGNORECASE,
    ),
    "attack": re.compile(
        r"\b(?:attack(?:s|ed|ing)?|raids?|raided|struck|strikes?|target(?:ed|ing)|"
        r"destroy(?:ed|ing)?|assault(?:ed|s)?|ambush(?:ed)?|explosions?|blasts?|"
        r"suicide\s+bomb\w*|hit\s+(?:an?|the)\b)",
        re.IGNORECASE,
    ),
    "killing": re.compile(
        r"\b(?:kill(?:ed|ing|s)?|murder(?:ed|ing)?|execut(?:ed|ing)|massacre[sd]?|casualties|"
        r"death\s+toll|dead)\b",
        re.IGNORECASE,
    ),
}
_AIR = re.compile(
    r"\b(?:air\s*force|warplanes?|jets?|aircraft|bombers?|helicopters?|drones?|aerial|air)\b",
    re.IGNORECASE,
)
_DENIAL = re.compile(
    r"\b(?:den(?:y|ied|ies|ial|ying)|reject(?:ed|s|ing)?|false(?:ly)?|fabricat\w*|untrue|"
    r"baseless|fake|propaganda|no\s+evidence|never\s+happened|did\s+not\s+(?:happen|take\s+place)"
    r"|don[’']t\s+exist)\b",
    re.IGNORECASE,
)
# Clause boundaries inside a sentence: the second part may have its own polarity or source.
_CLAUSE_CUT = re.compile(r";\s+|,\s+(?:but|while|whereas|although)\s+|,\s+and\s+that\s+|\s+but\s+")

# Place names: capitalised words, with Arabic articles and hyphens ("Deir ez-Zor", "Daret Ezza").
_NAME = r"[A-Z][\w’'‘-]*(?:[ -](?:(?:al|el|ez|ad|as|ar|an|at|ash|ibn|bin)[ -])?[A-Z][\w’'‘-]*){0,3}"
_PLACE_NOUN = (
    r"(?:city|town|village|province|provinces|governorate|region|countryside|"
    r"outskirts|suburbs?|area|district|capital|outside)"
)
_LOCATIVE = re.compile(
    rf"\b(?:in|near|on|at|from|outside|around|across|over|into|toward|towards|of|to|against)\s+"
    rf"(?:(?:the|a|an)\s+)?(?:(?:northern|southern|eastern|western|central|north|south|east|"
    rf"west|northwestern|northeastern|southwestern|southeastern|rebel-held|besieged)\s+)?"
    rf"(?:{_PLACE_NOUN}\s+of\s+(?:the\s+)?)?(?P<name>{_NAME})"
)
_LIST_NEXT = re.compile(
    rf"(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)(?:the\s+(?:city|town|village|province)\s+of\s+)?"
    rf"(?P<name>{_NAME})"
)
_ADMIN_AFTER = re.compile(r"\s+(?:province|provinces|governorate|region)\b", re.IGNORECASE)
_QUALIFIER_GAP = re.compile(
    r"^,\s*(?:in\s+|near\s+)?(?:the\s+)?(?:(?:countryside|outskirts|province|suburbs)\s+of\s+)?$"
)
_NOT_PLACES = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "it",
        "its",
        "he",
        "she",
        "they",
        "we",
        "i",
        "his",
        "her",
        "their",
        "our",
        "isis",
        "isil",
        "daesh",
        "nusra",
        "islamic",
        "state",
        "al-qaeda",
        "qaeda",
        "coalition",
        "russian",
        "syrian",
        "american",
        "british",
        "french",
        "turkish",
        "iraqi",
        "iranian",
        "defense",
        "defence",
        "ministry",
        "army",
        "air",
        "force",
        "sunday",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "president",
        "minister",
        "general",
        "maj",
        "gen",
        "sana",
        "ap",
        "reuters",
        "afp",
    ]
)

_PRONOUNS = frozenset(["it", "he", "she", "they", "we", "i", "this", "that", "propaganda"])

ACTOR_NAMES: dict[str, str] = {}
for _canonical, _forms in {
    "Russia": "russia, russian, russians, moscow, kremlin",
    "United States": "us, u.s., usa, united states, american, americans, washington, pentagon",
    "Syria": "syria, syrian, syrians, damascus, assad, syrian army, syrian regime",
    "Iraq": "iraq, iraqi, iraqis, baghdad",
    "Turkey": "turkey, turkish, ankara",
    "France": "france, french",
    "United Kingdom": "uk, u.k., britain, british",
    "Israel": "israel, israeli",
    "Iran": "iran, iranian, tehran",
    "Saudi Arabia": "saudi, saudis, saudi arabia",
    "US-led coalition": "coalition, us-led coalition",
    "Islamic State": "isis, isil, daesh, islamic state",
    "Jabhat al-Nusra": "nusra, al-nusra, jabhat al-nusra, nusra front",
    "al-Qaeda": "al-qaeda, al qaeda",
    "Hezbollah": "hezbollah",
    "Free Syrian Army": "fsa, free syrian army",
    "Syrian opposition": "opposition, rebels",
    "Kurdish forces": "kurdish, ypg, pkk, kurds, peshmerga",
    "civilians": "civilians",
}.items():
    for _form in _forms.split(", "):
        ACTOR_NAMES[_form] = _canonical
    ACTOR_NAMES[_canonical.lower()] = _canonical
_ACTOR = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(
        re.escape(f).replace(r"\ ", r"\s+") for f in sorted(ACTOR_NAMES, key=len, reverse=True)
    )
    + r")(?![\w-])",
    re.IGNORECASE,
)
_SOURCE_CUE = re.compile(
    r"(?:[Aa]ccording\s+to\s+(?P<after>(?:the\s+)?(?:[A-Z][\w’'.-]*\s*){1,6}))|"
    r"(?P<before>(?:[Tt]he\s+)?(?:[A-Z][\w’'.-]*\s+){1,6})(?:\w+\s+)?"
    r"(?:said|says|reported|reports|acknowledged|claimed|claims|announced|quoted|told|stated)\b"
)


@dataclass(slots=True)
class _Draft:
    """An event before it becomes a Span."""

    start: int
    end: int
    label: str
    trigger: tuple[int, int]
    attrs: dict[str, Any] = field(default_factory=dict)


def _clauses(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The clause ranges of one sentence."""
    position = start
    for cut in _CLAUSE_CUT.finditer(text, start, end):
        if cut.start() > position:
            yield position, cut.start()
        position = cut.end()
    if position < end:
        yield position, end


def _event_type(text: str, start: int, end: int) -> tuple[str, tuple[int, int]] | None:
    """The clause's event type and its trigger's range, by precedence."""
    for label in EVENT_TYPES:
        match = _TRIGGERS[label].search(text, start, end)
        if match is None:
            continue
        # Actor and target are read around the clause's first trigger of any type ("US
        # warplanes killed 27 commanders in a bombing raid": the killing names both).
        first = min(
            (m for m in (p.search(text, start, end) for p in _TRIGGERS.values()) if m),
            key=lambda m: m.start(),
        )
        if label in ("attack", "killing") and _AIR.search(text, start, end):
            label = "airstrike"
        return label, (first.start(), first.end())
    return None


def _actor_mentions(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Known actor names in a range: (start, end, canonical)."""
    out = []
    for match in _ACTOR.finditer(text, start, end):
        word = match.group(0)
        # "US" in capitals only: "us" is the pronoun.
        if word.lower() in ("us", "is") and word != word.upper():
            continue
        out.append((match.start(), match.end(), ACTOR_NAMES[" ".join(word.lower().split())]))
    return out


def _actor_and_target(
    text: str, clause: tuple[int, int], sentence: tuple[int, int], trigger: tuple[int, int]
) -> tuple[str | None, str | None]:
    """Who acted (nearest actor before the trigger, or after "by") and on whom."""
    after = _actor_mentions(text, trigger[1], clause[1])
    passive = re.search(r"\bby\s+(?:the\s+)?", text[trigger[1] : clause[1]])
    actor: str | None = None
    if passive is not None:
        by_at = trigger[1] + passive.end()
        for start, _end, name in after:
            if start == by_at:
                actor = name
                after = [a for a in after if a[0] != start]
                break
    if actor is None:
        before = _actor_mentions(text, clause[0], trigger[0]) or _actor_mentions(
            text, sentence[0], trigger[0]
        )
        if before:
            group = [before[-1]]
            for earlier in reversed(before[:-1]):
                gap = text[earlier[1] : group[0][0]]
                if re.fullmatch(r"\s*(?:,|and|,\s*and)\s*", gap):
                    group.insert(0, earlier)
                else:
                    break
            names = list(dict.fromkeys(name for _s, _e, name in group))
            actor = " and ".join(names)
    target = next((name for _s, _e, name in after if name != actor), None)
    return actor, target


def _source_name(text: str, start: int, end: int, trigger: int) -> str | None:
    """A cited source before the trigger ("According to Fars", "Fars News said"), as text."""
    best: str | None = None
    for match in _SOURCE_CUE.finditer(text, start, trigger):
        name = match.group("after") or match.group("before") or ""
        name = re.sub(r"^(?:[Tt]he|On\s+\w+,?)\s+", "", name.strip(" ,"))
        if name and name.split()[0].lower() not in _PRONOUNS:
            best = name
    return best


@dataclass(slots=True)
class _PlaceHit:
    start: int
    end: int
    name: str
    attrs: dict[str, Any]


class _Places:
    """Place mentions of one document, resolved with the article's country prior."""

    def __init__(
        self,
        doc: Document,
        body: Sequence[tuple[int, int]],
        min_population: int,
        blocked: Sequence[tuple[int, int]],
    ) -> None:
        from newsprism.geo.gazetteer import get_gazetteer

        self.gazetteer = get_gazetteer()
        self.text = doc.text
        self.min_population = min_population
        self.blocked = blocked
        self.prior = self._country_prior(body)

    def _country_prior(self, body: Sequence[tuple[int, int]]) -> list[str]:
        """Countries the article is about, most mentioned first (names and demonyms)."""
        votes: Counter[str] = Counter()
        for start, end in body:
            for _s, _e, name in _actor_mentions(self.text, start, end):
                code = self.gazetteer.country_code(name)
                if code:
                    votes[code] += 1
            for match in re.finditer(_NAME, self.text[start:end]):
                code = self.gazetteer.country_code(match.group(0))
                if code:
                    votes[code] += 1
        return [code for code, _n in votes.most_common()]

    def _usable(self, start: int, end: int, name: str) -> bool:
        if name.lower() in _NOT_PLACES or name.split()[0].lower() in _NOT_PLACES:
            return False
        return not any(s < end and start < e for s, e in self.blocked)

    def find(self, start: int, end: int) -> list[_PlaceHit]:
        """Places named after a locative cue (and the lists that follow it) in a range."""
        hits: list[_PlaceHit] = []
        for cue in _LOCATIVE.finditer(self.text, start, end):
            names = [(cue.start("name"), cue.end("name"))]
            position = cue.end("name")
            while (nxt := _LIST_NEXT.match(self.text, position, end)) is not None:
                names.append((nxt.start("name"), nxt.end("name")))
                position = nxt.end("name")
            for s, e in names:
                hit = self._resolve(s, e, end)
                if hit is not None and not any(h.start == hit.start for h in hits):
                    hits.append(hit)
        return self._drop_qualifiers(hits)

    def _resolve(self, start: int, end: int, limit: int) -> _PlaceHit | None:
        """Resolve a name, trying shorter prefixes ("Raqqa Syria" -> "Raqqa")."""
        words = list(re.finditer(r"\S+", self.text[start:end]))
        for count in range(len(words), 0, -1):
            stop = start + words[count - 1].end()
            name = self.text[start:stop].rstrip("’'‘-")
            if not self._usable(start, stop, name):
                continue
            kind = "admin1" if _ADMIN_AFTER.match(self.text, stop, limit) else None
            place = self.gazetteer.resolve(name, self.prior, kind, self.min_population)
            if place is not None:
                return _PlaceHit(start, start + len(name), name, place.to_attrs(name))
        return None

    def _drop_qualifiers(self, hits: list[_PlaceHit]) -> list[_PlaceHit]:
        """Drop "Syria" in "Raqqa, Syria" and "Aleppo" in "Daret Ezza, in the countryside of
        Aleppo": they say where the first place is, not another place."""
        hits.sort(key=lambda h: h.start)
        out: list[_PlaceHit] = []
        for hit in hits:
            if out:
                gap = self.text[out[-1].end : hit.start]
                coarser = (
                    hit.attrs["kind"] == "country" or "countryside" in gap or ("province" in gap)
                )
                if _QUALIFIER_GAP.match(gap) and coarser:
                    continue
            out.append(hit)
        if any(h.attrs["kind"] != "country" for h in out):
            out = [h for h in out if h.attrs["kind"] != "country"]
        return out


def _body_sentences(doc: Document) -> list[Span]:
    """Sentences outside comments, boilerplate, titles, bylines and captions."""
    skipped = [s for s in doc.layer("sections") if s.label in SKIP_SECTIONS]
    out = []
    for sentence in doc.layer("sentences"):
        if any(s.start <= sentence.start < s.end for s in skipped):
            continue
        out.append(sentence)
    return out


def _innermost_attribution(doc: Document, position: int) -> Span | None:
    """The attribution whose content holds `position` (the shortest, when nested)."""
    best: Span | None = None
    for span in doc.layer("attributions"):
        content = span.attrs.get("content") or [span.start, span.end]
        if content[0] <= position < content[1] and (
            best is None or span.end - span.start < best.end - best.start
        ):
            best = span
    return best


def extract_events(doc: Document, min_population: int = 100_000) -> tuple[list[Span], list[Span]]:
    """(events, mentions) spans for a document with a `sentences` layer (see module docstring)."""
    text = doc.text
    published = parse_published(doc.meta.get("published"))
    sentences = _body_sentences(doc)
    blocked = [
        (s.start, s.end) for s in doc.layer("entities") if s.label in ("PERSON", "ORG", "NORP")
    ]
    mentions: list[Span] = []
    drafts: list[_Draft] = []
    places: _Places | None = None
    paragraph_date: tuple[int, str | None] = (-1, None)
    paragraphs = doc.layer("paragraphs")

    def paragraph_of(position: int) -> int:
        for index, para in enumerate(paragraphs):
            if para.start <= position < para.end:
                return index
        return -1

    def mention(start: int, end: int, label: str, attrs: dict[str, Any]) -> str:
        span_id = f"{MENTIONS}.{len(mentions)}"
        mentions.append(Span(start, end, label, None, attrs, span_id))
        return span_id

    for sentence in sentences:
        dates = find_dates(text, published, sentence.start, sentence.end)
        date_ids = [mention(d.start, d.end, "DATE", d.to_attrs()) for d in dates]
        counts = find_counts(text, sentence.start, sentence.end)
        count_ids = [mention(c.start, c.end, "QUANTITY", c.to_attrs()) for c in counts]
        para = paragraph_of(sentence.start)
        resolved = [d for d in dates if d.iso]
        if resolved:
            paragraph_date = (para, resolved[0].iso)
        for clause in _clauses(text, sentence.start, sentence.end):
            found = _event_type(text, *clause)
            if found is None:
                continue
            if places is None:
                body = [(s.start, s.end) for s in sentences]
                places = _Places(doc, body, min_population, blocked)
            label, trigger = found
            clause_places = places.find(*clause)
            clause_counts = [
                (c, i)
                for c, i in zip(counts, count_ids, strict=True)
                if clause[0] <= c.start < clause[1] and c.role not in ("percent",)
            ]
            clause_dates = [
                (d, i)
                for d, i in zip(dates, date_ids, strict=True)
                if clause[0] <= d.start < clause[1]
            ]
            sentence_dates = list(zip(dates, date_ids, strict=True))
            if not (clause_places or clause_counts or clause_dates):
                continue
            drafts.extend(
                _drafts(
                    doc,
                    label,
                    clause,
                    (sentence.start, sentence.end),
                    trigger,
                    clause_places,
                    clause_counts,
                    clause_dates or sentence_dates,
                    paragraph_date[1] if paragraph_date[0] == para else None,
                    mention,
                )
            )
    events = [
        Span(d.start, d.end, d.label, None, d.attrs, f"{LAYER}.{i}") for i, d in enumerate(drafts)
    ]
    return events, mentions


def _drafts(
    doc: Document,
    label: str,
    clause: tuple[int, int],
    sentence: tuple[int, int],
    trigger: tuple[int, int],
    places: list[_PlaceHit],
    counts: list[tuple[Count, str]],
    dates: list[tuple[DateMention, str]],
    context_date: str | None,
    mention: Any,
) -> list[_Draft]:
    """One draft event per place in the clause (one without a place when it names none)."""
    text = doc.text
    actor, target = _actor_and_target(text, clause, sentence, trigger)
    attribution = _innermost_attribution(doc, trigger[0])
    denied = _DENIAL.search(text, *clause) is not None
    if attribution is not None and attribution.attrs.get("polarity") == "deny":
        denied = True
    event_counts: dict[str, Any] = {}
    for count, _id in counts:
        if count.role and count.role not in event_counts:
            event_counts[count.role] = count.value()
    date_iso: str | None = None
    date_id: str | None = None
    date_source = None
    for date, span_id in dates:
        if date.iso:
            date_iso, date_id, date_source = date.iso, span_id, "text"
            break
    if date_iso is None and context_date is not None:
        date_iso, date_source = context_date, "paragraph"
    source = None
    if attribution is not None:
        source = attribution.attrs.get("speaker")
    if source is None:
        source = _source_name(text, sentence[0], sentence[1], trigger[0])
    base: dict[str, Any] = {
        "actor": actor,
        "target": target,
        # A range's first day: "attacks since yesterday" began yesterday.
        "date": date_iso.split("/")[0] if date_iso else None,
        "date_range": date_iso if date_iso and "/" in date_iso else None,
        "date_source": date_source,
        "date_mention": date_id,
        "counts": event_counts,
        "count_mentions": [span_id for _c, span_id in counts],
        "claimed_by": attribution.id if attribution is not None else None,
        "source": source,
        "polarity": "deny" if denied else "assert",
        "trigger": list(trigger),
    }
    out = []
    hits: list[_PlaceHit | None] = list(places) or [None]
    for hit in hits:
        attrs = dict(base)
        if hit is None:
            attrs["place"] = None
            attrs["place_mention"] = None
        else:
            attrs["place"] = hit.attrs
            attrs["place_mention"] = mention(hit.start, hit.end, "GPE", hit.attrs)
        out.append(_Draft(clause[0], clause[1], label, trigger, attrs))
    return out


@register
class EventsAnalyzer(Analyzer):
    """Reported events from body sentences (reads `attributions`/`entities` when present)."""

    name = "events.v1"
    requires = ("sentences",)
    produces = (LAYER, MENTIONS)
    model_version = "rules+geonames"

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `events` and `mentions` layers."""
        events, mentions = extract_events(doc, self.config.events.place_min_population)
        return doc.with_layer(MENTIONS, mentions).with_layer(LAYER, events)
