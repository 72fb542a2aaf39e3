"""One analysed document as the corpus analysis sees it: source, date, lead, body, names, credit.

Everything here is read from the layers the pipeline left (`sections`, `sentences`, `entities`,
`events`); a document without them still works (its whole text is the body). Names are folded
(`fold_name`) so that "KESSEN", "Kessen" and "the Kessen" compare equal across outlets.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from newsprism.analyzers.dates import parse_published
from newsprism.analyzers.events import fold_key
from newsprism.corpus.count_ranges import Range, role_range
from newsprism.document import Document, Span

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP"})
"""Entity labels whose names link articles about the same events."""
PLACE_LABELS = frozenset({"GPE", "LOC"})
BODY_SKIP = frozenset({"comment", "boilerplate", "title", "byline", "caption"})
"""Sections that are not the article's own reporting (never compared across outlets)."""

# Credit lines that make an article a republication of another outlet's text. Only the named
# outlet is taken (up to the end of the line or a period), never a guess.
_CREDIT = re.compile(
    r"(?im)^[ \t]*(?:\(?(?:originally|first)\s+(?:published|appeared)\s*(?:at|in|on|by|:)?\s*:?"
    r"|this\s+(?:report|article|story)\s+(?:was\s+)?(?:provided|supplied|written)\s+by"
    r"|(?:re)?(?:published|printed)\s+(?:with\s+permission\s+)?(?:from|of)"
    r"|source\s*:)"
    r"[ \t]*(?P<name>[^\n.]{2,80})"
)
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_NON_WORD = re.compile(r"[^\w]+")


def fold_name(name: str) -> str:
    """A name for comparison: lower case, punctuation as spaces, leading article dropped."""
    folded = _NON_WORD.sub(" ", name.lower()).strip()
    return _ARTICLE.sub("", folded)


def domain_of(url: object) -> str | None:
    """The host of `url` without `www.`, or None."""
    if not isinstance(url, str) or "//" not in url:
        return None
    host = urlsplit(url.strip()).hostname
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


@dataclass(frozen=True, slots=True)
class Article:
    """The parts of one document that the cross-source analysis compares."""

    id: str
    doc: Document
    outlet: str | None
    """Display name: `meta.outlet`, else the URL's domain."""
    source: str
    """Independence key of the article's own outlet (folded outlet or domain, else `doc:<id>`)."""
    published: date | None
    published_at: str
    """`meta.published` as a sortable ISO string (time kept when given; "" when undated)."""
    title: str
    body: tuple[tuple[int, int], ...]
    """Character ranges of the article's own reporting."""
    lead: str
    """Title plus the first body sentences: what the document vector encodes."""
    names: frozenset[str]
    """Folded named entities of the body (and title)."""
    places: frozenset[str]
    credit: str | None
    """The outlet a credit line names ("Originally published at X"), folded, or None."""
    credit_span: tuple[int, int] | None
    credit_text: str = ""
    """The credit line as written (the republication's evidence), or ""."""
    toll: Range | None = None
    """The lead's death toll (`lead_toll_event`), or None."""
    toll_span: str | None = None
    """Id of the events span that reports the toll, or None."""
    event_places: frozenset[str] = frozenset()
    lead_day: date | None = None
    """The day the lead's first dated event states for itself ("killed ... on Tuesday") or by its
    report ("..., the monitor said on Wednesday": within a day of it), or None: what incident
    the article reports, where its publication date may be days off."""
    days: frozenset[date] = frozenset()
    """Every single day the body's date mentions resolve to (the days it speaks of)."""
    """Gazetteer keys (`geo:<geonameid>`) of the places where the body's events happened: one
    key per town however outlets spell it ("Khan Sheikhoun", "Khan Sheikhun"), one per
    street or quarter of it the events name (`geo:<geonameid>/<folded quarter>`), and one per
    province (`adm:<country>:<folded name>`)."""

    @property
    def body_text(self) -> str:
        """The body ranges joined by blank lines."""
        return "\n\n".join(self.doc.text[s:e] for s, e in self.body)

    def in_body(self, start: int, end: int) -> bool:
        """True when `[start, end)` lies inside the body."""
        return _inside(self.body, start, end)


def _inside(body: tuple[tuple[int, int], ...], start: int, end: int) -> bool:
    """True when `[start, end)` lies inside one of the `body` ranges."""
    return any(b0 <= start and end <= b1 for b0, b1 in body)


def _body_ranges(doc: Document) -> tuple[tuple[int, int], ...]:
    sections = doc.layer("sections")
    if not sections:
        return ((0, len(doc.text)),) if doc.text else ()
    return tuple((s.start, s.end) for s in sections if s.label == "body")


