"""Split a document into sentences and paragraphs, never across a section, a blank line or a line.

How a text is cut (the rule the `sentences.v1` layer follows):

1. Regions. The `sections` layer cuts the text at every section start and end; each piece is split
   on its own, so no sentence or paragraph crosses a section boundary. Text no section covers is
   still split (its spans carry `"section": null`).
2. Blocks. Inside a region, blank lines (lines holding only whitespace) separate blocks; nothing
   crosses a blank line.
3. Lines. In news laid out one paragraph (or one sentence) per line, as in the seeds, PTC and
   reader comments, a single newline ends a sentence. A block is instead read as hard-wrapped
   prose, and its newlines as spaces, when every line but the last is 30-100 characters long and
   at least half of its line breaks follow a line without end punctuation (thresholds in
   defaults.toml [sentences]). Such a block is one "run"; otherwise every line is a run.
4. Sentences. A run with no end punctuation followed by a space inside it is one sentence (the
   common case in PTC, and much cheaper than pysbd), cut only past `max_sentence_chars`. Other
   runs go to pysbd, which knows "Maj. Gen.", "U.S.", "Oct. 3", "No. 5" and "p.m."; its offsets
   are recomputed here over the original text (its own `char_span` is wrong on repeated
   sentences), long runs are cut first because
   pysbd's cost grows with the square of a call's sentences, and three of its habits are fixed:
   closing quotes it starts the next sentence with go back to the sentence they close, pieces
   without a letter or digit join the sentence before them, and a sentence-final "Inc." or
   "U.S." followed by a typical sentence opener ("He", "The") ends the sentence.
5. Paragraphs are the blocks, or, in a region without any blank line inside it (a body laid out
   one paragraph per line, a comment), the runs: one paragraph per line. All spans are trimmed
   of surrounding whitespace (and BOM/zero-width characters).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from itertools import pairwise
from typing import Any

from newsprism.config import Config, SentencesOptions
from newsprism.document import Document, Span
from newsprism.registry import Analyzer, register

Range = tuple[int, int]

# Line terminators, as `str.splitlines` knows them (CRLF first so it counts as one break).
_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Characters trimmed off span edges: whitespace plus the invisible BOM / zero-width marks, which
# `str.isspace` does not count (PTC files start with U+FEFF).
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
# End punctuation, optionally followed by closing quotes or brackets, at a line's end.
_LINE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*\s*$")
# A possible sentence boundary inside a run: end punctuation, closers, then whitespace.
_CANDIDATE = re.compile(r"[.!?…][\"'”’»)\]]*\s")
# Where a long run may be cut before pysbd sees it: a boundary followed by a likely opener.
_CUT = re.compile(r"[.!?…][\"'”’»)\]]*\s+(?=[\"'“‘(\[A-Z0-9])")
# Closing quotes/brackets that pysbd sometimes puts at the start of the next sentence.
_LEADING_CLOSERS = re.compile(r"[\"'”’»)\]]+(?=\s|$)|[”»)\]]+")
# Sentence-final abbreviations pysbd keeps inside a sentence ("... at Acme Inc. He said ...").
_FINAL_ABBREV = re.compile(
    r"(?:\b(?:[A-Z]\.){2,}|\b[ap]\.m\.|\betc\.|\b(?:Inc|Ltd|Co|Corp|Jr|Sr)\.)[\"'”’)]*"
    r"(\s+)(?=(?:The|He|She|It|They|We|But|This|That|These|Those|There|His|Her|Their|Its|Our"
    r"|In|On|After|When|While|Meanwhile|However)\b)"
)
_ALNUM = re.compile(r"\w")
_NEWLINES_TO_SPACES = {ord(c): " " for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"}


def _is_blank(text: str, start: int, end: int) -> bool:
    """True when `text[start:end]` holds only whitespace and invisible marks."""
    return not text[start:end].strip().strip(_INVISIBLE).strip()


def _trim(text: str, start: int, end: int) -> Range:
    """`[start, end)` without surrounding whitespace and invisible marks (empty when nothing)."""
    while start < end and (text[start].isspace() or text[start] in _INVISIBLE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _INVISIBLE):
        end -= 1
    return start, end


def _lines(text: str, start: int, end: int) -> list[Range]:
    """The lines of `text[start:end]`, without their terminators."""
    out: list[Range] = []
    position = start
    for match in _BREAK.finditer(text, start, end):
        out.append((position, match.start()))
        position = match.end()
    out.append((position, end))
    return out


def _blocks(text: str, start: int, end: int) -> list[list[Range]]:
    """Groups of consecutive non-blank lines (blank lines separate them)."""
    blocks: list[list[Range]] = []
    current: list[Range] = []
    for line in _lines(text, start, end):
        if _is_blank(text, *line):
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(_trim(text, *line))
    if current:
        blocks.append(current)
    return blocks


def is_hard_wrapped(text: str, lines: Sequence[Range], options: SentencesOptions) -> bool:
    """True when a block's lines look like prose wrapped at a fixed width (see module docstring)."""
    if len(lines) < 2:
        return False
    for start, end in lines[:-1]:
        if not options.wrap_min_chars <= end - start <= options.wrap_max_chars:
            return False
    open_ends = sum(1 for s, e in lines[:-1] if not _LINE_END.search(text, s, e))
    return open_ends >= options.wrap_min_open_ratio * (len(lines) - 1) and open_ends > 0


