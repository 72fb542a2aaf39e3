"""The terminal report of an analysed document (rich), safe against hostile article text.

Article and comment text is hostile input: it is always wrapped in `rich.text.Text` (never
parsed as console markup) and stripped of control characters (an ESC in a comment must not be
able to drive the user's terminal). Each layer has a small renderer; layers added by later
analyzers register theirs in `LAYER_RENDERERS`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsprism.analyzers.events import disputed_by_the_text
from newsprism.analyzers.sections import NOT_ARTICLE, section_at
from newsprism.document import Document, Span
from newsprism.trust.display import reading, trust_rows
from newsprism.wording import date_provenance, place_label, place_provenance

# C0/C1 controls except tab and newline, plus bidi overrides that can disguise text.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_SPACE_RUN = re.compile(r"\s+")


def safe_text(value: str, limit: int | None = None, one_line: bool = True) -> Text:
    """Hostile text made displayable: controls removed, optionally folded and shortened."""
    cleaned = _UNSAFE.sub("", value)
    if one_line:
        cleaned = _SPACE_RUN.sub(" ", cleaned).strip()
    if limit is not None and len(cleaned) > limit:
        cleaned = cleaned[: max(0, limit - 1)].rstrip() + "…"
    return Text(cleaned)


def _header(doc: Document) -> RenderableType:
    """Title and metadata lines."""
    title = doc.title or "(no title)"
    heading = safe_text(title, 160)
    heading.stylize("bold")
    lines = [heading]
    facts = []
    for key in ("outlet", "published", "url", "encoding", "format"):
        value = doc.meta.get(key)
        if value:
            facts.append(f"{key}: {value}")
    authors = doc.meta.get("authors")
    if isinstance(authors, list) and authors:
        facts.append("authors: " + ", ".join(str(a) for a in authors))
    if facts:
        line = safe_text(" · ".join(facts), 240)
        line.stylize("dim")
        lines.append(line)
    lines.append(Text(f"id: {doc.id} · {len(doc.text):,} characters", style="dim"))
    return Group(*lines)


def _sections(doc: Document) -> RenderableType | None:
    """One row per section span that is not body, plus the body's size."""
    spans = doc.layer("sections")
    if not spans:
        return None
    table = Table(title="Sections", show_lines=False, expand=True)
    table.add_column("label", style="cyan", no_wrap=True)
    table.add_column("chars", justify="right")
    table.add_column("text")
    for span in spans:
        text = doc.span_text(span)
        if not text.strip():
            continue
        style = "green" if span.label == "body" else None
        table.add_row(
            Text(span.label, style=style or ""),
            f"{span.length:,}",
            safe_text(text, 110),
        )
    return table


def _sentences(doc: Document) -> RenderableType | None:
    """Counts of sentences and paragraphs."""
    sentences = doc.layer("sentences")
    paragraphs = doc.layer("paragraphs")
    if not sentences and not paragraphs:
        return None
    return Text(f"{len(sentences)} sentences in {len(paragraphs)} paragraphs", style="dim")


def _span_text(doc: Document, pair: object) -> str:
    """Text of an attrs `[start, end]` pair, or '' when absent or malformed."""
    if isinstance(pair, list | tuple) and len(pair) == 2:
        start, end = pair
        if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(doc.text):
            return doc.text[start:end]
    return ""


