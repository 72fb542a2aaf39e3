"""What a claim's casualty counts count: which count of a role a clause keeps, whether it is a
part of a toll, a further toll or a period's total, and whose dead it counts.

A number conflict compares two reports' tolls of one incident. "Four children were among the
dead", "nine other civilians were killed", "killed 84 people during the past three days" and
"35 ISIS militants" against "15 civilians" are counts of something else: `count_parts` and
`count_victims` say what, for `conflicts.same_group`.
"""

from __future__ import annotations

import re

from newsprism.analyzers.counts import NUMBER
from newsprism.analyzers.events import replaces_kept
from newsprism.corpus.articles import sentence_end
from newsprism.corpus.victims import Victims, victims_of
from newsprism.document import Document, Span


def kept_counts(doc: Document, mention_ids: object) -> dict[str, Span]:
    """The count mention the events layer keeps for each role (`replaces_kept`, in mention
    order): the one whose value the event's `counts` give."""
    kept: dict[str, Span] = {}
    for mention_id in mention_ids if isinstance(mention_ids, list) else ():
        mention = doc.find_span(mention_id) if isinstance(mention_id, str) else None
        role = mention.attrs.get("role") if mention is not None else None
        if mention is None or not isinstance(role, str):
            continue
        if role not in kept or replaces_kept(role, _low(mention), _low(kept[role])):
            kept[role] = mention
    return kept


def count_parts(doc: Document, kept: dict[str, Span]) -> tuple[tuple[str, str], ...]:
    """(role, unit) where a role's count is given as part of a toll ("The group said four
    children were among the dead") or on top of another ("nine other civilians were killed");
    (role, "period") where it totals a period ("killed 84 in three days", "in the past 24
    hours"), which no one incident's toll contradicts."""
    parts = []
    for role, m in kept.items():
        if (
            _PART_BEFORE.search(doc.text, max(0, m.start - 12), m.start)
            or _PART_AFTER.match(doc.text, m.end, m.end + 40)
            or (role == "killed" and _added(doc, m))
            or _split_by_place(doc, m)
            or _beside_another_group(doc, m, role)
        ):
            parts.append((role, str(m.attrs.get("unit") or "")))
        elif _PERIOD.search(doc.text, max(0, m.start - 60), _clause_end(doc, m.end)):
            parts.append((role, "period"))
    return tuple(sorted(parts))


def _clause_end(doc: Document, at: int, least: int = 80, most: int = 160) -> int:
    """How far after a count its period may be said: `least` characters, or on to its
    sentence's end within `most` ("At least 412 people more than half of them from ISIS have
    been killed in and around Kobane since mid-September")."""
    size = len(doc.text)
    return max(min(size, at + least), min(size, at + most, sentence_end(doc, at)))


def _added(doc: Document, mention: Span) -> bool:
    """Whether a killed count is given on top of another ("six more people lost their lives",
    "Nine other civilians were killed", "six others were killed", "26 civilians were also
    killed", "three people had died since"): a further toll, not the incident's. (Of the
    wounded, "dozens more wounded" is the whole count.)"""
    return bool(
        _ADDED_INSIDE.search(doc.span_text(mention))
        or _ALSO_AFTER.match(doc.text, mention.end, mention.end + 40)
    )


def _split_by_place(doc: Document, mention: Span) -> bool:
    """Whether the sentence goes on to give a further count elsewhere, with no number between:
    "30 militants were killed around the town of Shadadi ... and another five outside Kobane",
    "killed 45 civilians in and around Aleppo and 22 in neighbouring Idlib province". (Not "21
    civilians had been killed in the area, 15 in Manbij and another six in Al-Tukhar": there
    the split follows the whole.)"""
    end = min(len(doc.text), sentence_end(doc, mention.end), mention.end + 200)
    split = _SPLIT.search(doc.text, mention.end, end)
    if split is None:
        return False
    return _FIGURE.search(doc.text, mention.end, split.start()) is None


