"""The `sections.v1` analyzer: tile a document's text into title, byline, body, caption,
boilerplate and comment spans.

How it decides (rules in `section_rules.py`, line units in `section_lines.py`):

1. Reader hints in `meta["regions"]` (HTML readers mark comment threads and titles) are taken as
   given; only the stretches between them are sectioned.
2. Head zone: the first line is the title when it matches `meta.title`, or (with no title in the
   metadata) when it is shaped like a headline; then bylines, captions, image headings and
   repeated caption lines, until the first ordinary line.
3. Tail zone: the earliest strong boundary cue ("Originally published", "About the author",
   comment forms, "Leave a Comment", "N Comments", ...) after which little un-cued prose follows
   opens the tail. Its lines are boilerplate until a comment opener, after which they are reader
   comments, one span per comment (numbered items, "Name says:" headers, or paragraphs).
4. Between the zones everything is body except short lines with a strong cue (captions, "Share
   this", "Read more: ...") - the article itself is never cut on weak evidence.

Whitespace: each span owns its own indentation, its line break and the blank lines after it;
whitespace before the first line belongs to the first span (see `section_lines.py`). Every
character of the text is in exactly one span.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from newsprism.analyzers.section_lines import Line, split_lines
from newsprism.analyzers.section_rules import Rule, match_rule
from newsprism.config import SectionsOptions
from newsprism.document import Document, JSONValue, Span
from newsprism.registry import Analyzer, register

LABELS = ("title", "byline", "body", "caption", "boilerplate", "comment")
"""The labels of the `sections` layer (DESIGN.md)."""
NOT_ARTICLE = frozenset({"comment", "boilerplate"})
"""Section labels whose text is not the article's own: reader comments and page furniture. The
article's claims and scores (claim profile, technique density) leave them out."""


def section_at(doc: Document, position: int, labels: Collection[str] | None = None) -> str | None:
    """The label of the first section (of `labels`, when given) that holds character `position`,
    or None: `section_at(doc, i, NOT_ARTICLE) is None` when `i` is in the article's own text."""
    return next(
        (
            s.label
            for s in doc.layer("sections")
            if s.start <= position < s.end and (labels is None or s.label in labels)
        ),
        None,
    )


# Confidence of labels that no single rule decided (rules carry their own strength).
_BODY_SCORE = 0.9
_TITLE_META_SCORE = 0.95
_TITLE_SHAPE_SCORE = 0.7
_TAIL_ZONE_SCORE = 0.6
_COMMENT_STRUCTURED_SCORE = 0.9
_COMMENT_PARAGRAPH_SCORE = 0.7
_REGION_SCORE = 1.0
# Rules this strong name phrases that never occur in article prose ("Your email address will
# not be published", "This site uses Akismet", rating widgets): taken at any line length.
_UNMISTAKABLE = 0.97

# Bare "Comments" / "Discussion" headers open a comment section only when thread furniture
# (numbered items, "says:" lines, replies) follows or boilerplate precedes them.
_WEAK_COMMENT_HEADER = re.compile(r"^(?:comments?\s*(?:\(\d+\))?|discussion)\s*:?$", re.I)
_FOLD = re.compile(r"[^\w]+")


@dataclass(slots=True)
class _Piece:
    """A labelled stretch before it becomes a Span (mutable while the layer is assembled)."""

    start: int
    end: int
    label: str
    score: float
    attrs: dict[str, JSONValue] = field(default_factory=dict)
    blank: bool = False
    group: int | None = None
    """Pieces of one comment share a group, so that they merge into one span."""


# -- title ----------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case words joined by single spaces: punctuation and case do not decide a match."""
    return " ".join(_FOLD.sub(" ", text.casefold()).split())


def title_matches(line: str, title: str, min_ratio: float) -> bool:
    """True when `line` and `title` agree on at least `min_ratio` of the shorter one's start."""
    a, b = _fold(line), _fold(title)
    if not a or not b:
        return False
    shorter, longer = (a, b) if len(a) <= len(b) else (b, a)
    common = 0
    for x, y in zip(shorter, longer, strict=False):
        if x != y:
            break
        common += 1
    return common >= min_ratio * len(shorter) and len(shorter) >= 0.5 * len(longer)


def _ends_with_period(content: str) -> bool:
    """True for a line ending in a full stop (maybe inside closing quotes), not ! or ?."""
    return content.rstrip("\"'\u201d\u2019)]").endswith(".")


