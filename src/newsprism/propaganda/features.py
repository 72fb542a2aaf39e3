"""Token and span features the uncased encoder cannot see: casing, quotes, punctuation, repetition.

The encoder lowercases everything and never sees the rest of the article, so these cheap surface
signals complement its vectors: SHOUTING and Capitalised words (slogans, name calling), quote
marks (scare quotes, appeals to authority), '!' and '?' (loaded language, doubt), words and
fragments repeated elsewhere in the article (the `Repetition` technique), and a few small cue
lexicons.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

QUOTES = frozenset("\"'“”‘’«»„")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _words(spaced: str) -> frozenset[str]:
    """A lexicon written as one space-separated string."""
    return frozenset(spaced.split(" "))


# Small cue lexicons, written from the PTC annotation guidelines' definitions (not mined from the
# labels), one per family of techniques whose wording is formulaic.
LEXICONS: dict[str, frozenset[str]] = {
    "doubt": _words(
        "allegedly alleged supposedly so-called claim claims claimed purported purportedly "
        "questionable dubious apparently seemingly whether really"
    ),
    "intensity": _words(
        "very extremely totally absolutely completely utterly huge massive enormous terrible "
        "horrific disaster disastrous catastrophic outrageous shocking insane evil vile "
        "despicable disgusting ridiculous absurd never always every everyone nobody"
    ),
    "nation": _words(
        "america american americans patriot patriots patriotic nation national flag country "
        "freedom liberty homeland constitution our we"
    ),
    "causal": _words(
        "because therefore thus hence consequently since caused causes cause result blame"
    ),
    "fear": _words(
        "threat threaten threatens danger dangerous fear afraid terror terrorist terrorists "
        "attack destroy destruction invasion crisis kill killing death deadly"
    ),
    "authority": _words(
        "said says according expert experts official officials professor scientist "
        "scientists study report pope president"
    ),
    "cliche": _words("simply period enough nothing everything whatever matter fact facts truth"),
    "hitler": _words(
        "hitler nazi nazis fascist fascism communist communism stalin totalitarian "
        "everybody everyone majority millions"
    ),
}

LEXICON_NAMES = tuple(sorted(LEXICONS))

TOKEN_FEATURES = (
    "word_start",
    "capitalised",
    "all_caps",
    "has_digit",
    "quote_char",
    "inside_quotes",
    "exclaim_char",
    "question_char",
    "sentence_exclaim",
    "sentence_question",
    "position",
    "word_repeats",
    *(f"lex_{name}" for name in LEXICON_NAMES),
)
"""Names of the per-token surface features, in column order."""

SPAN_FEATURES = (
    "log_chars",
    "log_words",
    "text_repeats",
    "lemma_repeats",
    "capitalised_share",
    "all_caps_share",
    "has_quote",
    "has_exclaim",
    "has_question",
    "whole_sentence",
    *(f"lex_{name}" for name in LEXICON_NAMES),
)
"""Names of the per-span surface features, in column order."""


@dataclass(frozen=True, slots=True)
class TokenView:
    """The tokens of one document: char offsets (N, 2) and their sentence index (N,)."""

    offsets: NDArray[np.int64]
    sentence: NDArray[np.int64]
    sentence_spans: NDArray[np.int64]
    """(S, 2) char offsets of each sentence."""


def word_counts(text: str) -> Counter[str]:
    """How often each lowercased word occurs in `text`."""
    return Counter(m.group(0).lower() for m in _WORD.finditer(text))


def _word_at(text: str, start: int, end: int) -> str:
    """The whole word a token belongs to (wordpieces share their word's repetition count)."""
    while start > 0 and (text[start - 1].isalpha() or text[start - 1] in "'’-"):
        start -= 1
    while end < len(text) and (text[end].isalpha() or text[end] in "'’-"):
        end += 1
    return text[start:end].lower()


def token_features(text: str, view: TokenView) -> NDArray[np.float32]:
    """(N, len(TOKEN_FEATURES)) surface features of each token."""
    n = len(view.offsets)
    if n == 0:
        return np.zeros((n, len(TOKEN_FEATURES)), dtype=np.float32)
    counts = word_counts(text)
    # Per-sentence values once, not per token; plain Python values, since numpy scalar reads and
    # writes dominate a per-token loop (rows are built as lists and converted once at the end).
    spans = [(int(s), int(e)) for s, e in view.sentence_spans]
    sentence_flags = [
        (1.0 if "!" in text[s:e] else 0.0, 1.0 if "?" in text[s:e] else 0.0) for s, e in spans
    ]
    lexicons = [LEXICONS[name] for name in LEXICON_NAMES]
    repeats: dict[int, float] = {}
    rows: list[list[float]] = []
    quote_open = False
    last_sentence = -1
    for (start, end), sid in zip(view.offsets.tolist(), view.sentence.tolist(), strict=True):
        if sid != last_sentence:
            # Quotes rarely stay open across sentences in news copy; resetting limits the damage of
            # an unbalanced mark to one sentence.
            quote_open, last_sentence = False, sid
        piece = text[start:end]
        s_start, s_end = spans[sid] if sid < len(spans) else (0, 1)
        flags = sentence_flags[sid] if sid < len(spans) else (0.0, 0.0)
        word = _word_at(text, start, end)
        if len(word) > 3:
            count = max(0, counts.get(word, 0) - 1)
            if count not in repeats:
                repeats[count] = float(np.log1p(count))
            word_repeats = repeats[count]
        else:
            word_repeats = 0.0
        rows.append(
            [
                1.0 if start == 0 or not text[start - 1].isalnum() else 0.0,
                1.0 if piece[:1].isupper() else 0.0,
                1.0 if len(word) > 1 and word.upper() == piece.upper() and piece.isupper() else 0.0,
                1.0 if any(c.isdigit() for c in piece) else 0.0,
                1.0 if any(c in QUOTES for c in piece) else 0.0,
                1.0 if quote_open else 0.0,
                1.0 if "!" in piece else 0.0,
                1.0 if "?" in piece else 0.0,
                *flags,
                (start - s_start) / max(1, s_end - s_start),
                word_repeats,
                *(1.0 if word in lexicon else 0.0 for lexicon in lexicons),
            ]
        )
        if '"' in piece or "“" in piece or "”" in piece:
            quote_open = not quote_open
    return np.asarray(rows, dtype=np.float32)


def span_features(
    text: str, spans: Sequence[tuple[int, int]], sentence_spans: NDArray[np.int64]
) -> NDArray[np.float32]:
    """(len(spans), len(SPAN_FEATURES)) surface features of each span in its article."""
    out = np.zeros((len(spans), len(SPAN_FEATURES)), dtype=np.float32)
    lowered = text.lower()
    counts = word_counts(text)
    lex_base = SPAN_FEATURES.index("lex_" + LEXICON_NAMES[0])
    sentence_set = {(int(s), int(e)) for s, e in sentence_spans}
    for i, (start, end) in enumerate(spans):
        frag = text[start:end]
        words = [m.group(0) for m in _WORD.finditer(frag)]
        key = frag.strip().lower()
        row = out[i]
        row[0] = np.log1p(len(frag))
        row[1] = np.log1p(len(words))
        # Occurrences of the same fragment elsewhere: the strongest cue for `Repetition`.
        row[2] = np.log1p(max(0, lowered.count(key) - 1)) if key else 0.0
        long_words = [w.lower() for w in words if len(w) > 3]
        # A span may cut a word (its piece then never occurs as a word): count it once, not zero.
        row[3] = (
            float(np.mean([np.log1p(max(counts[w], 1) - 1) for w in long_words]))
            if long_words
            else 0.0
        )
        row[4] = sum(w[:1].isupper() for w in words) / max(1, len(words))
        row[5] = sum(len(w) > 1 and w.isupper() for w in words) / max(1, len(words))
        row[6] = 1.0 if any(c in QUOTES for c in frag) else 0.0
        row[7] = 1.0 if "!" in frag else 0.0
        row[8] = 1.0 if "?" in frag else 0.0
        row[9] = 1.0 if (start, end) in sentence_set else 0.0
        lowered_words = {w.lower() for w in words}
        for k, name in enumerate(LEXICON_NAMES):
            row[lex_base + k] = float(len(lowered_words & LEXICONS[name]) > 0)
    return out