def _title(doc: Document) -> str:
    if doc.title:
        return doc.title.strip()
    for span in doc.layer("sections"):
        if span.label == "title":
            return doc.span_text(span).strip()
    first = doc.text.strip().split("\n", 1)[0]
    return first[:200]


def _lead(doc: Document, title: str, body: tuple[tuple[int, int], ...], sentences: int) -> str:
    inside = [s for s in doc.layer("sentences") if _inside(body, s.start, s.end)]
    if inside:
        parts = [doc.span_text(s).strip() for s in inside[:sentences]]
    else:
        text = " ".join(doc.text[s:e] for s, e in body)
        parts = [text[:600]]
    return " ".join(p for p in [title, *parts] if p)


def _credit(doc: Document) -> tuple[str | None, tuple[int, int] | None]:
    """The last credit line of the text (tails hold them), outside reader comments."""
    comments = [(s.start, s.end) for s in doc.layer("sections") if s.label == "comment"]
    found: tuple[str | None, tuple[int, int] | None] = (None, None)
    for match in _CREDIT.finditer(doc.text):
        if any(c0 <= match.start() < c1 for c0, c1 in comments):
            continue
        name = fold_name(match.group("name"))
        if name:
            found = (name, (match.start(), match.end()))
    return found


def lead_toll_event(
    doc: Document, body: tuple[tuple[int, int], ...], lead_chars: int
) -> tuple[Span, Range] | None:
    """The event span and killed range of the lead's death toll, or None: among asserted events
    starting in the first `lead_chars` characters of the body, the largest killed count of the
    first sentence that has one. The largest, because the other counts of that sentence are
    often subgroups ("22 children" of "35 people in total"); the first sentence, because later
    ones give background ("last month's bombings killed 170")."""
    # Any event type: a killed count makes it violence whatever the label.
    found = [
        (event, killed)
        for event in _lead_events(doc, body, lead_chars)
        if (killed := role_range(event.attrs, "killed")) is not None
    ]
    if not found:
        return None
    end = sentence_end(doc, found[0][0].start)
    return max((item for item in found if item[0].start < end), key=lambda item: item[1][0])


_STATED = frozenset({"text", "report"})
"""Date sources a text states for its event: its own day, or the day its report gives."""


def _lead_day(doc: Document, body: tuple[tuple[int, int], ...], lead_chars: int) -> date | None:
    """`Article.lead_day`: the stated date (its own or its report's, `date_source` "text" or
    "report") of the first asserted body event starting in the first `lead_chars` characters of
    the body; never a date carried from the paragraph or the page's stamp."""
    for event in _lead_events(doc, body, lead_chars):
        value = event.attrs.get("date")
        if event.attrs.get("date_source") not in _STATED or not isinstance(value, str):
            continue
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            continue
    return None


def _lead_events(doc: Document, body: tuple[tuple[int, int], ...], lead_chars: int) -> list[Span]:
    """The asserted events of the body (as alignment reads them: a title or caption is not the
    lead) starting in its first `lead_chars` characters, in text order."""
    if not body:
        return []
    limit = body[0][0] + lead_chars
    return sorted(
        (
            event
            for event in doc.layer("events")
            if event.start < limit
            and event.attrs.get("polarity") != "deny"
            and _inside(body, event.start, event.end)
        ),
        key=lambda event: event.start,
    )


def _days(doc: Document, body: tuple[tuple[int, int], ...]) -> set[date]:
    """`Article.days`: the single days the body's DATE mentions resolve to."""
    out: set[date] = set()
    for mention in doc.layer("mentions"):
        value = mention.attrs.get("iso_date")
        if mention.label != "DATE" or not isinstance(value, str) or "/" in value:
            continue
        if _inside(body, mention.start, mention.end):
            try:
                out.add(date.fromisoformat(value[:10]))
            except ValueError:
                continue
    return out


def sentence_end(doc: Document, at: int) -> int:
    """End of the sentence holding offset `at` (the end of the text when none is marked)."""
    for sentence in doc.layer("sentences"):
        if sentence.start <= at < sentence.end:
            return sentence.end
    return len(doc.text)


def _published_at(value: object, day: date | None) -> str:
    """A sortable timestamp: the ISO datetime (UTC when zoned) when `value` has one, else the
    day, else ""."""
    if day is None:
        return ""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return day.isoformat()
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        return moment.isoformat()
    return day.isoformat()


_NO_NAMES: frozenset[str] = frozenset()


