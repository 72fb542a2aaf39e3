"""Tag tokens as attribution Source / Cue / Content (IO tags) with a trained averaged perceptron.

The head (`models/heads/attribution_tagger.json.gz`) is built by `newsprism.train.attributions`
from PolNeAR train. Tokens, sentence ends and quote state are computed here by one shared
function, so that training and inference see exactly the same features. Decoding is greedy left
to right over the whole document (contents run across sentences and paragraphs). IO tags, not
BIO: with greedy decoding a missed B- would forbid the whole rest of a long content span.
Pure Python: a few dict look-ups per token, no numpy needed.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from newsprism.errors import Code, NewsprismError

TAGS = ("O", "SRC", "CUE", "CON")
ROLES = ("SRC", "CUE", "CON")
HEAD_FILE = "attribution_tagger.json.gz"

_TOKEN = re.compile(r"\w+(?:[-.'’]\w+)*|[^\w\s]", re.UNICODE)
OPEN_QUOTES = frozenset("“‘«„")
CLOSE_QUOTES = frozenset("”’»")
STRAIGHT_QUOTES = frozenset('"')
_SENT_END = frozenset(".?!")
_NUM = re.compile(r"\d")


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


def _shape(word: str) -> str:
    """Coarse word shape: Xx, x, X, d, p (punctuation)."""
    if _NUM.search(word):
        return "d"
    if word.isupper() and len(word) > 1:
        return "X"
    if word[:1].isupper():
        return "Xx"
    if word[:1].isalpha() or word[:1] == "_":
        return "x"
    return "p"


def sentence_ids(tokens: list[Token]) -> list[int]:
    """Sentence number of every token."""
    out = []
    current = -1
    for token in tokens:
        if token.sent_start:
            current += 1
        out.append(max(current, 0))
    return out


def static_features(tokens: list[Token], cue_prob: dict[str, float]) -> list[list[str]]:
    """Features of every token that do not depend on predicted tags."""
    words = [t.text.lower() for t in tokens]
    sids = sentence_ids(tokens)
    probs = [cue_prob.get(w, 0.0) for w in words]
    n = len(tokens)
    # Nearest likely cue word before/after each token within its sentence: drives content and
    # source decisions ("X said Y": Y follows a cue, X precedes it).
    before = [-1] * n
    after = [-1] * n
    last = -1
    last_sid = -1
    for i in range(n):
        if sids[i] != last_sid:
            last, last_sid = -1, sids[i]
        before[i] = last
        if probs[i] >= 0.2:
            last = i
    nxt = -1
    nxt_sid = -1
    for i in range(n - 1, -1, -1):
        if sids[i] != nxt_sid:
            nxt, nxt_sid = -1, sids[i]
        after[i] = nxt
        if probs[i] >= 0.2:
            nxt = i
    out: list[list[str]] = []
    for i, token in enumerate(tokens):
        w = words[i]
        p = probs[i]
        prev1 = words[i - 1] if i > 0 else "<s>"
        prev2 = words[i - 2] if i > 1 else "<s>"
        next1 = words[i + 1] if i + 1 < n else "</s>"
        next2 = words[i + 2] if i + 2 < n else "</s>"
        feats = [
            "b",
            "w=" + w,
            "s=" + _shape(token.text),
            "suf=" + w[-3:],
            "p1=" + prev1,
            "p2=" + prev2,
            "n1=" + next1,
            "n2=" + next2,
            "p1w=" + prev1 + "|" + w,
            "wn1=" + w + "|" + next1,
            "cp=" + str(min(int(p * 10), 9)),
            "q=" + str(token.in_quote),
            "ss=" + str(token.sent_start),
            "ps=" + str(token.para_start),
            "qw=" + str(token.in_quote) + "|" + w,
        ]
        b = before[i]
        a = after[i]
        db = "none" if b < 0 else _bucket(i - b)
        da = "none" if a < 0 else _bucket(a - i)
        feats.append("cb=" + db)
        feats.append("ca=" + da)
        feats.append("cba=" + db + "|" + da)
        if b >= 0:
            feats.append("cbw=" + words[b])
        if a >= 0:
            feats.append("caw=" + words[a])
        if i + 1 < n:
            feats.append("np=" + str(min(int(probs[i + 1] * 10), 9)))
        if i > 0:
            feats.append("pp=" + str(min(int(probs[i - 1] * 10), 9)))
        out.append(feats)
    return out


def _bucket(distance: int) -> str:
    """Distance bucket: 1, 2, 3-4, 5-8, 9-16, far."""
    if distance <= 2:
        return str(distance)
    if distance <= 4:
        return "3-4"
    if distance <= 8:
        return "5-8"
    if distance <= 16:
        return "9-16"
    return "far"


def dynamic_features(prev: str, prev2: str, w: str) -> list[str]:
    """Features on the tags already decided (greedy left-to-right history)."""
    return ["t1=" + prev, "t12=" + prev2 + "|" + prev, "t1w=" + prev + "|" + w]


@dataclass(frozen=True, slots=True)
class TaggerHead:
    """Averaged perceptron weights and the cue-word prior learned with them."""

    weights: dict[str, list[float]]
    cue_prob: dict[str, float]
    version: str

    def tag(self, tokens: list[Token]) -> list[str]:
        """Greedy left-to-right decoding of `tokens`."""
        feats = static_features(tokens, self.cue_prob)
        tags: list[str] = []
        prev, prev2 = "<s>", "<s>"
        weights = self.weights
        n_tags = len(TAGS)
        for i, token_feats in enumerate(feats):
            scores = [0.0] * n_tags
            w = tokens[i].text.lower()
            for feat in token_feats + dynamic_features(prev, prev2, w):
                vector = weights.get(feat)
                if vector is not None:
                    for k in range(n_tags):
                        scores[k] += vector[k]
            best = TAGS[max(range(n_tags), key=scores.__getitem__)]
            tags.append(best)
            prev2, prev = prev, best
        return tags

    def to_json(self) -> dict[str, object]:
        """JSON form (weights rounded to 4 decimals to keep the file small)."""
        return {
            "version": self.version,
            "tags": list(TAGS),
            "cue_prob": {k: round(v, 4) for k, v in sorted(self.cue_prob.items())},
            "weights": {k: [round(x, 4) for x in v] for k, v in sorted(self.weights.items())},
        }

    def save(self, path: Path) -> None:
        """Write the head as gzipped JSON (deterministic: sorted keys, fixed mtime)."""
        data = json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True).encode("utf-8")
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as handle:
            handle.write(data)


def load_head_file(path: Path) -> TaggerHead:
    """Read a head written by `TaggerHead.save`."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        data = json.load(handle)
    if tuple(data.get("tags", ())) != TAGS:
        raise NewsprismError(Code.HEAD_MISSING, str(path), "tag set differs from this version")
    return TaggerHead(data["weights"], data["cue_prob"], str(data["version"]))


@lru_cache(maxsize=1)
def load_head() -> TaggerHead:
    """The packaged head (E305 naming the training command when it is missing)."""
    ref = resources.files("newsprism").joinpath("models", "heads", HEAD_FILE)
    if not ref.is_file():
        raise NewsprismError(
            Code.HEAD_MISSING,
            HEAD_FILE,
            "run `python -m newsprism.train.attributions`",
        )
    with resources.as_file(ref) as path:
        return load_head_file(path)


def segments(tags: list[str]) -> list[tuple[str, int, int]]:
    """`(role, first_token, last_token_exclusive)`: maximal runs of one role in an IO sequence."""
    out: list[tuple[str, int, int]] = []
    start = 0
    for i in range(1, len(tags) + 1):
        if i == len(tags) or tags[i] != tags[start]:
            if tags[start] != "O":
                out.append((tags[start], start, i))
            start = i
    return out
