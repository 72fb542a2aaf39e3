"""The sections scorer: gold loading and checking, character P/R/F1, comment matching."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.sections import (
    COMMENT_MIN_IOU,
    gold_documents,
    load_section_gold,
    score_sections,
)

GOLD = Path(__file__).parents[1] / "fixtures" / "seeds_sections.json"


def _with(doc: Document, spans: list[Span]) -> Document:
    return doc.with_layer("sections", spans)


def test_gold_fixture_tiles_and_matches_the_seeds(shared_data: Path) -> None:
    gold = load_section_gold(GOLD)
    docs = gold_documents(GOLD, shared_data)  # raises E504 if any text_head drifted
    assert set(gold) == set(docs) == {"000", "002"}
    assert sum(s.label == "comment" for s in gold["002"]) == 5
    assert not docs["000"].meta  # the bare JSONL-record shape


def test_gold_scored_against_itself_is_perfect(shared_data: Path) -> None:
    gold = load_section_gold(GOLD)
    docs = gold_documents(GOLD, shared_data)
    scores = score_sections({k: _with(d, gold[k]) for k, d in docs.items()}, gold)
    assert scores.body.f1 == 1.0
    for label in ("title", "caption", "boilerplate", "comment", "body"):
        assert scores.labels[label].f1 == 1.0
    assert scores.labels["byline"].n_gold == 0
    assert scores.comments_found == len(scores.comments) == 5
    assert all(m.iou == 1.0 for m in scores.comments)
    out = scores.to_dict()
    json.dumps(out)
    assert out["comments"]["found"] == 5 and out["comments"]["min_iou"] == COMMENT_MIN_IOU


def test_all_body_prediction(shared_data: Path) -> None:
    gold = load_section_gold(GOLD)
    docs = gold_documents(GOLD, shared_data)
    predicted = {k: _with(d, [Span(0, len(d.text), "body")]) for k, d in docs.items()}
    scores = score_sections(predicted, gold)
    assert scores.body.recall == 1.0
    assert 0.3 < scores.body.precision < 0.9
    assert scores.comments_found == 0
    assert scores.labels["comment"].f1 == 0.0


def test_whitespace_placement_does_not_move_scores() -> None:
    text = "Title\n\nBody one.\n\n  1. A comment\n\n  2. Another\n"
    doc = Document("x", text)
    c1, c2 = text.index("  1."), text.index("  2.")
    gold = {
        "x": [
            Span(0, 7, "title"),
            Span(7, c1, "body"),
            Span(c1, c2, "comment"),
            Span(c2, len(text), "comment"),
        ]
    }
    # The same sections with the blank lines given to the following span instead.
    shifted = [
        Span(0, 5, "title"),
        Span(5, 16, "body"),
        Span(16, c2 - 2, "comment"),
        Span(c2 - 2, len(text), "comment"),
    ]
    scores = score_sections({"x": _with(doc, shifted)}, gold)
    assert scores.body.f1 == 1.0 and scores.labels["title"].f1 == 1.0
    assert all(m.iou == 1.0 for m in scores.comments)


def test_split_comment_is_not_found() -> None:
    text = "Body.\n" + "word " * 50 + "\n"
    doc = Document("x", text)
    gold = {"x": [Span(0, 6, "body"), Span(6, len(text), "comment")]}
    half = 6 + (len(text) - 6) // 2
    pred = [Span(0, 6, "body"), Span(6, half, "comment"), Span(half, len(text), "comment")]
    scores = score_sections({"x": _with(doc, pred)}, gold)
    assert len(scores.comments) == 1
    assert not scores.comments[0].found and 0.4 < scores.comments[0].iou < 0.6


def test_missing_prediction_is_listed(shared_data: Path) -> None:
    gold = load_section_gold(GOLD)
    scores = score_sections({}, gold)
    assert sorted(scores.missing) == ["000", "002"] and scores.documents == 0


def test_drifted_text_head_is_refused(shared_data: Path, tmp_path: Path) -> None:
    data = json.loads(GOLD.read_text(encoding="utf-8"))
    data["documents"][0]["sections"][1]["text_head"] = "something else entirely"
    bad = tmp_path / "gold.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(NewsprismError) as caught:
        gold_documents(bad, shared_data)
    assert caught.value.code is Code.BAD_GOLD


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"documents": 3}',
        '{"documents": [{"id": "a", "sections": [{"start": 0, "end": 2, "label": "x"}]}]}',
        '{"documents": [{"id": "a", "sections": [{"start": 5, "end": 2, "label": "body"}]}]}',
        '{"documents": [{"sections": []}]}',
    ],
)
def test_malformed_gold_is_refused(tmp_path: Path, content: str) -> None:
    bad = tmp_path / "gold.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(NewsprismError) as caught:
        load_section_gold(bad)
    assert caught.value.code is Code.BAD_GOLD


def test_missing_gold_file(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as caught:
        load_section_gold(tmp_path / "absent.json")
    assert caught.value.code is Code.NOT_FOUND