def _held_once(names: set[str]) -> frozenset[str]:
    """`names` with each string interned, and one shared empty set: a large corpus names the
    same towns, people and outlets in thousands of articles (FA-KES: 18 names an article,
    2.2 KB of strings and set each), and most articles have no event place."""
    return frozenset(sys.intern(name) for name in names) if names else _NO_NAMES


def make_article(doc: Document, lead_sentences: int = 3, toll_chars: int = 600) -> Article:
    """Read the comparable parts of an analysed document (`toll_chars`: how far into the body
    the lead's death toll may start)."""
    meta = doc.meta
    outlet_value = meta.get("outlet")
    outlet = (
        outlet_value.strip() if isinstance(outlet_value, str) and outlet_value.strip() else None
    )
    domain = domain_of(meta.get("url"))
    display = outlet or domain
    source = fold_name(display) if display else ""
    body = _body_ranges(doc)
    title = _title(doc)
    published = parse_published(meta.get("published"))
    names: set[str] = set()
    places: set[str] = set()
    event_places: set[str] = set()
    title_end = len(title)
    for span in doc.layer("entities"):
        if span.label not in NAME_LABELS:
            continue
        inside = _inside(body, span.start, span.end)
        if not inside and span.start > title_end:
            continue
        name = fold_name(doc.span_text(span))
        if len(name) < 3 or name.isdigit():
            continue
        names.add(name)
        if span.label in PLACE_LABELS:
            places.add(name)
    for event in doc.layer("events"):
        place = event.attrs.get("place")
        if isinstance(place, dict) and isinstance(place.get("name"), str):
            places.add(fold_name(place["name"]))
            names.add(fold_name(place["name"]))
        if isinstance(place, dict) and isinstance(place.get("geonameid"), int):
            # One key per gazetteer place: "Raqa", "Raqqa" and "al-Raqqa" are one town.
            names.add(f"geo:{place['geonameid']}")
            event_places.add(f"geo:{place['geonameid']}")
            quarter = place.get("quarter")
            if isinstance(quarter, str) and quarter:
                # A street or quarter of the town ("al-Sulaymaniyah neighborhood" of Aleppo)
                # says more than the town that most reports of its war name.
                key = f"geo:{place['geonameid']}/{fold_key(quarter)}"
                names.add(key)  # weighed by its rarity, as the town's key is
                event_places.add(key)
        elif isinstance(place, dict) and place.get("kind") == "admin1":
            # A province has no GeoNames id here: one key for its canonical name ("Deir
            # Ezzor", "Deir el-Zour" and a village it stands in for are one province).
            key = f"adm:{place.get('country')}:{fold_key(str(place.get('canonical') or ''))}"
            names.add(key)
            event_places.add(key)
    credit, credit_span = _credit(doc)
    credit_text = doc.text[credit_span[0] : credit_span[1]].strip() if credit_span else ""
    toll = lead_toll_event(doc, body, toll_chars)
    return Article(
        id=doc.id,
        doc=doc,
        outlet=None if display is None else sys.intern(display),
        source=sys.intern(source) if source else f"doc:{doc.id}",
        published=published,
        published_at=_published_at(meta.get("published"), published),
        title=title,
        body=body,
        lead=_lead(doc, title, body, lead_sentences),
        names=_held_once(names),
        places=_held_once(places),
        credit=credit,
        credit_span=credit_span,
        credit_text=credit_text,
        toll=toll[1] if toll else None,
        toll_span=toll[0].id if toll else None,
        event_places=_held_once(event_places),
        lead_day=_lead_day(doc, body, toll_chars),
        days=frozenset(_days(doc, body)),
    )


def slim(article: Article) -> Article:
    """`article` without its document's text and layers (what story clustering keeps for every
    document of a large corpus; alignment reloads the members of one story at a time)."""
    return replace(article, doc=Document(article.id, ""))


_NO_DAYS: frozenset[date] = frozenset()
# One shared empty document and empty sets: `frozenset()` makes a new 216-byte object per call.
_NO_DOCUMENT = Document("-", "")
"""The one empty document every `header` shares (a `Document` per header cost 0.5 KB; its id
is a placeholder, never read: a header's id is `Article.id`)."""


def header(article: Article) -> Article:
    """`article` with only what the corpus-wide steps read: id, source, dates, title and credit
    (duplicate links, independent sources, story rows). What a large corpus keeps for every
    document while its stories are found one date segment at a time (`segments.py`)."""
    return replace(
        article,
        doc=_NO_DOCUMENT,
        body=(),
        lead="",
        toll=None,
        toll_span=None,
        lead_day=None,
        credit_span=None,
        names=_NO_NAMES,
        places=_NO_NAMES,
        event_places=_NO_NAMES,
        days=_NO_DAYS,
    )
