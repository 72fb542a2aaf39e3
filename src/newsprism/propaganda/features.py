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
from collections.abc import Callable, Sequence
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
_LEXICON_ROWS = {
    word: tuple(1.0 if word in LEXICONS[name] else 0.0 for name in LEXICON_NAMES)
    for word in set().union(*LEXICONS.values())
}
"""Each lexicon word's membership in every lexicon, in `LEXICON_NAMES` order."""
_NO_LEXICON = (0.0,) * len(LEXICON_NAMES)

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

NEIGHBOURHOOD_FEATURES = (
    "same_text_spans",
    "repeated_as_span",
    "same_offset_spans",
    "spans_within",
    "spans_around",
    "overlapping_spans",
    "article_spans",
)
"""Per-span features read from the other spans given for the same article (a TC template's lines,
or the spans SI found), in column order."""

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
    *NEIGHBOURHOOD_FEATURES,
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


_WORD_CHARS = "'’-"
"""Characters that continue a word besides letters (wordpieces share their word's counts)."""
_TOGGLES = frozenset('"“”')
"""Quote marks that open or close a quotation (a token holding one flips `inside_quotes`)."""


def _is_word_char(char: str) -> bool:
    """A letter, or a character that continues a word (`_WORD_CHARS`)."""
    return char.isalpha() or char in _WORD_CHARS