def _runs(text: str, block: Sequence[Range], options: SentencesOptions) -> list[Range]:
    """The stretches of a block in which sentences are looked for (whole block or each line)."""
    if is_hard_wrapped(text, block, options):
        return [(block[0][0], block[-1][1])]
    return list(block)


class _CachedRe:
    """Stands in for the `re` module inside pysbd: the same calls, with compiled patterns cached.

    pysbd builds two patterns per abbreviation found in a text (188 abbreviations, many of them
    substrings of any sentence: "a", "no", "co") and passes them to `re.sub`/`re.findall` as
    strings; they overflow `re`'s 512-entry cache, so every call recompiled hundreds of patterns.
    A private cache of compiled patterns, plus skipping `Segmenter.segment`'s span search, took
    the whole analyzer from ~70 to ~230 PTC articles/s (process time, 2-core machine).
    """

    def __getattr__(self, name: str) -> Any:
        return getattr(re, name)

    @staticmethod
    @lru_cache(maxsize=8192)
    def compile(pattern: Any, flags: int = 0) -> re.Pattern[str]:
        return re.compile(pattern, flags)

    def sub(self, pattern: Any, repl: Any, string: str, count: int = 0, flags: int = 0) -> str:
        return self.compile(pattern, flags).sub(repl, string, count)

    def findall(self, pattern: Any, string: str, flags: int = 0) -> list[Any]:
        return self.compile(pattern, flags).findall(string)

    def finditer(self, pattern: Any, string: str, flags: int = 0) -> Iterator[re.Match[str]]:
        return self.compile(pattern, flags).finditer(string)

    def search(self, pattern: Any, string: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).search(string)

    def match(self, pattern: Any, string: str, flags: int = 0) -> re.Match[str] | None:
        return self.compile(pattern, flags).match(string)

    def split(self, pattern: Any, string: str, maxsplit: int = 0, flags: int = 0) -> list[Any]:
        return self.compile(pattern, flags).split(string, maxsplit)


@lru_cache(maxsize=1)
def _segmenter() -> Any:
    """One pysbd segmenter per process, its modules using the cached `re` stand-in."""
    import sys

    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False, char_span=False)
    shim = _CachedRe()
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("pysbd") and getattr(module, "re", None) is re:
            module.re = shim  # type: ignore[attr-defined]
    return segmenter


