"""Split a stretch of text into line units that tile it, with the shape features the rules read.

Whitespace convention (the `sections` layer relies on it): a unit starts at the start of a
non-blank line (so it owns that line's indentation) and runs to the start of the next non-blank
line (so it owns its line break and any blank lines after it). Whitespace before the first
non-blank line of a stretch belongs to the first unit. A stretch holding only whitespace is one
unit with empty `content`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERED = re.compile(r"(\d{1,3})[.)]\s+\S")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")


@dataclass(frozen=True, slots=True)
class Line:
    """One non-blank line and the whitespace it owns: `[start, end)` of the document text."""

    start: int
    end: int
    content: str
    """The line without its indentation and trailing whitespace."""
    indent: int
    """Leading spaces and tabs (a tab counts as four)."""
    blank_before: bool
    """True when a blank line separates this line from the previous one in the stretch."""
    words: int
    number: int | None
    """The item number of a numbered line ("  3. text"), else None."""

    @property
    def ends_sentence(self) -> bool:
        """True when the content ends like a sentence (full stop, ! or ?, maybe a closing quote)."""
        return bool(_SENTENCE_END.search(self.content))


def _indent_width(prefix: str) -> int:
    """Width of leading whitespace, a tab counting as four columns."""
    return sum(4 if ch == "\t" else 1 for ch in prefix)


def split_lines(text: str, start: int, end: int) -> list[Line]:
    """The units tiling `text[start:end]` (an empty list only when the stretch is empty)."""
    if start >= end:
        return []
    units: list[Line] = []
    position = start
    pending_blank = False
    lead_start: int | None = None
    for raw in text[start:end].splitlines(keepends=True):
        line_start = position
        position += len(raw)
        stripped = raw.strip()
        if not stripped:
            if units:
                previous = units[-1]
                units[-1] = Line(
                    previous.start,
                    position,
                    previous.content,
                    previous.indent,
                    previous.blank_before,
                    previous.words,
                    previous.number,
                )
            elif lead_start is None:
                lead_start = line_start
            pending_blank = True
            continue
        body = raw.rstrip()
        lstripped = body.lstrip()
        indent = _indent_width(body[: len(body) - len(lstripped)])
        numbered = _NUMBERED.match(lstripped)
        units.append(
            Line(
                start=lead_start if lead_start is not None and not units else line_start,
                end=position,
                content=stripped,
                indent=indent,
                blank_before=pending_blank and bool(units),
                words=len(stripped.split()),
                number=int(numbered.group(1)) if numbered else None,
            )
        )
        pending_blank = False
    if not units:
        return [Line(start, end, "", 0, False, 0, None)]
    return units