def _claims(doc: Document) -> RenderableType | None:
    """Attributed claims grouped by speaker, with polarity, directness and relay."""
    spans = doc.layer("attributions")
    if not spans:
        return None
    by_id = {span.id: span for span in spans}
    groups: dict[str, list[object]] = {}
    for span in spans:
        speaker = str(span.attrs.get("speaker") or "(unresolved)")
        groups.setdefault(speaker, []).append(span)
    table = Table(title=f"Claims by speaker ({len(spans)})", expand=True, show_lines=False)
    # Widths by ratio, the speaker never under 12 columns: in an 80-column terminal a long cue
    # ("has expressed deep concern") had squeezed the speaker to "Rus…".
    table.add_column("speaker", style="bold", no_wrap=False, ratio=2, min_width=12)
    table.add_column("type", style="dim")
    table.add_column("pol")
    table.add_column("cue", style="cyan", ratio=2, min_width=12)
    table.add_column("content", ratio=5)
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    for speaker, members in ordered:
        for index, member in enumerate(members):
            span = by_id[member.id]  # type: ignore[attr-defined]
            attrs = span.attrs
            polarity = str(attrs.get("polarity") or "assert")
            content = _span_text(doc, attrs.get("content")) or doc.span_text(span)
            if attrs.get("direct"):
                content = f"“{content}”"
            via = attrs.get("via")
            if isinstance(via, str) and via in by_id:
                relay = by_id[via].attrs.get("speaker") or via
                content += f"  (via {relay})"
            table.add_row(
                safe_text(speaker, 40) if index == 0 else Text(""),
                Text(str(attrs.get("speaker_type") or "")) if index == 0 else Text(""),
                Text(polarity, style="bold red" if polarity == "deny" else "green"),
                safe_text(_span_text(doc, attrs.get("cue")), 30),
                safe_text(content, 220),
            )
    return table


def _entities(doc: Document) -> RenderableType | None:
    """The most mentioned entities per type, by canonical name."""
    spans = doc.layer("entities")
    if not spans:
        return None
    counts: dict[str, Counter[str]] = {}
    for span in spans:
        name = str(span.attrs.get("canonical") or doc.span_text(span))
        counts.setdefault(span.label, Counter())[_SPACE_RUN.sub(" ", name).strip()] += 1
    lines = []
    for label in sorted(counts):
        top = ", ".join(f"{n} ({c})" if c > 1 else n for n, c in counts[label].most_common(8))
        line = Text(f"{label}: ", style="bold")
        line.append_text(safe_text(top, 300))
        lines.append(line)
    return Group(Text("Entities", style="bold underline"), *lines)


_TECHNIQUE_STYLES = (
    "black on yellow",
    "black on cyan",
    "black on magenta",
    "black on green",
    "white on red",
    "white on blue",
    "black on bright_yellow",
)


def display_text(text: str) -> Text:
    """The text with every unsafe character replaced one-for-one, so offsets still line up."""
    return Text(_UNSAFE.sub(" ", text))


def _checkworthy(doc: Document) -> RenderableType | None:
    """The check-worthy sentences (checkable factual claims), most likely first."""
    spans = sorted(doc.layer("checkworthy"), key=lambda s: -(s.score or 0.0))
    if not spans:
        return None
    table = Table(title=f"Check-worthy claims ({len(spans)})", expand=True)
    table.add_column("p", justify="right", no_wrap=True)
    table.add_column("sentence", ratio=8)
    for span in spans[:10]:
        table.add_row(f"{span.score or 0:.2f}", safe_text(doc.span_text(span), 240))
    if len(spans) > 10:
        table.caption = f"... {len(spans) - 10} more"
    return table