def _is_title(
    lines: Sequence[Line],
    rules: Sequence[Rule | None],
    meta_title: str | None,
    options: SectionsOptions,
) -> tuple[bool, float]:
    """Whether the first line is the title, and with what confidence."""
    first = lines[0]
    rule = rules[0]
    if not first.content or first.words > options.title_max_words:
        return False, 0.0
    # "Liberals Agree - Trump Tougher on Putin" has the shape of "Jane Doe - Reuters": only the
    # unambiguous head cues ("By ...", a bare date, a caption credit) rule out the title.
    if (
        rule is not None
        and rule.kind not in ("cue", "comment_shape")
        and rule.name != "name_outlet"
    ):
        return False, 0.0
    if meta_title:
        ok = title_matches(first.content, meta_title, options.title_match_min_ratio)
        return ok, _TITLE_META_SCORE
    if len(lines) < 2:
        return False, 0.0
    # A headline rarely ends in a full stop; a short one set off by a blank line may
    # ("America's Immigration Voice.").
    ok = (
        not _ends_with_period(first.content)
        or first.words <= options.caption_heading_max_words
        or (first.words <= options.byline_max_words and lines[1].blank_before)
    )
    return ok, _TITLE_SHAPE_SCORE


# -- head -----------------------------------------------------------------------------------


def _caption_like(line: Line, rule: Rule | None, options: SectionsOptions) -> bool:
    """A photo caption or image credit short enough not to be an article sentence."""
    return rule is not None and rule.kind == "caption" and line.words <= options.caption_max_words


def _caption_heading(
    index: int, lines: Sequence[Line], rules: Sequence[Rule | None], options: SectionsOptions
) -> bool:
    """A short unpunctuated line directly above a caption (image heading or alt text)."""
    line = lines[index]
    if line.words > options.caption_heading_max_words or line.ends_sentence:
        return False
    if rules[index] is not None or index + 1 >= len(lines):
        return False
    below = lines[index + 1]
    return not below.blank_before and _caption_like(below, rules[index + 1], options)


def _repeat_of_caption(index: int, lines: Sequence[Line], labels: Sequence[_Piece | None]) -> bool:
    """The same text as the line before, which is a caption (galleries repeat captions)."""
    if index == 0:
        return False
    previous = labels[index - 1]
    return (
        previous is not None
        and previous.label == "caption"
        and lines[index].content == lines[index - 1].content
    )


def _head_piece(
    index: int,
    lines: Sequence[Line],
    rules: Sequence[Rule | None],
    labels: Sequence[_Piece | None],
    options: SectionsOptions,
) -> _Piece | None:
    """The label of a head-zone line, or None when the line is the first of the body."""
    line, rule = lines[index], rules[index]
    if rule is not None:
        if rule.kind == "byline" and line.words <= options.byline_max_words:
            return _Piece(line.start, line.end, "byline", rule.strength, {"rule": rule.name})
        if _caption_like(line, rule, options):
            return _Piece(line.start, line.end, "caption", rule.strength, {"rule": rule.name})
        if _inline_boilerplate(line, rule, options):
            return _Piece(line.start, line.end, "boilerplate", rule.strength, {"rule": rule.name})
    if _repeat_of_caption(index, lines, labels):
        return _Piece(line.start, line.end, "caption", 0.85, {"rule": "repeated_caption"})
    if _caption_heading(index, lines, rules, options):
        return _Piece(line.start, line.end, "caption", 0.75, {"rule": "caption_heading"})
    return None


# -- tail -----------------------------------------------------------------------------------


def _opens_comments(index: int, lines: Sequence[Line], rules: Sequence[Rule | None]) -> bool:
    """A line after which reader comments follow: a comment header, "Name says:", or item 1
    of a numbered run right after boilerplate."""
    rule = rules[index]
    if rule is not None and rule.kind == "comment_boundary":
        return True
    if rule is not None and rule.name == "says":
        return True
    if lines[index].number == 1 and index > 0:
        before = rules[index - 1]
        return before is not None and before.kind in ("boundary", "comment_boundary", "cue")
    return False


