"""Score a `sections` layer against gold sections: character P/R/F1 per label, comment matching.

Gold files hold `{"documents": [{"id", "file", "sections": [{"label", "start", "end",
"text_head"}]}]}` (see `tests/fixtures/seeds_sections.json`): offsets are `str` indices into the
file named by `file` (relative to the public data folder), and `text_head` (the first 30
characters of each span) lets `gold_documents` refuse a gold file that no longer matches its text.

Character scores count only non-whitespace characters, so that where the blank lines between
blocks go (a convention, not a judgement) never moves a score. A gold comment is found when a
predicted comment span overlaps it with IoU >= `COMMENT_MIN_IOU` (one-to-one, whitespace at the
span ends left out of the IoU for the same reason).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsprism.config import data_dir
from newsprism.document import Document, Span, SpanError, spans_cover
from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.spans import PRF, iou, match_one_to_one

SECTION_LABELS = ("title", "byline", "body", "caption", "boilerplate", "comment")
COMMENT_MIN_IOU = 0.8
"""IoU a predicted comment needs to count as finding a gold comment (the brief's target)."""
HEAD_CHARS = 30
"""Length of the `text_head` check stored with each gold span."""


@dataclass(frozen=True, slots=True)
class CommentMatch:
    """One gold comment and the best predicted comment for it."""

    doc_id: str
    gold: tuple[int, int]
    predicted: tuple[int, int] | None
    iou: float

    @property
    def found(self) -> bool:
        """Matched at IoU >= COMMENT_MIN_IOU."""
        return self.predicted is not None and self.iou >= COMMENT_MIN_IOU

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "doc": self.doc_id,
            "gold": list(self.gold),
            "predicted": list(self.predicted) if self.predicted else None,
            "iou": round(self.iou, 4),
            "found": self.found,
        }


@dataclass(slots=True)
class SectionScores:
    """Body and per-label character scores, and the comment matches."""

    labels: dict[str, PRF] = field(default_factory=lambda: {k: PRF() for k in SECTION_LABELS})
    comments: list[CommentMatch] = field(default_factory=list)
    documents: int = 0
    missing: list[str] = field(default_factory=list)
    """Gold document ids with no prediction (left out of every count)."""

    @property
    def body(self) -> PRF:
        """Body characters (non-whitespace): the headline number."""
        return self.labels["body"]

    @property
    def comments_found(self) -> int:
        """Gold comments matched at IoU >= COMMENT_MIN_IOU."""
        return sum(1 for match in self.comments if match.found)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready scores."""
        return {
            "documents": self.documents,
            "missing": list(self.missing),
            "body": self.body.as_dict(),
            "labels": {label: prf.as_dict() for label, prf in self.labels.items()},
            "comments": {
                "found": self.comments_found,
                "total": len(self.comments),
                "min_iou": COMMENT_MIN_IOU,
                "matches": [match.to_dict() for match in self.comments],
            },
        }


# -- gold -----------------------------------------------------------------------------------


def _read_gold(path: Path) -> list[Mapping[str, Any]]:
    """The gold file's document objects (E100 when absent, E504 when malformed)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsprismError(Code.NOT_FOUND, str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as bad:
        raise NewsprismError(Code.BAD_GOLD, str(path), f"not JSON: {bad}") from None
    documents = data.get("documents") if isinstance(data, dict) else data
    if not isinstance(documents, list) or not all(isinstance(d, dict) for d in documents):
        raise NewsprismError(Code.BAD_GOLD, str(path), "expected {'documents': [objects]}")
    return documents


def load_section_gold(path: Path) -> dict[str, list[Span]]:
    """Gold `sections` spans by document id (E504 on a bad label, offset or missing key)."""
    gold: dict[str, list[Span]] = {}
    for entry in _read_gold(path):
        doc_id = entry.get("id")
        sections = entry.get("sections")
        if not isinstance(doc_id, str) or not doc_id or not isinstance(sections, list):
            raise NewsprismError(Code.BAD_GOLD, str(path), "each document needs id and sections")
        spans: list[Span] = []
        for item in sections:
            try:
                span = Span(item["start"], item["end"], item["label"])
            except (KeyError, TypeError, SpanError) as bad:
                raise NewsprismError(Code.BAD_GOLD, str(path), f"{doc_id}: {bad}") from None
            if span.label not in SECTION_LABELS:
                raise NewsprismError(
                    Code.BAD_GOLD, str(path), f"{doc_id}: unknown label {span.label!r}"
                )
            spans.append(span)
        gold[doc_id] = sorted(spans, key=lambda s: (s.start, s.end))
    return gold


