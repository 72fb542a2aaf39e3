"""The terminal report of an analysed document (rich), safe against hostile article text.

Article and comment text is hostile input: it is always wrapped in `rich.text.Text` (never
parsed as console markup) and stripped of control characters (an ESC in a comment must not be
able to drive the user's terminal). Each layer has a small renderer; layers added by later
analyzers register theirs in `LAYER_RENDERERS`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from newsprism.document import Document

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


LAYER_RENDERERS: dict[str, Callable[[Document], RenderableType | None]] = {
    "sections": _sections,
    "sentences": _sentences,
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
    for name, score in doc.scores.items():
        parts.append(Text(f"{name}: {score.get('value')}"))
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