def _find_tail(
    lines: Sequence[Line], rules: Sequence[Rule | None], body_start: int, options: SectionsOptions
) -> tuple[int, int | None]:
    """(first tail line, first comment line or None); (len(lines), None) when there is no tail.

    Candidates are tried earliest first. One is taken when the un-cued words between it and the
    comment section (or the end) stay within `tail_max_uncued_words` and within the words of
    article before it: a tail is never larger than the article it follows, so a site widget
    near the top cannot swallow a short article. Suffix sums keep this linear even when
    thousands of lines carry cues.
    """
    n = len(lines)
    uncued_after = [0] * (n + 1)
    shapes_after = [False] * (n + 1)
    next_opener: list[int | None] = [None] * (n + 1)
    for k in range(n - 1, -1, -1):
        line, rule = lines[k], rules[k]
        uncued_after[k] = uncued_after[k + 1] + (line.words if rule is None else 0)
        shaped = line.number is not None or (rule is not None and rule.kind == "comment_shape")
        shapes_after[k] = shapes_after[k + 1] or shaped
        next_opener[k] = k if _opens_comments(k, lines, rules) else next_opener[k + 1]
    article_words = 0
    for k in range(body_start, n):
        rule = rules[k]
        budget = min(options.tail_max_uncued_words, article_words)
        article_words += lines[k].words
        if rule is None or rule.kind not in ("boundary", "comment_boundary"):
            continue
        if _inline_promo(lines[k], rule):
            continue
        opener = next_opener[k]
        if opener is not None:
            weak_header = bool(_WEAK_COMMENT_HEADER.match(lines[opener].content))
            credible = opener > k or not weak_header or shapes_after[opener + 1]
            if credible:
                if uncued_after[k] - uncued_after[opener] <= budget:
                    return k, opener
                continue
        if uncued_after[k] <= budget:
            return k, None
    return n, None


_PROMO = re.compile(r"^[^:]{1,30}:\s*\S+(?:\s+\S+)+")


def _inline_promo(line: Line, rule: Rule) -> bool:
    """A link to another story set inside the article ("READ MORE: Why is Russia in Syria?"):
    inline boilerplate, not the start of the page's tail (the story goes on after it)."""
    return rule.name == "related" and _PROMO.match(line.content) is not None


def _tail_pieces(
    lines: Sequence[Line], rules: Sequence[Rule | None], start: int, opener: int | None
) -> list[_Piece]:
    """Label the tail zone: boilerplate (and captions) up to the opener, comments after it."""
    pieces: list[_Piece] = []
    comment_lines: list[int] = []
    for k in range(start, len(lines)):
        line, rule = lines[k], rules[k]
        in_comments = opener is not None and k >= opener
        if in_comments and (rule is None or rule.kind not in ("boundary", "comment_boundary")):
            pieces.append(_Piece(line.start, line.end, "comment", _COMMENT_PARAGRAPH_SCORE))
            comment_lines.append(len(pieces) - 1)
        elif rule is not None and rule.kind == "caption" and not in_comments:
            pieces.append(
                _Piece(line.start, line.end, "caption", rule.strength, {"rule": rule.name})
            )
        elif rule is not None and rule.name == "credits" and not in_comments:
            # Who reported, wrote and edited the story: its byline, at its end.
            pieces.append(
                _Piece(line.start, line.end, "byline", rule.strength, {"rule": "credits"})
            )
        elif rule is not None and rule.kind != "byline" and rule.kind != "comment_shape":
            pieces.append(
                _Piece(line.start, line.end, "boilerplate", rule.strength, {"rule": rule.name})
            )
        else:
            pieces.append(
                _Piece(line.start, line.end, "boilerplate", _TAIL_ZONE_SCORE, {"rule": "tail_zone"})
            )
    if opener is not None:
        _group_comments(
            pieces,
            [lines[start + p] for p in range(len(pieces))],
            [rules[start + p] for p in range(len(pieces))],
        )
    return pieces