def _chunks(text: str, start: int, end: int, max_chars: int) -> Iterator[Range]:
    """Cut `[start, end)` into pieces of at most `max_chars`, at likely boundaries if possible."""
    while end - start > max_chars:
        limit = start + max_chars
        cut = -1
        for match in _CUT.finditer(text, start + max_chars // 4, limit):
            cut = match.end()
        if cut < 0:
            space = max(text.rfind(" ", start + 1, limit), text.rfind("\t", start + 1, limit))
            cut = space + 1 if space > start else limit
        yield start, cut
        start = cut
    if start < end:
        yield start, end


def _align(text: str, start: int, end: int, pieces: Sequence[str]) -> list[Range] | None:
    """Offsets of pysbd's `pieces` in `text[start:end]`, matched by non-space characters.

    Returns None when the pieces are not the region's characters in order (pysbd rewrote them).
    """
    out: list[Range] = []
    position = start
    for piece in pieces:
        wanted = [c for c in piece if not c.isspace()]
        if not wanted:
            continue
        first = -1
        for char in wanted:
            while position < end and text[position].isspace():
                position += 1
            if position >= end or text[position] != char:
                return None
            if first < 0:
                first = position
            position += 1
        out.append((first, position))
    return out


def _pysbd_ranges(text: str, start: int, end: int) -> list[Range]:
    """Sentence ranges of one piece from pysbd, mapped back onto the original text."""
    piece = text[start:end].translate(_NEWLINES_TO_SPACES)
    # The processor alone: `Segmenter.segment` then searches each sentence back in the text with
    # a freshly compiled regex (a third of pysbd's time, and wrong on repeats); `_align` does
    # that job here in one linear pass.
    segmenter = _segmenter()
    segments: list[str] = segmenter.processor(piece).process()
    aligned = _align(text, start, end, segments)
    if aligned is None:
        # pysbd changed characters: fall back to the plain punctuation rule for this piece.
        aligned = _regex_ranges(text, start, end)
    return aligned


def _regex_ranges(text: str, start: int, end: int) -> list[Range]:
    """Split at every end punctuation followed by whitespace and a likely sentence opener."""
    out: list[Range] = []
    position = start
    for match in _CUT.finditer(text, start, end):
        out.append((position, match.end()))
        position = match.end()
    out.append((position, end))
    return out


def _repair(text: str, ranges: list[Range]) -> list[Range]:
    """Trim, give leading closers back, merge letterless pieces, split at final abbreviations."""
    fixed: list[Range] = []
    for raw_start, raw_end in ranges:
        start, end = _trim(text, raw_start, raw_end)
        if start >= end:
            continue
        if fixed:
            closers = _LEADING_CLOSERS.match(text, start, end)
            if closers:
                fixed[-1] = (fixed[-1][0], closers.end())
                start, end = _trim(text, closers.end(), end)
                if start >= end:
                    continue
            if not _ALNUM.search(text, start, end):
                fixed[-1] = (fixed[-1][0], end)
                continue
        fixed.append((start, end))
    out: list[Range] = []
    for start, end in fixed:
        position = start
        for match in _FINAL_ABBREV.finditer(text, start, end):
            out.append((position, match.start(1)))
            position = match.end(1)
        out.append((position, end))
    return out


def sentence_ranges(
    text: str, start: int, end: int, options: SentencesOptions | None = None
) -> list[Range]:
    """Sentence `(start, end)` offsets inside `text[start:end]` (one region: no section cuts)."""
    options = options or SentencesOptions()
    out: list[Range] = []
    for block in _blocks(text, start, end):
        for run_start, run_end in _runs(text, block, options):
            if not _CANDIDATE.search(text, run_start, run_end):
                # One sentence, unless it is longer than any sentence (a hostile or broken run).
                pieces = _chunks(text, run_start, run_end, options.max_sentence_chars)
                out.extend(r for r in (_trim(text, a, b) for a, b in pieces) if r[0] < r[1])
                continue
            ranges: list[Range] = []
            for piece in _chunks(text, run_start, run_end, options.pysbd_max_chars):
                if _CANDIDATE.search(text, *piece):
                    ranges.extend(_pysbd_ranges(text, *piece))
                else:
                    ranges.append(piece)
            out.extend(_repair(text, ranges))
    return out


def paragraph_ranges(
    text: str, start: int, end: int, per_line: bool, options: SentencesOptions | None = None
) -> list[Range]:
    """Paragraph offsets in one region: blank-line blocks, or runs when `per_line`."""
    options = options or SentencesOptions()
    out: list[Range] = []
    for block in _blocks(text, start, end):
        if per_line:
            out.extend(_runs(text, block, options))
        else:
            out.append((block[0][0], block[-1][1]))
    return out


def has_blank_line(text: str, start: int = 0, end: int | None = None) -> bool:
    """True when a line of `text[start:end]` between two non-blank lines is blank."""
    lines = _lines(text, start, len(text) if end is None else end)
    inner = [line for line in lines if not _is_blank(text, *line)]
    if len(inner) < 2:
        return False
    first, last = inner[0][0], inner[-1][1]
    return any(_is_blank(text, s, e) for s, e in lines if first <= s and e <= last)


def section_regions(text: str, sections: Sequence[Span]) -> list[tuple[int, int, str | None]]:
    """`(start, end, section id)` pieces: the text cut at every section start and end.

    A piece covered by several (nested) sections belongs to the shortest one; a piece no section
    covers gets None, so no text is silently dropped.
    """
    cuts = {0, len(text)}
    for span in sections:
        cuts.add(span.start)
        cuts.add(span.end)
    by_start = sorted(sections, key=lambda s: s.start)
    active: list[Span] = []
    next_index = 0
    out: list[tuple[int, int, str | None]] = []
    # A sweep over the cut points: every section end is a cut point, so a section still open at
    # `start` covers the whole piece up to the next cut. Linear in practice (few sections overlap).
    for start, end in pairwise(sorted(cuts)):
        while next_index < len(by_start) and by_start[next_index].start <= start:
            active.append(by_start[next_index])
            next_index += 1
        active = [s for s in active if s.end > start]
        owner = min(active, key=lambda s: s.length).id if active else None
        out.append((start, end, owner))
    return out


def split_document(doc: Document, options: SentencesOptions | None = None) -> Document:
    """`doc` with `sentences` and `paragraphs` layers, cut within its `sections` layer."""
    options = options or SentencesOptions()
    text = doc.text
    sentences: list[Span] = []
    paragraphs: list[Span] = []
    for start, end, section in section_regions(text, doc.layer("sections")):
        if _is_blank(text, start, end):
            continue
        attrs = {"section": section}
        per_line = not has_blank_line(text, start, end)
        for s, e in sentence_ranges(text, start, end, options):
            sentences.append(Span(s, e, "sentence", attrs=attrs))
        for s, e in paragraph_ranges(text, start, end, per_line, options):
            paragraphs.append(Span(s, e, "paragraph", attrs=attrs))
    return doc.with_layer("sentences", sentences).with_layer("paragraphs", paragraphs)


@register
class SentencesAnalyzer(Analyzer):
    """Sentences and paragraphs within sections (pysbd inside lines; see the module docstring)."""

    name = "sentences.v1"
    requires = ("sections",)
    produces = ("sentences", "paragraphs")
    model_version = "pysbd-0.3.4"

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.options = config.sentences

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `sentences` and `paragraphs` layers."""
        return split_document(doc, self.options)
