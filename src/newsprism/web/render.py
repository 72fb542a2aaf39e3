"""Highlight data for an article: its text cut at span boundaries into classed segments.

The templates print each segment's text through Jinja's autoescape; nothing here builds HTML.
CSS class names come only from fixed tables or from indexes, never from span labels or
attributes, so hostile labels cannot inject classes either.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from newsprism.document import Document, Span
from newsprism.trust.display import trust_rows
from newsprism.wording import date_provenance, place_label, place_provenance

LAYER_TOGGLES: tuple[tuple[str, str, bool], ...] = (
    ("sections", "Sections", True),
    ("claims", "Claims by speaker", True),
    ("techniques", "Techniques", True),
    ("events", "Events", True),
    ("entities", "Entities", False),
    ("flags", "Comment flags", True),
)
"""(toggle key, label, shown at first) for the article page's layer switches."""

SECTION_CLASSES = frozenset({"title", "byline", "body", "caption", "boilerplate", "comment"})
"""Section labels with their own style (DESIGN.md); any other label gets `sec-other`."""

ENTITY_CLASSES = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "DATE", "QUANTITY"})
"""Entity labels with their own style; any other label gets `ent-other`."""

PALETTE_SIZE = 8
"""Distinct colours per layer (speakers and techniques cycle through them)."""


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlight: the character range, its CSS classes and the tooltip line."""

    start: int
    end: int
    span_id: str
    classes: tuple[str, ...]
    tip: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of text covered by the same marks (possibly none)."""

    start: int
    end: int
    text: str
    classes: tuple[str, ...] = ()
    span_ids: tuple[str, ...] = ()
    tips: tuple[str, ...] = ()
    anchors: tuple[str, ...] = ()
    """Ids of the spans that begin here (the page gives each an anchor to jump to)."""

    @property
    def tip(self) -> str:
        """All tooltip lines of the marks covering this segment."""
        return "\n".join(self.tips)


@dataclass(frozen=True, slots=True)
class Legend:
    """Colour keys of one article: speakers and techniques, each with its palette index."""

    speakers: list[tuple[str, int, int]] = field(default_factory=list)
    """(speaker, palette index, number of claims), most claims first."""
    techniques: list[tuple[str, int, int]] = field(default_factory=list)
    """(technique, palette index, number of spans), most spans first."""


def segment(text: str, marks: Iterable[Mark]) -> list[Segment]:
    """Cut `text` at every mark boundary; each piece carries the marks covering all of it.

    Overlapping and nested marks are allowed; empty or out-of-range marks are dropped. The
    segments tile the text exactly, in order.
    """
    size = len(text)
    kept = sorted(
        (m for m in marks if 0 <= m.start < m.end <= size), key=lambda m: (m.start, -m.end)
    )
    cuts = sorted({0, size, *(m.start for m in kept), *(m.end for m in kept)})
    starts: dict[int, list[Mark]] = {}
    for mark in kept:
        starts.setdefault(mark.start, []).append(mark)
    active: list[Mark] = []
    out: list[Segment] = []
    for left, right in pairwise(cuts):
        active = [m for m in active if m.end > left]
        opened = starts.get(left, [])
        active.extend(opened)
        classes: list[str] = []
        for mark in active:
            classes.extend(c for c in mark.classes if c not in classes)
        out.append(
            Segment(
                left,
                right,
                text[left:right],
                tuple(classes),
                tuple(m.span_id for m in active),
                tuple(m.tip for m in active if m.tip),
                tuple(m.span_id for m in opened),
            )
        )
    return out


def _palette_index(names: Sequence[str]) -> dict[str, int]:
    """A stable colour index per name, by first appearance."""
    index: dict[str, int] = {}
    for name in names:
        if name not in index:
            index[name] = len(index) % PALETTE_SIZE
    return index


def _pair(value: Any, size: int) -> tuple[int, int] | None:
    """An attrs offset pair `[s, e]` when it is a valid range inside the text."""
    if isinstance(value, list | tuple) and len(value) == 2:
        start, end = value
        if (
            isinstance(start, int)
            and isinstance(end, int)
            and not isinstance(start, bool)
            and not isinstance(end, bool)
            and 0 <= start < end <= size
        ):
            return start, end
    return None


def speaker_of(span: Span) -> str:
    """The attribution's speaker name, or a stand-in when the analyzer found none."""
    speaker = span.attrs.get("speaker")
    return speaker if isinstance(speaker, str) and speaker.strip() else "(unnamed source)"


def place_name(attrs: Mapping[str, Any]) -> str | None:
    """The event's place name when its `place` attribute holds one."""
    place = attrs.get("place")
    if isinstance(place, Mapping):
        name = place.get("name")
        return place_label(place) if isinstance(name, str) and name else None
    return None


def _section_marks(doc: Document) -> list[Mark]:
    marks = []
    for span in doc.layer("sections"):
        style = span.label if span.label in SECTION_CLASSES else "other"
        marks.append(
            Mark(span.start, span.end, span.id, (f"sec-{style}",), f"section: {span.label}")
        )
    return marks