def _group_comments(
    pieces: list[_Piece], lines: Sequence[Line], rules: Sequence[Rule | None]
) -> None:
    """Split the comment lines into comments (sets `group`, `score` and `attrs` in place).

    A comment starts at the next number of a numbered run (1, 2, 3, ...: other numbers are list
    items inside a comment), at a "Name says:" header, after a "Reply" line, or after a
    boilerplate line. With no such structure, each paragraph (after a blank line) is a comment.
    """
    indices = [i for i, p in enumerate(pieces) if p.label == "comment"]
    if not indices:
        return
    numbered = any(lines[i].number == 1 for i in indices)
    names = {_rule_name(rules[i]) for i in indices}
    structured = numbered or "says" in names or "reply" in names
    expected = 1
    group = 0
    previous: int | None = None
    # The first comment is named after the structure that splits the thread.
    how = (
        "numbered"
        if numbered
        else "says"
        if "says" in names
        else "reply"
        if structured
        else ("paragraph")
    )
    for i in indices:
        line = lines[i]
        name = _rule_name(rules[i])
        starts = previous is None or previous != i - 1
        if numbered and line.number == expected:
            starts, how = True, "numbered"
            expected += 1
        elif name == "says":
            starts, how = True, "says"
        elif previous is not None and _rule_name(rules[previous]) == "reply":
            starts, how = True, "reply"
        elif not structured and line.blank_before:
            starts, how = True, "paragraph"
        elif starts:
            how = "after_boilerplate" if previous is not None else how
        if starts:
            group += 1
        piece = pieces[i]
        piece.group = group
        piece.score = _COMMENT_STRUCTURED_SCORE if structured else _COMMENT_PARAGRAPH_SCORE
        piece.attrs = {"rule": how}
        previous = i


def _rule_name(rule: Rule | None) -> str:
    """The rule's name, or "" for an un-cued line."""
    return rule.name if rule is not None else ""


# -- body -----------------------------------------------------------------------------------


def _body_piece(
    index: int,
    lines: Sequence[Line],
    rules: Sequence[Rule | None],
    labels: Sequence[_Piece | None],
    options: SectionsOptions,
) -> _Piece:
    """A line inside the article: body unless a strong cue marks a short caption/boilerplate."""
    line, rule = lines[index], rules[index]
    if _caption_like(line, rule, options):
        assert rule is not None
        return _Piece(line.start, line.end, "caption", rule.strength, {"rule": rule.name})
    if _inline_boilerplate(line, rule, options):
        assert rule is not None
        return _Piece(line.start, line.end, "boilerplate", rule.strength, {"rule": rule.name})
    if _repeat_of_caption(index, lines, labels):
        return _Piece(line.start, line.end, "caption", 0.85, {"rule": "repeated_caption"})
    if _caption_heading(index, lines, rules, options):
        return _Piece(line.start, line.end, "caption", 0.75, {"rule": "caption_heading"})
    return _Piece(line.start, line.end, "body", _BODY_SCORE)


def _inline_boilerplate(line: Line, rule: Rule | None, options: SectionsOptions) -> bool:
    """Boilerplate that may be cut from inside the article: a strong cue on a short line, or
    one of the unmistakable site phrases (comment forms, rating widgets) at any length."""
    if rule is None or rule.kind != "boundary":
        return False
    return line.words <= options.inline_boilerplate_max_words or rule.strength >= _UNMISTAKABLE


def _trailing_cues(
    lines: Sequence[Line], rules: Sequence[Rule | None], body_start: int, options: SectionsOptions
) -> int:
    """Index of the first of the cued lines that end the text (credits, bios, share lines)."""
    k = len(lines)
    while k > body_start:
        line, rule = lines[k - 1], rules[k - 1]
        if rule is None:
            break
        short_cue = rule.kind == "cue" and line.words < options.prose_min_words
        if not (rule.kind == "boundary" or short_cue or _caption_like(line, rule, options)):
            break
        k -= 1
    return k


# -- one stretch ----------------------------------------------------------------------------


def _section_stretch(
    lines: Sequence[Line],
    options: SectionsOptions,
    meta_title: str | None,
    at_head: bool,
    allow_title: bool,
) -> list[_Piece]:
    """Label every line unit of one stretch of text (between reader regions)."""
    n = len(lines)
    if n == 1 and not lines[0].content:
        return [_Piece(lines[0].start, lines[0].end, "body", _BODY_SCORE, blank=True)]
    rules = [match_rule(line.content, line.words) for line in lines]
    labels: list[_Piece | None] = [None] * n
    index = 0
    if at_head:
        if allow_title:
            is_title, score = _is_title(lines, rules, meta_title, options)
            if is_title:
                first = lines[0]
                source = "meta_title" if meta_title else "first_line"
                labels[0] = _Piece(first.start, first.end, "title", score, {"rule": source})
                index = 1
        scanned = 0
        while index < n and scanned < options.head_max_lines:
            piece = _head_piece(index, lines, rules, labels, options)
            if piece is None:
                break
            labels[index] = piece
            index += 1
            scanned += 1
    body_start = index
    tail_start, opener = _find_tail(lines, rules, body_start, options)
    if tail_start == n:
        tail_start = _trailing_cues(lines, rules, body_start, options)
    for k in range(body_start, tail_start):
        labels[k] = _body_piece(k, lines, rules, labels, options)
    for k, piece in enumerate(_tail_pieces(lines, rules, tail_start, opener), start=tail_start):
        labels[k] = piece
    return [piece for piece in labels if piece is not None]


