"""Quotations whose speaker the text names right beside them, found by their shape.

The attribution tagger misses some of the plainest attributions: a quotation closed by its
speaker and a speech verb ("'It's a dog whistle,' Rep. Gwen Moore (D-Wis.) said Friday."), the
verb first ("..., said Mr. Barrett"), or a reader's quote signed with a dash ("'Maybe we can
build a wall around him.' ― Steve Quinlan"). The shape fixes content, cue and source; the caller
keeps only those no tagged attribution already covers.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

_QUOTE = re.compile(r"(?:“|``|''|\"|(?<![^\n])”)(?P<q>[^“”\"`\n]{3,1500}?)(?:”|''|\")")
"""One quotation on one line (the wire's doubled apostrophes count as quote marks, and so does a
closing mark that opens a line, as pasted reader quotes have it; a backtick ends the search, so
a line of unclosed "``" costs one pass, not one per mark)."""
_VERBS = (
    r"said|says|added|adds|told|asked|wrote|writes|explained|recalled|continued|insisted|"
    r"argued|noted|stressed|declared|warned|remarked|replied|responded|tweeted"
)
_NAME = r"(?:[A-Z][\w.'’-]*|\([A-Z][\w.-]*\))"
_SOURCE_FIRST = re.compile(
    rf"\s*(?P<src>(?:the\s+|a\s+|an\s+)?{_NAME}(?:\s+(?:{_NAME}|[a-z][\w'’-]*)){{0,6}}?)"
    rf"\s+(?P<cue>{_VERBS})\b"
)
"""After the quotation: who, then the verb ("Rep. Gwen Moore (D-Wis.) said", "the mayor said")."""
_VERB_FIRST = re.compile(
    rf"\s*(?P<cue>{_VERBS})\s+(?P<src>(?:the\s+|a\s+|an\s+)?{_NAME}(?:\s+{_NAME}){{0,5}})"
    r"(?=\s*[,.;]|\s+(?:in|on|at|during|after|before|who|of)\b)"
)
"""After the quotation: the verb, then who ("said Mr. Barrett, the lawyer ...")."""
_PRONOUN_FIRST = re.compile(rf"\s*(?P<src>he|she|they|we|I)\s+(?P<cue>{_VERBS})\b")
_SIGNED = re.compile(r"\s*(?P<cue>[―—])\s*(?P<src>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})")
"""A quote signed with a dash ("” ― Steve Quinlan")."""


_SENTENCE_STOP = re.compile(r"[a-z]{2}\.$")
"""A full stop after a word, not an initial ("Quinlan." but not "D.C." or "Jr.")."""


@dataclass(frozen=True)
class QuotedSpeech:
    """Character ranges of one quotation's content, cue and source."""

    content: tuple[int, int]
    cue: tuple[int, int]
    source: tuple[int, int]


def quoted_speech(text: str) -> Iterator[QuotedSpeech]:
    """Every quotation followed at once by its speaker and a speech verb (either order) or by a
    dash and a name."""
    for quote in _QUOTE.finditer(text):
        after = quote.end()
        for shape in (_PRONOUN_FIRST, _SOURCE_FIRST, _VERB_FIRST, _SIGNED):
            found = shape.match(text, after, min(len(text), after + 160))
            if found is not None:
                start, end = found.span("src")
                if _SENTENCE_STOP.search(text, start, end):
                    end -= 1  # "― Steve Quinlan.": the full stop is the sentence's
                yield QuotedSpeech(quote.span("q"), found.span("cue"), (start, end))
                break
