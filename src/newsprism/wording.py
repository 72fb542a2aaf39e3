"""Words shared by every place that shows results: counted nouns for summary lines ("1 story",
"2 stories"), so logs and reports read as sentences at any count, and how an event's place or
date was found when its own sentence does not state it."""

from __future__ import annotations

from collections.abc import Mapping


def counted(count: object, noun: str, plural: str = "") -> str:
    """`count` with `noun`, or its plural (`plural`, else `noun` + "s") unless it is 1."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


# An analyst must tell a place or date the sentence states from one carried over from elsewhere
# in the article: the events analyzer records where each came from (`place_source`,
# `date_source`), and every view says so in these words.
_PLACE_SOURCES = {
    "context": "from an earlier sentence",
    "document": "the article's main place",
}
_DATE_SOURCES = {
    "report": "the date of the report",
    "paragraph": "from its paragraph",
    "stamp": "the page's date",
}


def place_provenance(attrs: Mapping[str, object]) -> str | None:
    """How an event's place was inferred, or None when its sentence names it (or it has none)."""
    return _PLACE_SOURCES.get(str(attrs.get("place_source")))


def date_provenance(attrs: Mapping[str, object]) -> str | None:
    """How an event's date was inferred, or None when its clause states it (or it has none)."""
    return _DATE_SOURCES.get(str(attrs.get("date_source")))


def place_label(place: Mapping[str, object], name_key: str = "name") -> str:
    """An event place as a reader names it: its street or quarter before its town when the
    text gives one ("al-Sulaymaniyah, Aleppo"), else the place (`name_key`: "canonical" for
    the gazetteer's spelling)."""
    name = str(place.get(name_key) or place.get("name") or "")
    quarter = place.get("quarter")
    return f"{quarter}, {name}" if isinstance(quarter, str) and quarter else name