# -- the layer ------------------------------------------------------------------------------


def _regions(meta: Mapping[str, Any], size: int) -> list[tuple[int, int, str]]:
    """Reader hints `[{"start", "end", "label"}]`: valid, clipped, sorted, non-overlapping."""
    raw = meta.get("regions")
    if not isinstance(raw, Sequence) or isinstance(raw, str):
        return []
    found: list[tuple[int, int, str]] = []
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        start, end, label = item.get("start"), item.get("end"), item.get("label")
        if not isinstance(start, int) or not isinstance(end, int) or label not in LABELS:
            continue
        start, end = max(0, start), min(size, end)
        if start < end:
            found.append((start, end, str(label)))
    found.sort()
    kept: list[tuple[int, int, str]] = []
    for start, end, label in found:
        if kept and start < kept[-1][1]:
            continue  # overlapping hints: the earlier one wins, so the layer still tiles
        kept.append((start, end, label))
    return kept


def _assemble(pieces: list[_Piece]) -> list[Span]:
    """Fold whitespace-only stretches into a neighbour, merge runs, number the comments."""
    solid: list[_Piece] = []
    pending_start: int | None = None
    for piece in pieces:
        if piece.blank:
            if solid:
                solid[-1].end = piece.end
            elif pending_start is None:
                pending_start = piece.start
            continue
        if pending_start is not None:
            piece.start, pending_start = pending_start, None
        solid.append(piece)
    if pending_start is not None:  # the whole text is whitespace
        end = pieces[-1].end
        return [Span(pending_start, end, "body", 0.5, {"rule": "whitespace"})]
    merged: list[_Piece] = []
    for piece in solid:
        last = merged[-1] if merged else None
        same_comment = (
            last is not None
            and piece.label == "comment" == last.label
            and piece.group is not None
            and piece.group == last.group
        )
        same_run = (
            last is not None and piece.label == last.label and piece.label in ("body", "title")
        )
        if last is not None and (same_comment or same_run):
            last.end = piece.end
            last.score = min(last.score, piece.score)
            continue
        merged.append(piece)
    spans: list[Span] = []
    comment_index = 0
    for piece in merged:
        attrs = dict(piece.attrs)
        if piece.label == "comment":
            comment_index += 1
            attrs["index"] = comment_index
        spans.append(Span(piece.start, piece.end, piece.label, round(piece.score, 3), attrs))
    return spans


def section_spans(
    text: str, meta: Mapping[str, Any] | None = None, options: SectionsOptions | None = None
) -> list[Span]:
    """The `sections` spans of `text`: they tile `[0, len(text))` (none for empty text).

    `meta` may hold `title` (the first line is the title only when it matches) and `regions`
    (reader hints honoured as given).
    """
    meta = meta or {}
    options = options or SectionsOptions()
    size = len(text)
    if size == 0:
        return []
    raw_title = meta.get("title")
    meta_title = raw_title if isinstance(raw_title, str) and raw_title.strip() else None
    regions = _regions(meta, size)
    allow_title = not any(label == "title" for _, _, label in regions)
    pieces: list[_Piece] = []
    position = 0
    seen_text = False
    for start, end, label in [*regions, (size, size, "")]:
        if position < start:
            lines = split_lines(text, position, start)
            at_head = not seen_text
            stretch = _section_stretch(lines, options, meta_title, at_head, allow_title)
            pieces.extend(stretch)
            seen_text = seen_text or any(not p.blank and p.label != "title" for p in stretch)
        if start < end:
            pieces.append(
                _Piece(
                    start,
                    end,
                    label,
                    _REGION_SCORE,
                    {"rule": "reader_region"},
                    group=-1 - len(pieces),
                )
            )
            seen_text = seen_text or label not in ("title", "byline")
        position = max(position, end)
    return _assemble(pieces)


@register
class SectionsAnalyzer(Analyzer):
    """Marks title, byline, body, caption, boilerplate and each reader comment."""

    name = "sections.v1"
    requires = ()
    produces = ("sections",)

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `sections` layer."""
        return doc.with_layer("sections", section_spans(doc.text, doc.meta, self.config.sections))
