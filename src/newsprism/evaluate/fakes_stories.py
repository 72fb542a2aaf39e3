"""Story clustering and conflict recall on FA-KES: a proxy gold built at eval time from the CSV.

FA-KES (571 distinct articles on the Syrian war from 9 outlets) has no story labels. The proxy gold:

- stories: the hand-read incidents of `fakes_incidents.INCIDENTS` (ids only); every other
  article is a story of its own;
- `number` conflicts: two articles of one incident from different outlets whose headline death
  tolls (`headline_killed`, read from the title, else the first sentences) cannot both hold
  ("31" vs "22"; "at least 14" does not contradict "32");
- `label` conflicts: two articles of one incident from different outlets, one labelled credible
  and one fake (FA-KES calls an article fake when its casualty details disagree with the
  documentation centre), matched by a predicted conflict of any kind between the two.

The analysis never sees the CSV's `location` or `labels` (they are removed from `meta` before the
documents are stored); `meta.published` is the `fakes` preset's `date`, which the clustering
reads as a user's corpus would. Scores are reported for all documents and for two date halves:
`tune` (published before `SPLIT_DATE`, used to choose thresholds) and `held_out` (the rest).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from itertools import combinations
from pathlib import Path
from typing import Any

from newsprism.config import Config
from newsprism.document import Document
from newsprism.evaluate.fakes import FAKES_ANALYZERS, analyse, load_fakes
from newsprism.evaluate.fakes_incidents import INCIDENTS
from newsprism.evaluate.stories import score_stories

SPLIT_DATE = "2016-07-01"
"""Tune on articles published before it (291 of 571), report on the rest too."""
CONFLICT_KINDS = ("polarity", "number", "actor", "date", "place")

# The gold's own number words, on purpose not `analyzers.counts`: gold read with the parser
# under test would share its mistakes.
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
}
_N = r"(?P<n>\d[\d,]*|" + "|".join(_NUMBER_WORDS) + r")"
_Q = r"(?:(?P<q>at\s+least|more\s+than|over|nearly|almost|some|about|around)\s+)?"
_NOT_WOUNDED = r"(?!\s*(?:and\s+|&\s*|,\s*)?(?:injured|wounded))"
_TOLLS = (
    # "18 civilians killed", "At least 40 killed", "17 dead as", "Nine persons killed"
    re.compile(
        rf"\b{_Q}{_N}\s+(?:[A-Za-z'-]+\s+){{0,4}}?(?:killed|dead|died|die|martyred|martyrs)\b"
        + _NOT_WOUNDED,
        re.IGNORECASE,
    ),
    # "Missile kills 18 civilians", "strikes kill at least 25"
    re.compile(rf"\bkill(?:s|ed|ing)?\s+{_Q}{_N}\b" + _NOT_WOUNDED, re.IGNORECASE),
)


def headline_killed(text: str) -> tuple[int, int | None] | None:
    """The first death toll stated in `text` as a (low, high) range (high None: open).

    "at least N" is [N, inf), "more than/over N" [N+1, inf), "nearly/some/about N" 10% either
    side (never a contradiction with a close exact count), a bare N is exact. Counts of killed
    and injured together ("175 killed, injured"), years and numbers over 5000 are not tolls."""
    matches = sorted(
        (m for pattern in _TOLLS for m in pattern.finditer(text)), key=lambda m: m.start()
    )
    for match in matches:
        raw = match.group("n") or ""
        value = _NUMBER_WORDS.get(raw.lower())
        if value is None:
            digits = raw.replace(",", "")
            if not digits.isdigit():
                continue
            value = int(digits)
        if value > 5000 or 1900 <= value <= 2100:
            continue
        qualifier = (match.group("q") or "").lower().split()
        if qualifier[:2] == ["at", "least"]:
            return (value, None)
        if qualifier[:1] in (["more"], ["over"]):
            return (value + 1, None)
        if qualifier:
            return (int(value * 0.9), int(value * 1.1 + 0.999))
        return (value, value)
    return None


def _label(doc: Document) -> str | None:
    fields = doc.meta.get("fields")
    value = fields.get("labels") if isinstance(fields, Mapping) else None
    return value.strip() if isinstance(value, str) and value.strip() in ("0", "1") else None


def _toll(doc: Document) -> tuple[int, int | None] | None:
    return headline_killed(doc.title or "") or headline_killed(doc.text[:400])


def _overlap(a: tuple[int, int | None], b: tuple[int, int | None]) -> bool:
    a_high = float("inf") if a[1] is None else a[1]
    b_high = float("inf") if b[1] is None else b[1]
    return a[0] <= b_high and b[0] <= a_high


def fakes_gold(docs: Sequence[Document]) -> dict[str, Any]:
    """The proxy gold for `docs` (FA-KES documents as read, `meta.fields` intact): the format of
    `evaluate.stories.load_gold`, label conflicts accepting any predicted kind."""
    present = {d.id for d in docs}
    stories = {d.id: d.id for d in docs}
    for incident in INCIDENTS:
        members = [m for m in incident if m in present]
        for member in members:
            stories[member] = "incident:" + incident[0]
    by_id = {d.id: d for d in docs}
    conflicts: list[dict[str, Any]] = []
    for incident in INCIDENTS:
        members = sorted(m for m in incident if m in present)
        for a_id, b_id in combinations(members, 2):
            a, b = by_id[a_id], by_id[b_id]
            if _outlet(a) == _outlet(b):
                continue
            ta, tb = _toll(a), _toll(b)
            if ta is not None and tb is not None and not _overlap(ta, tb):
                conflicts.append(
                    {"kind": "number", "a": {"doc": a_id}, "b": {"doc": b_id}, "note": f"{ta} {tb}"}
                )
            la, lb = _label(a), _label(b)
            if la is not None and lb is not None and la != lb:
                conflicts.append(
                    {
                        "kind": "label",
                        "accept": list(CONFLICT_KINDS),
                        "a": {"doc": a_id},
                        "b": {"doc": b_id},
                    }
                )
    return {"stories": stories, "conflicts": conflicts}


def _outlet(doc: Document) -> str:
    return str(doc.meta.get("outlet") or doc.id).strip().lower()


def blind(doc: Document) -> Document:
    """`doc` without the CSV's `location` and `labels` (what the analysis must not read)."""
    return doc.with_meta(fields={})