def gold_documents(path: Path, root: Path | None = None) -> dict[str, Document]:
    """The gold texts as bare Documents (text only, no meta: the JSONL-record shape).

    Each `file` is read relative to `root` (default: the public data folder) and every gold
    span's `text_head` is checked against it, so a drifted file or gold fails loudly (E504).
    """
    base = root if root is not None else data_dir()
    gold = load_section_gold(path)
    documents: dict[str, Document] = {}
    for entry in _read_gold(path):
        doc_id, name = entry["id"], entry.get("file")
        if not isinstance(name, str):
            raise NewsprismError(Code.BAD_GOLD, str(path), f"{doc_id}: no 'file'")
        try:
            text = (base / name).read_bytes().decode("utf-8")
        except FileNotFoundError:
            raise NewsprismError(Code.NOT_FOUND, str(base / name)) from None
        except UnicodeDecodeError as bad:
            raise NewsprismError(Code.UNDECODABLE, str(base / name), str(bad)) from None
        problem = check_gold_text(gold[doc_id], entry["sections"], text)
        if problem:
            raise NewsprismError(Code.BAD_GOLD, str(path), f"{doc_id}: {problem}")
        documents[doc_id] = Document(doc_id, text)
    return documents


def check_gold_text(spans: Sequence[Span], raw: Sequence[Mapping[str, Any]], text: str) -> str:
    """Why the gold does not fit `text` ("" when it does): tiling and every `text_head`."""
    if not spans_cover(spans, len(text)):
        return f"the spans do not tile the text ({len(text)} characters)"
    for item in raw:
        start = item["start"]
        head = item.get("text_head")
        if head is not None and text[start : start + HEAD_CHARS] != head:
            return f"text_head at {start} reads {text[start : start + HEAD_CHARS]!r}, not {head!r}"
    return ""


# -- scoring --------------------------------------------------------------------------------


def _char_labels(spans: Sequence[Span], size: int) -> list[str | None]:
    """The section label of every character (None where no span covers it; later spans win)."""
    labels: list[str | None] = [None] * size
    for span in spans:
        end = min(span.end, size)
        labels[span.start : end] = [span.label] * max(0, end - span.start)
    return labels


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    """`[start, end)` without whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _score_document(
    scores: SectionScores, doc_id: str, text: str, predicted: Sequence[Span], gold: Sequence[Span]
) -> None:
    """Add one document's character counts and comment matches to `scores`."""
    size = len(text)
    pred_labels = _char_labels(predicted, size)
    gold_labels = _char_labels(gold, size)
    for index, char in enumerate(text):
        if char.isspace():
            continue
        p, g = pred_labels[index], gold_labels[index]
        if p in scores.labels:
            scores.labels[p].n_pred += 1
        if g in scores.labels:
            scores.labels[g].n_gold += 1
            if p == g:
                scores.labels[g].tp_pred += 1
                scores.labels[g].tp_gold += 1
    gold_comments = [_strip(text, s.start, s.end) for s in gold if s.label == "comment"]
    pred_comments = [_strip(text, s.start, s.end) for s in predicted if s.label == "comment"]
    pairs = dict((g, p) for p, g in match_one_to_one(pred_comments, gold_comments, 0.0))
    for g_index, g_range in enumerate(gold_comments):
        p_index = pairs.get(g_index)
        if p_index is None:
            scores.comments.append(CommentMatch(doc_id, g_range, None, 0.0))
        else:
            p_range = pred_comments[p_index]
            scores.comments.append(CommentMatch(doc_id, g_range, p_range, iou(p_range, g_range)))


def score_sections(
    predicted: Mapping[str, Document], gold: Mapping[str, list[Span]]
) -> SectionScores:
    """Score each gold document's predicted `sections` layer.

    A gold id absent from `predicted` is listed in `missing` and cannot be scored (its text is
    unknown here); predicted documents without gold are ignored.
    """
    scores = SectionScores()
    for doc_id, gold_spans in gold.items():
        doc = predicted.get(doc_id)
        if doc is None:
            scores.missing.append(doc_id)
            continue
        scores.documents += 1
        _score_document(scores, doc_id, doc.text, doc.layer("sections"), gold_spans)
    return scores