def _techniques(doc: Document) -> RenderableType | None:
    """The article's own text (every section but reader comments and boilerplate) with its
    persuasion-technique spans highlighted, and a legend that counts them, as the article's
    `propaganda_density` does, and says how many lie outside the story."""
    spans = doc.layer("propaganda")
    if not spans:
        return None
    labels = sorted({s.label for s in spans})
    style_of = {
        label: _TECHNIQUE_STYLES[i % len(_TECHNIQUE_STYLES)] for i, label in enumerate(labels)
    }
    story = [s for s in doc.layer("sections") if s.label not in NOT_ARTICLE] or [
        type(spans[0])(0, len(doc.text), "body")
    ]
    parts: list[RenderableType] = []
    shown: set[str] = set()
    for section in story:
        text = display_text(doc.text[section.start : section.end])
        for span in spans:
            start, end = max(span.start, section.start), min(span.end, section.end)
            if start < end:
                text.stylize(style_of[span.label], start - section.start, end - section.start)
                shown.add(span.id)
        text.rstrip()
        parts.append(text)
    # The legend counts what the story shows; spans in reader comments and elsewhere are only
    # counted, so a hateful comment section does not read as the article's own persuasion.
    counts = Counter(s.label for s in spans if s.id in shown)
    legend = Text("Techniques: ", style="bold")
    for label in labels:
        if counts[label]:
            legend.append(f" {label} ({counts[label]}) ", style=style_of[label])
            legend.append(" ")
    elsewhere = Counter(
        section_at(doc, (s.start + s.end) // 2) or "text" for s in spans if s.id not in shown
    )
    if elsewhere:
        where = ", ".join(
            f"{n} in {_SECTION_NAMES.get(label, label)}" for label, n in sorted(elsewhere.items())
        )
        legend.append(f" outside the story: {where}", style="dim")
    return Group(legend, *parts)


_SECTION_NAMES = {
    "comment": "reader comments",
    "caption": "captions",
    "byline": "bylines",
    "boilerplate": "boilerplate",
}


def _events(doc: Document) -> RenderableType | None:
    """One row per reported event: its facts stacked on lines beside the sentence that states it.

    Two columns, not one per fact: at 80 columns eight columns had cut every place, count and
    actor to three letters ("Raq…", "Rus…"), the facts a reader scans the table for. A sentence
    that states several events (a list of raided towns) is shown once, its later rows say so.
    """
    spans = doc.layer("events")
    if not spans:
        return None
    by_id = {s.id: s for s in doc.layer("attributions")}
    table = Table(title=f"Events ({len(spans)})", expand=True, show_lines=True)
    table.add_column("event", ratio=2, min_width=24)
    table.add_column("evidence", ratio=3, min_width=20)
    shown: tuple[int, int] | None = None
    for span in spans:
        evidence = (
            Text("(the same sentence)", style="dim")
            if (span.start, span.end) == shown
            else safe_text(doc.span_text(span), 240)
        )
        shown = (span.start, span.end)
        table.add_row(_event_facts(doc, span, by_id), evidence)
    return table


def _event_facts(doc: Document, event: Span, by_id: Mapping[str, Span]) -> Text:
    """An event's type and date, place, counts, actor, target and who claims it, a line each."""
    attrs = event.attrs
    facts = safe_text(event.label, 40)
    facts.stylize("bold")
    if attrs.get("date"):
        facts.append(" · ").append_text(safe_text(str(attrs["date"]), 40))
        _note_inferred(facts, date_provenance(attrs))
    place = attrs.get("place")
    if isinstance(place, Mapping) and place.get("name"):
        where = place_label(place) + (f" ({place['country']})" if place.get("country") else "")
        facts.append("\n").append_text(safe_text(where, 60))
        _note_inferred(facts, place_provenance(attrs))
    counts = attrs.get("counts")
    if isinstance(counts, Mapping) and counts:
        facts.append("\n").append_text(
            safe_text(", ".join(f"{k} {_count(v)}" for k, v in counts.items()), 80)
        )
    for role in ("actor", "target"):
        if attrs.get(role):
            facts.append(f"\n{role}: ", style="dim").append_text(safe_text(str(attrs[role]), 60))
    claimed = attrs.get("claimed_by")
    claimant = "author"
    if isinstance(claimed, str):
        claimant = (
            str(by_id[claimed].attrs.get("speaker") or claimed) if claimed in by_id else claimed
        )
    facts.append("\nclaimed by: ", style="dim").append_text(safe_text(claimant, 60))
    polarity = str(attrs.get("polarity") or "assert")
    if disputed_by_the_text(doc, event):
        # The claimer asserts; the article's own word ("Propaganda reports claimed") denies.
        facts.append(" · ").append("assert", style="green")
        facts.append(" · ").append("the text disputes it", style="bold red")
        return facts
    facts.append(" · ").append(polarity, style="bold red" if polarity == "deny" else "green")
    return facts


def _note_inferred(facts: Text, provenance: str | None) -> None:
    """Mark a place or date the event's own sentence does not state, so it is not read as one
    the text gives."""
    if provenance:
        facts.append(f" · {provenance}", style="dim italic")


def _count(value: object) -> str:
    """A count as written: a number, or a {min, max} range."""
    if isinstance(value, dict):
        low, high = value.get("min"), value.get("max")
        if low is not None and high is not None and low != high:
            return f"{low}-{high}"
        if high is None and low is not None:
            return f"{low}+"
        return str(low if low is not None else high)
    return str(value)


def _comment_flags(doc: Document) -> RenderableType | None:
    """Flagged reader comments (they never feed the article's scores)."""
    spans = doc.layer("comment_flags")
    if not spans:
        return None
    table = Table(title=f"Reader comments flagged ({len(spans)})", expand=True)
    table.add_column("flag", style="bold red", no_wrap=True)
    table.add_column("targets")
    table.add_column("comment", ratio=6)
    for span in spans:
        targets = span.attrs.get("targets")
        table.add_row(
            Text(span.label),
            safe_text(", ".join(str(t) for t in targets) if isinstance(targets, list) else ""),
            safe_text(doc.span_text(span), 200),
        )
    return table


def _trust(doc: Document) -> RenderableType | None:
    """The trust score with each model input's value, weight and contribution."""
    score = doc.scores.get("trust")
    if not score:
        return None
    value = score.get("value")
    head = Text(f"Trust: {value}", style="bold")
    if reading(value):
        head.append(f"  ({reading(value)})")
    # One name column, each component in bold over its inputs indented under it: with a column
    # for each, 80 columns had cut both to ten letters ("same_place…", "checkwort…").
    table = Table(expand=True, show_header=True)
    table.add_column("component / input", no_wrap=True, min_width=23)
    for column in ("value", "weight", "contribution", "evidence"):
        table.add_column(
            column,
            justify="right" if column in _NUMERIC_COLUMNS else "left",
            ratio=2 if column == "value" else None,
            no_wrap=column != "value",
        )
    for row in trust_rows(score):
        numbers = (safe_text(row.value, 60), safe_text(row.weight, 20))
        if row.component:
            name = safe_text(row.component)
            name.stylize("bold")
            spans = Text(_quantity(len(row.evidence), "span"))
            contribution = safe_text(row.contribution, 20)
            if row.input:  # a component of several inputs: its own row, then one per input
                table.add_row(name, Text(""), Text(""), contribution, spans)
            else:
                table.add_row(name, *numbers, contribution, spans)
                continue
        table.add_row(Text("  ").append_text(safe_text(row.input)), *numbers, Text(""), Text(""))
    return Group(head, table)


_NUMERIC_COLUMNS = frozenset({"value", "weight", "contribution"})
"""Columns of the trust table set right, as numbers are."""


LAYER_RENDERERS: dict[str, Callable[[Document], RenderableType | None]] = {
    "checkworthy": _checkworthy,
    "sections": _sections,
    "sentences": _sentences,
    "entities": _entities,
    "attributions": _claims,
    "propaganda": _techniques,
    "events": _events,
    "comment_flags": _comment_flags,
}
"""Layer name -> renderer, in report order. Later analyzers add their layers here."""


def render_document(doc: Document) -> RenderableType:
    """The whole report for one document."""
    parts: list[RenderableType] = [_header(doc)]
    for name, renderer in LAYER_RENDERERS.items():
        if name in doc.layers:
            rendered = renderer(doc)
            if rendered is not None:
                parts.append(rendered)
    others = [n for n in doc.layers if n not in LAYER_RENDERERS]
    if others:
        counts = ", ".join(f"{n}: {len(doc.layer(n))}" for n in others)
        parts.append(Text(f"other layers: {counts}", style="dim"))
    trust = _trust(doc)
    if trust is not None:
        parts.append(trust)
    for name, score in doc.scores.items():
        if name != "trust":
            parts.append(Text(f"{name}: {score.get('value')}", style="dim"))
    return Panel(Group(*parts), border_style="blue")


def print_documents(docs: Iterable[Document], console: Console) -> int:
    """Print each document's report; returns how many were printed."""
    count = 0
    for doc in docs:
        console.print(render_document(doc))
        count += 1
    return count


def section_summary(docs: Iterable[Document]) -> Counter[str]:
    """How many section spans of each label the documents hold."""
    counts: Counter[str] = Counter()
    for doc in docs:
        counts.update(span.label for span in doc.layer("sections"))
    return counts


def _quantity(number: int, noun: str) -> str:
    """ "1 span", "18 spans"."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