def store_documents(docs: Sequence[Document], db_path: Path) -> None:
    """Write analysed documents (blinded) into a new or existing store at `db_path`."""
    from newsprism.corpus.hashing import content_hash
    from newsprism.corpus.store import Store

    with Store(db_path) as store:
        have = set(store.ids())
        with store.transaction():
            for doc in docs:
                if doc.id not in have:
                    clean = blind(doc)
                    store.put(clean, content_hash(clean))


def _part(gold: Mapping[str, Any], keep: set[str]) -> dict[str, Any]:
    return {
        "stories": {d: s for d, s in gold["stories"].items() if d in keep},
        "conflicts": [
            c for c in gold["conflicts"] if c["a"]["doc"] in keep and c["b"]["doc"] in keep
        ],
    }


def score_fakes_stories(
    docs: Sequence[Document],
    stories: Sequence[Mapping[str, Any]],
    conflicts: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """Scores of predicted stories and conflicts against the proxy gold: all, tune, held out."""
    gold = fakes_gold(docs)
    early = {d.id for d in docs if str(d.meta.get("published") or "") < SPLIT_DATE}
    late = {d.id for d in docs} - early
    return {
        "all": score_stories(gold, stories, conflicts),
        "tune": score_stories(_part(gold, early), stories, conflicts),
        "held_out": score_stories(_part(gold, late), stories, conflicts),
        "gold_incidents": sum(
            1 for incident in INCIDENTS if sum(m in gold["stories"] for m in incident) > 1
        ),
        "split_date": SPLIT_DATE,
    }


def evaluate_fakes_stories(
    config: Config,
    path: Path | None = None,
    analyzers: Sequence[str] = FAKES_ANALYZERS,
    cache: Path | None = None,
    db_path: Path | None = None,
    since: str | None = None,
) -> dict[str, Any]:
    """Analyse FA-KES (or read `cache`), store it blinded (in `db_path`, else a temporary
    database), run the corpus analysis and score it against the proxy gold. `since` (an ISO
    date) keeps only the articles published on or after it (a smaller corpus for quick tests)."""
    from newsprism.corpus.analysis import analyze_corpus, read_conflicts, read_stories
    from newsprism.corpus.store import Store

    data = load_fakes(path, config)
    read = [d for d in data.docs if since is None or str(d.meta.get("published") or "") >= since]
    docs = analyse(read, config, analyzers, cache)
    with tempfile.TemporaryDirectory(prefix="newsprism-fakes-") as scratch:
        target = db_path or Path(scratch) / "fakes.db"
        store_documents(docs, target)
        # Forced: a reused database keeps its vectors, but the analysis code may have changed.
        summary = analyze_corpus(target, config, force=True)
        with Store(target, readonly=True) as store:
            stories = read_stories(store)
            conflicts = read_conflicts(store)
    result = score_fakes_stories(read, stories, conflicts)
    result["analysis"] = summary.line()
    result["analyzers"] = list(analyzers)
    return result
