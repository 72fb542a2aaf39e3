"""Export attributions (and entities) as brat stand-off files in PolNeAR's shape.

For each document: `<id>.txt` (the text, byte for byte) and `<id>.ann` with `T` lines for
Source, Cue, Content and an Attribution trigger on the cue, joined by an `E` line
(`E1  Attribution:T4 Content:T3 Cue:T2 Source:T1`). brat spans may not cross a line break, so a
span over several lines is written as discontinuous fragments split at the breaks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from newsprism.document import Document

_UNSAFE = re.compile(r"[^\w.-]+")


def safe_name(doc_id: str) -> str:
    """A file name for a document id (path separators and odd characters replaced)."""
    name = _UNSAFE.sub("_", doc_id).strip("._")
    return name[:150] or "document"


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """`[start, end)` cut at line breaks, each piece without surrounding whitespace."""
    out = []
    position = start
    for piece in re.split(
        r"(\r\n|\r|\n|\u2028|\u2029|\x0b|\x0c|\x1c|\x1d|\x1e|\x85)", text[start:end]
    ):
        piece_start, piece_end = position, position + len(piece)
        position = piece_end
        stripped = piece.strip()
        if not stripped:
            continue
        left = piece_start + (len(piece) - len(piece.lstrip()))
        out.append((left, left + len(stripped)))
    return out


def _t_line(index: int, label: str, text: str, start: int, end: int) -> str | None:
    parts = fragments(text, start, end)
    if not parts:
        return None
    offsets = ";".join(f"{s} {e}" for s, e in parts)
    covered = " ".join(text[s:e] for s, e in parts)
    return f"T{index}\t{label} {offsets}\t{covered}"


def document_ann(doc: Document, entities: bool = True) -> str:
    """The `.ann` content for one document."""
    lines: list[str] = []
    t_count = 0
    e_count = 0

    def add(label: str, start: int, end: int) -> str | None:
        nonlocal t_count
        line = _t_line(t_count + 1, label, doc.text, start, end)
        if line is None:
            return None
        t_count += 1
        lines.append(line)
        return f"T{t_count}"

    for span in doc.layer("attributions"):
        attrs = span.attrs
        roles: list[tuple[str, str]] = []
        source = attrs.get("source")
        if source:
            ref = add("Source", int(source[0]), int(source[1]))
            if ref:
                roles.append(("Source", ref))
        cue = attrs.get("cue") or [span.start, span.start]
        cue_ref = add("Cue", int(cue[0]), int(cue[1]))
        content = attrs.get("content") or [span.start, span.end]
        content_ref = add("Content", int(content[0]), int(content[1]))
        trigger = add("Attribution", int(cue[0]), int(cue[1]))
        if cue_ref is None or content_ref is None or trigger is None:
            continue
        roles = [("Content", content_ref), ("Cue", cue_ref), *roles]
        e_count += 1
        args = " ".join(f"{role}:{ref}" for role, ref in roles)
        lines.append(f"E{e_count}\tAttribution:{trigger} {args}")
    if entities:
        for span in doc.layer("entities"):
            add(span.label, span.start, span.end)
    return "\n".join(lines) + ("\n" if lines else "")


def export_brat(docs: Iterable[Document], out_dir: Path, entities: bool = True) -> int:
    """Write `<id>.txt` and `<id>.ann` per document into `out_dir`; returns documents written.

    The text is written with `newline=""` so brat's character offsets match ours exactly.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    count = 0
    used: set[str] = set()
    for doc in docs:
        name = safe_name(doc.id)
        base, n = name, 1
        while name in used:
            n += 1
            name = f"{base}_{n}"
        used.add(name)
        with (out_dir / f"{name}.txt").open("w", encoding="utf-8", newline="") as handle:
            handle.write(doc.text)
        with (out_dir / f"{name}.ann").open("w", encoding="utf-8", newline="") as handle:
            handle.write(document_ann(doc, entities))
        count += 1
    return count