def _beside_another_group(doc: Document, mention: Span, role: str) -> bool:
    """Whether a count stands joined by "and" to a count of the same role of other dead: "15
    civilians and 27 pro-government fighters", "Four Kurdish militiamen and 11 jihadists made
    up the rest": each counts one group of a toll the sentence does not sum."""
    group = victims_of(doc, mention)
    if group is None:
        return False
    for other in doc.layer("mentions"):
        if other is mention or other.attrs.get("role") != role:
            continue
        first, second = (other, mention) if other.start < mention.start else (mention, other)
        if not _JOINED.fullmatch(doc.text, first.end, second.start):
            continue
        theirs = victims_of(doc, other)
        if theirs is not None and group.differ(theirs):
            return True
    return False


def count_victims(doc: Document, kept: dict[str, Span]) -> tuple[tuple[str, Victims], ...]:
    """(role, group) for the counts that count civilians or fighters (`victims.victims_of`)."""
    out = []
    for role, mention in sorted(kept.items()):
        group = victims_of(doc, mention)
        if group is not None:
            out.append((role, group))
    return tuple(out)


def _low(mention: Span) -> int | None:
    """A count mention's lower bound; for "nearly 75" (none) its upper one, the number written."""
    value = mention.attrs.get("value")
    low = value.get("min") if isinstance(value, dict) else None
    if low is None and isinstance(value, dict):
        low = value.get("max")
    return low if isinstance(low, int) else None


_PART_BEFORE = re.compile(
    r"\b(?:including|included|includes|among\s+them|of\s+whom|of\s+them)\s+$", re.I
)
_PART_AFTER = re.compile(
    r"(?:\s+[\w-]+){0,5}?\s+(?:(?:were|was|are)\s+(?:also\s+)?)?among\s+(?:the|those)\b"
    r"|\s+of\s+(?:them|whom)\b"
    r"|(?:\s+[\w-]+){0,5}?\s+(?:made|make|makes)\s+up\s+(?:the\s+)?(?:rest|remainder|balance)\b",
    re.I,
)
"""What marks a count as part of a toll: "including 11 children", "those killed included six
women", "four children were among the dead", "13 rebels from the six families were among the dead",
"11 children among the dead", "three of them", "11 jihadists made up the rest of the dead"."""
_SPLIT = re.compile(
    rf"\band\s+(?:another\s+)?{NUMBER}\s+(?:more\s+|others?\s+)?"
    r"(?:(?:were|was|had\s+been|have\s+been)\s+killed\s+)?"
    r"(?:in|outside|near|at|around|elsewhere)\b",
    re.I,
)
"""A further count of a toll split by place: "and another five outside", "and 22 in"."""
_FIGURE = re.compile(rf"\b{NUMBER}\b", re.I)
_JOINED = re.compile(r"\s*(?:,\s*)?and\s+", re.I)
_PERIOD = re.compile(
    r"\b(?:in|over|during|within)\s+(?:the\s+)?(?:(?:last|past|previous|first)\s+)?"
    r"(?:\d+|two|three|four|five|six|seven|ten|several|few)\s+(?:days|weeks|months|hours)\b"
    r"|\b(?:during|over|in)\s+the\s+(?:final|last|past|first)\s+(?:weeks|months|years)\b"
    r"|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several)-(?:day|week|month|year)\b"
    r"|\bsince\s+(?:the\s+(?:start|beginning)|(?:(?:early|mid|late)[-\s])?"
    r"(?:January|February|March|April|May|June|July|"
    r"August|September|October|November|December)\b|(?:19|20)\d\d\b)",
    re.IGNORECASE,
)
"""A period a count totals: "in three days", "over the past 24 hours", "since January",
"since mid-September", "during the final months", "whose three-week assault"."""
_ADDED_INSIDE = re.compile(r"\b(?:more|other|another|further)\s+(?!than\b)[a-z]|\bothers\b", re.I)
_ALSO_AFTER = re.compile(
    r"(?:\s+[\w-]+){0,2}?\s+(?:were|was|have\s+been|had\s+been)\s+also\s+(?:killed|dead)\b"
    # The wounded who died later: "three people had died since", "two later died of wounds".
    r"|(?:\s+[\w-]+){0,2}?\s+(?:(?:had|have|has)\s+(?:since\s+)?died\s+since|later\s+died"
    r"|died\s+later|(?:had|have|has)\s+since\s+died|died\s+of\s+(?:their\s+|his\s+|her\s+)?"
    r"(?:wounds|injuries)|succumbed)\b",
    re.I,
)
