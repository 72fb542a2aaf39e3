"""Word tokens for the attribution tagger, with sentence/paragraph starts and quote state.

Training (`newsprism.train.attributions`) and inference (`attribution_head`, `attributions`) both
tokenize with `tokenize`, so the span head sees the same words in both. Quote state is what the
uncased encoder cannot see across sentences: whether a word lies inside quotation marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+(?:[-.'’]\w+)*|[^\w\s]", re.UNICODE)
OPEN_QUOTES = frozenset("“‘«„")
CLOSE_QUOTES = frozenset("”’»")
STRAIGHT_QUOTES = frozenset('"')
_SENT_END = frozenset(".?!")


@dataclass(frozen=True, slots=True)
class Token:
    """One token: character offsets, the text, and context flags computed over the document."""

    start: int
    end: int
    text: str
    sent_start: bool
    para_start: bool
    in_quote: bool


def tokenize(text: str) -> list[Token]:
    """Tokens with sentence/paragraph starts and whether each lies inside quotation marks.

    Quote state is tracked per paragraph and reset at each blank line or newline, so an
    unbalanced quote mark can never make the rest of the article look quoted.
    """
    raw = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    out: list[Token] = []
    in_quote = False
    prev_end = 0
    prev_text = ""
    for index, (start, end, word) in enumerate(raw):
        gap = text[prev_end:start]
        para = index == 0 or "\n" in gap
        if para:
            in_quote = False
        sent = para or (
            prev_text in _SENT_END and (word[:1].isupper() or word in OPEN_QUOTES or word == '"')
        )
        # A closing quote right after a full stop also ends the sentence ("...," he said. "Next").
        if not sent and out and out[-1].text in CLOSE_QUOTES | STRAIGHT_QUOTES and index >= 2:
            sent = raw[index - 2][2] in _SENT_END and word[:1].isupper()
        if word in OPEN_QUOTES:
            in_quote = True
            out.append(Token(start, end, word, sent, para, True))
        elif (word in CLOSE_QUOTES and word != "’") or (
            word == "’"
            and in_quote
            and (
                index + 1 >= len(raw) or not raw[index + 1][2].isalpha() or raw[index + 1][0] > end
            )
        ):
            out.append(Token(start, end, word, sent, para, True))
            in_quote = False
        elif word in STRAIGHT_QUOTES:
            opening = not in_quote
            in_quote = True
            out.append(Token(start, end, word, sent, para, True))
            in_quote = opening
        else:
            out.append(Token(start, end, word, sent, para, in_quote))
        prev_end = end
        prev_text = word
    return out


def sentence_ids(tokens: list[Token]) -> list[int]:
    """Sentence number of every token."""
    out = []
    current = -1
    for token in tokens:
        if token.sent_start:
            current += 1
        out.append(max(current, 0))
    return out