def _claim_marks(doc: Document, colours: Mapping[str, int]) -> list[Mark]:
    marks = []
    size = len(doc.text)
    for span in doc.layer("attributions"):
        attrs = span.attrs
        speaker = speaker_of(span)
        polarity = attrs.get("polarity")
        deny = polarity == "deny"
        kind = attrs.get("speaker_type")
        detail = ", ".join(str(v) for v in (kind, polarity) if isinstance(v, str) and v)
        tip = f"claim by {speaker}" + (f" ({detail})" if detail else "")
        classes = ("claim", f"spk-{colours[speaker]}") + (("claim-deny",) if deny else ())
        marks.append(Mark(span.start, span.end, span.id, classes, tip))
        # Source and cue are often outside the content span: mark them too, so the reader
        # sees who speaks and the verb that attributes the claim.
        for key, css in (("source", "claim-source"), ("cue", "claim-cue")):
            pair = _pair(attrs.get(key), size)
            if pair is not None:
                marks.append(
                    Mark(pair[0], pair[1], f"{span.id}:{key}", (css,), f"{key}: {speaker}")
                )
    return marks


def _technique_marks(doc: Document, colours: Mapping[str, int]) -> list[Mark]:
    marks = []
    for span in doc.layer("propaganda"):
        score = f" {span.score:.2f}" if span.score is not None else ""
        classes = ("tech", f"tech-{colours[span.label]}")
        marks.append(
            Mark(span.start, span.end, span.id, classes, f"technique: {span.label}{score}")
        )
    return marks


def _event_marks(doc: Document) -> list[Mark]:
    marks = []
    for span in doc.layer("events"):
        parts = [span.label]
        place = place_name(span.attrs)
        if place:
            inferred = place_provenance(span.attrs)
            parts.append(place + (f" ({inferred})" if inferred else ""))
        date = span.attrs.get("date")
        if isinstance(date, str) and date:
            inferred = date_provenance(span.attrs)
            parts.append(date + (f" ({inferred})" if inferred else ""))
        classes = ("event",) + (("event-deny",) if span.attrs.get("polarity") == "deny" else ())
        marks.append(Mark(span.start, span.end, span.id, classes, "event: " + ", ".join(parts)))
    return marks


def _entity_marks(doc: Document) -> list[Mark]:
    marks = []
    for span in doc.layer("entities"):
        style = span.label if span.label in ENTITY_CLASSES else "other"
        marks.append(
            Mark(span.start, span.end, span.id, ("ent", f"ent-{style}"), f"entity: {span.label}")
        )
    return marks


FLAG_CLASSES = frozenset({"hate", "offensive"})
"""Comment flag labels with their own style; any other label gets `flag-other`."""


def flag_targets(span: Span) -> list[str]:
    """The groups a comment flag names as its targets (strings only: attrs are untrusted)."""
    targets = span.attrs.get("targets")
    return [t for t in targets if isinstance(t, str)] if isinstance(targets, list) else []


def _flag_marks(doc: Document) -> list[Mark]:
    marks = []
    for span in doc.layer("comment_flags"):
        style = span.label if span.label in FLAG_CLASSES else "other"
        score = f" {span.score:.2f}" if span.score is not None else ""
        targets = flag_targets(span)
        tip = f"comment flag: {span.label}{score}" + (
            f" · targets: {', '.join(targets)}" if targets else ""
        )
        marks.append(Mark(span.start, span.end, span.id, ("flag", f"flag-{style}"), tip))
    return marks


def legend(doc: Document) -> Legend:
    """Speakers and techniques of `doc` with their colour index and counts."""
    speakers = [speaker_of(s) for s in doc.layer("attributions")]
    techniques = [s.label for s in doc.layer("propaganda")]
    spk_colour = _palette_index(speakers)
    tech_colour = _palette_index(techniques)

    def ranked(names: list[str], colours: Mapping[str, int]) -> list[tuple[str, int, int]]:
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        return sorted(
            ((name, colours[name], n) for name, n in counts.items()), key=lambda t: (-t[2], t[0])
        )

    return Legend(ranked(speakers, spk_colour), ranked(techniques, tech_colour))


def _evidence_anchor_marks(doc: Document, marked: set[str]) -> list[Mark]:
    """Unstyled marks for the spans the trust score cites that no layer highlights (the
    sentences of the claim profile, the check-worthy claims), so that the trust table's
    evidence links can jump to them."""
    score = doc.scores.get("trust")
    rows = trust_rows(score) if isinstance(score, Mapping) else []
    cited = {span_id for row in rows for span_id in row.span_ids} - marked
    return [
        Mark(span.start, span.end, span.id, (), "")
        for name in sorted({span_id.split(".", 1)[0] for span_id in cited})
        for span in doc.layer(name)
        if span.id in cited
    ]


def article_segments(doc: Document) -> list[Segment]:
    """The article text as highlight segments over every displayed layer."""
    keys = legend(doc)
    spk = {name: colour for name, colour, _ in keys.speakers}
    tech = {name: colour for name, colour, _ in keys.techniques}
    marks = [
        *_section_marks(doc),
        *_claim_marks(doc, spk),
        *_technique_marks(doc, tech),
        *_event_marks(doc),
        *_entity_marks(doc),
        *_flag_marks(doc),
    ]
    marks += _evidence_anchor_marks(doc, {m.span_id for m in marks})
    return segment(doc.text, marks)


_SAFE_SCHEMES = re.compile(r"^https?://", re.IGNORECASE)


def safe_href(url: Any) -> str | None:
    """`url` when it is an http(s) address fit for a link; None otherwise (shown as text)."""
    if not isinstance(url, str) or not _SAFE_SCHEMES.match(url.strip()):
        return None
    if any(ord(ch) < 0x20 or ch in "\"'<>` " for ch in url.strip()):
        return None
    return url.strip()