class _CharCounts:
    """Prefix counts of character classes over one text: how many characters of a class lie in
    `text[start:end]` is one subtraction, for every token at once. Each distinct character is
    classified once by Python's own `str` predicates, so results match per-token string tests.

    Every per-character array has one extra False entry for the position past the end, so a
    token's start, end or start - 1 indexes them without bounds checks.
    """

    def __init__(self, text: str) -> None:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        distinct, inverse = np.unique(codes, return_inverse=True)
        chars = [chr(int(c)) for c in distinct]
        tests: dict[str, Callable[[str], bool]] = {
            "alnum": str.isalnum,
            "digit": str.isdigit,
            "quote": QUOTES.__contains__,
            "toggle": _TOGGLES.__contains__,
            "exclaim": "!".__eq__,
            "question": "?".__eq__,
            "upper": str.isupper,
            "lower": str.islower,
            "word": _is_word_char,
        }
        self.flags = {
            name: np.append(np.array([bool(test(c)) for c in chars], dtype=bool)[inverse], False)
            for name, test in tests.items()
        }
        # Words are widened from the flags alone (`words`); every other class is counted.
        self.prefix = {
            name: np.concatenate([[0], np.cumsum(flag, dtype=np.int64)])
            for name, flag in self.flags.items()
            if name != "word"
        }

    def count(
        self, name: str, starts: NDArray[np.int64], ends: NDArray[np.int64]
    ) -> NDArray[np.int64]:
        """Characters of class `name` in each `text[start:end]`."""
        prefix = self.prefix[name]
        out: NDArray[np.int64] = prefix[ends] - prefix[starts]
        return out

    def words(
        self, starts: NDArray[np.int64], ends: NDArray[np.int64]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Each token widened to its whole word: left while the previous character, right while
        the next one is a letter or one of `_WORD_CHARS` (bounds of `text[start:end]`)."""
        mask = self.flags["word"]
        index = np.arange(len(mask))
        previous = np.concatenate([[False], mask[:-1]])
        following = np.concatenate([mask[1:], [False]])
        run_start = np.maximum.accumulate(np.where(mask & ~previous, index, 0))
        ends_here = np.where(mask & ~following, index + 1, len(mask))
        run_end = np.minimum.accumulate(ends_here[::-1])[::-1]
        left = np.maximum(starts - 1, 0)
        lows = np.where((starts > 0) & mask[left], run_start[left], starts)
        highs = np.where(mask[ends], run_end[ends], ends)
        return lows, highs


def _inside_quotes(toggles: NDArray[np.bool_], sentence: NDArray[np.int64]) -> NDArray[np.float32]:
    """1 for tokens after an odd number of quote-flipping tokens earlier in their sentence.

    Quotes rarely stay open across sentences in news copy; restarting at each sentence limits the
    damage of an unbalanced mark to one sentence.
    """
    before = np.cumsum(toggles, dtype=np.int64) - toggles
    first = np.concatenate([[True], sentence[1:] != sentence[:-1]])
    run = np.cumsum(first) - 1
    opened: NDArray[np.float32] = ((before - before[first][run]) % 2).astype(np.float32)
    return opened


def token_features(text: str, view: TokenView) -> NDArray[np.float32]:
    """(N, len(TOKEN_FEATURES)) surface features of each token.

    Character tests run once per text as prefix counts (`_CharCounts`); only the word lookups
    (repetition, lexicons) and the rare all-caps check stay per token in Python.
    """
    n = len(view.offsets)
    out = np.zeros((n, len(TOKEN_FEATURES)), dtype=np.float32)
    if n == 0:
        return out
    starts = np.asarray(view.offsets[:, 0], np.int64)
    ends = np.asarray(view.offsets[:, 1], np.int64)
    sentence = np.asarray(view.sentence, np.int64)
    chars = _CharCounts(text)
    out[:, 0] = (starts == 0) | ~chars.flags["alnum"][np.maximum(starts - 1, 0)]
    out[:, 1] = (ends > starts) & chars.flags["upper"][starts]
    for column, name in ((3, "digit"), (4, "quote"), (6, "exclaim"), (7, "question")):
        out[:, column] = chars.count(name, starts, ends) > 0
    out[:, 5] = _inside_quotes(chars.count("toggle", starts, ends) > 0, sentence)
    # Tokens whose sentence id has no span read a last row (0, 1) without '!' or '?'.
    spans = np.asarray(view.sentence_spans, np.int64).reshape(-1, 2)
    row = np.where(sentence < len(spans), sentence, len(spans))
    spans = np.concatenate([spans, [[0, 1]]])
    for column, name in ((8, "exclaim"), (9, "question")):
        has = chars.count(name, spans[:, 0], spans[:, 1]) > 0
        has[-1] = False
        out[:, column] = has[row]
    sentence_start, sentence_end = spans[row, 0], spans[row, 1]
    out[:, 10] = (starts - sentence_start) / np.maximum(1, sentence_end - sentence_start)
    # Words: wordpieces of one word share it; each distinct word is looked up once.
    lows, highs = chars.words(starts, ends)
    counts = word_counts(text)
    words = [text[a:b].lower() for a, b in zip(lows.tolist(), highs.tolist(), strict=True)]
    position: dict[str, int] = {}
    which = np.fromiter((position.setdefault(w, len(position)) for w in words), np.int64, n)
    vocabulary = list(position)  # in first-seen order, as `position` numbered them
    out[:, 11] = np.log1p(
        np.array([max(0, counts.get(w, 0) - 1) if len(w) > 3 else 0 for w in vocabulary])
    )[which]
    lexicon_rows = [_LEXICON_ROWS.get(w, _NO_LEXICON) for w in vocabulary]
    out[:, 12:] = np.array(lexicon_rows, np.float32)[which]
    # All caps: a token with an upper- and no lower-case letter is checked exactly (str.isupper
    # also rejects title-case letters) against its whole word.
    maybe = np.flatnonzero(
        (chars.count("upper", starts, ends) > 0) & (chars.count("lower", starts, ends) == 0)
    )
    for k in maybe.tolist():
        piece = text[int(starts[k]) : int(ends[k])]
        word = text[int(lows[k]) : int(highs[k])].lower()
        out[k, 2] = float(len(word) > 1 and word.upper() == piece.upper() and piece.isupper())
    return out


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
    out[:, len(SPAN_FEATURES) - len(NEIGHBOURHOOD_FEATURES) :] = span_neighbourhood(text, spans)
    return out


def span_neighbourhood(text: str, spans: Sequence[tuple[int, int]]) -> NDArray[np.float32]:
    """(len(spans), len(NEIGHBOURHOOD_FEATURES)) counts of each span's neighbours among `spans`.

    The spans given for one article say something about each other: annotators mark every
    repetition of a phrase (another span with the same words is `Repetition`'s mark), give one
    fragment several techniques (the same offsets twice), and nest short loaded words inside
    longer slogans or appeals. 5-fold CV on PTC train, TC micro-F1 on gold spans: 0.632 -> 0.642
    with these columns, every fold up. Counts are log1p; nesting is found through the spans
    sorted by start, so spans that do not overlap (what SI finds) cost O(n log n).
    """
    if not spans:
        return np.zeros((0, len(NEIGHBOURHOOD_FEATURES)), dtype=np.float32)
    keys = [text[start:end].strip().lower() for start, end in spans]
    by_text, by_offsets = Counter(keys), Counter((int(s), int(e)) for s, e in spans)
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    ends = np.array([e for _, e in spans], dtype=np.int64)
    order = np.argsort(starts, kind="stable")
    sorted_starts, sorted_ends = starts[order], np.sort(ends)
    within = np.zeros(len(spans), dtype=np.int64)
    around = np.zeros(len(spans), dtype=np.int64)
    firsts = np.searchsorted(sorted_starts, starts, side="left")
    lasts = np.searchsorted(sorted_starts, ends, side="right")
    for i, (start, end) in enumerate(zip(starts.tolist(), ends.tolist(), strict=True)):
        for j in order[firsts[i] : lasts[i]].tolist():
            if ends[j] <= end and (starts[j], ends[j]) != (start, end):
                within[i] += 1
                around[j] += 1
    same_text = np.array([by_text[key] - 1 for key in keys], dtype=np.int64)
    same_offsets = np.array([by_offsets[(int(s), int(e))] - 1 for s, e in spans], dtype=np.int64)
    # Others that overlap: all but those wholly after or wholly before each span, less itself
    # and its copies at the same offsets.
    total = len(spans)
    after = total - np.searchsorted(sorted_starts, ends, side="left")
    before = np.searchsorted(sorted_ends, starts, side="right")
    overlapping = np.maximum(0, total - after - before - 1 - same_offsets)
    columns = {
        "same_text_spans": np.log1p(same_text),
        "repeated_as_span": same_text > 0,
        "same_offset_spans": np.log1p(same_offsets),
        "spans_within": np.log1p(within),
        "spans_around": np.log1p(around),
        "overlapping_spans": np.log1p(overlapping),
        "article_spans": np.full(total, np.log1p(total)),
    }
    return np.stack([columns[name] for name in NEIGHBOURHOOD_FEATURES], axis=1).astype(np.float32)
