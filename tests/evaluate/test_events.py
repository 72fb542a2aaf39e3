"""The events scorer: matching by evidence overlap, place distance, bad gold files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.document import Document, Span
from newsprism.errors import NewsprismError
from newsprism.evaluate.events import load_gold, score_events
from newsprism.geo.gazetteer import haversine_km


def test_haversine() -> None:
    assert haversine_km(35.95, 39.0, 35.95, 39.0) == 0
    assert 40 < haversine_km(35.13, 36.75, 35.5, 36.75) < 42


def test_score_matches_by_overlap(tmp_path: Path) -> None:
    text = "Jets struck Raqqa on Friday. Nothing else."
    gold = {
        "d": [
            {
                "evidence": "struck Raqqa",
                "place": {"name": "Raqqa", "country": "SY", "lat": 35.95, "lon": 39.0},
                "date": "2015-10-02",
                "counts": {"strikes": 1},
            },
            {"evidence": "Nothing else"},
        ]
    }
    pred = Span(
        0,
        28,
        "airstrike",
        None,
        {
            "place": {"name": "Raqqa", "country": "SY", "lat": 35.9, "lon": 39.1},
            "date": "2015-10-02",
            "counts": {"strikes": 2},
        },
    )
    result = score_events(gold, [Document("d", text, {}, {"events": [pred]})])
    assert (result["recall"], result["precision"]) == (0.5, 1.0)
    assert result["place_accuracy"] == 1.0 and result["date_accuracy"] == 1.0
    assert result["counts_exact"] == 0.0


def test_a_place_inferred_where_the_text_says_none_is_wrong() -> None:
    """Seed 000: "In the last two days alone, 131 sorties were flown" names no place; the Sarmin
    carried over from the paragraphs before counts against unplaced accuracy, a country alone
    does not."""
    text = "Jets flew 131 sorties. Jets flew 20 sorties."
    gold = {"d": [{"evidence": "Jets flew 131 sorties", "place": None},
                  {"evidence": "Jets flew 20 sorties", "place": None}]}  # fmt: skip
    sarmin = {"name": "Sarmin", "country": "SY", "kind": "city", "lat": 35.9, "lon": 36.7}
    syria = {"name": "Syria", "country": "SY", "kind": "country", "lat": 35.0, "lon": 38.0}
    preds = [
        Span(0, 21, "airstrike", None, {"place": sarmin}),
        Span(23, 43, "airstrike", None, {"place": syria}),
    ]
    result = score_events(gold, [Document("d", text, {}, {"events": preds})])
    assert result["unplaced_accuracy"] == 0.5 and result["place_accuracy"] is None


def test_bad_gold(tmp_path: Path) -> None:
    bad = tmp_path / "gold.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(NewsprismError, match="E504"):
        load_gold(bad)
    bad.write_text(json.dumps({"documents": [{"id": "x", "events": [{}]}]}), encoding="utf-8")
    with pytest.raises(NewsprismError, match="E504"):
        load_gold(bad)
    with pytest.raises(NewsprismError, match="E100"):
        load_gold(tmp_path / "missing.json")
