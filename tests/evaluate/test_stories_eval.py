"""The stories scorer: ARI without scikit-learn, conflict recall, gold file checks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.stories import adjusted_rand_index, load_gold, score_stories


def test_ari_known_values() -> None:
    gold = {"a": "1", "b": "1", "c": "2", "d": "2"}
    assert adjusted_rand_index(gold, {"a": "x", "b": "x", "c": "y", "d": "y"}) == 1.0
    # Every document alone against two pairs: no agreement beyond chance.
    assert adjusted_rand_index(gold, {}) == 0.0
    # sklearn.metrics.adjusted_rand_score([0,0,0,1,1,1], [0,0,1,1,2,2]) = 0.2424...
    six = dict(zip("abcdef", "000111", strict=True))
    pred = dict(zip("abcdef", "001122", strict=True))
    assert adjusted_rand_index(six, pred) == pytest.approx(0.242424, abs=1e-6)
    singles = {"a": "1", "b": "2"}
    assert adjusted_rand_index(singles, {"a": "x", "b": "y"}) == 1.0


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "gold.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_conflict_recall_by_kind_and_span(tmp_path: Path) -> None:
    gold = load_gold(
        _write(
            tmp_path,
            {
                "stories": [{"id": "k", "articles": ["d1", "d2"]}, {"id": "s", "articles": ["d3"]}],
                "conflicts": [
                    {"kind": "number", "a": {"doc": "d2", "start": 0, "end": 5},
                     "b": {"doc": "d1", "start": 10, "end": 20}},
                    {"kind": "place", "a": {"doc": "d1"}, "b": {"doc": "d2"}},
                ],
            },
        )
    )  # fmt: skip
    stories = [{"id": "p", "articles": ["d1", "d2"]}, {"id": "q", "articles": ["d3"]}]
    side = {"span": "x", "text": "t"}
    predicted = [
        {"kind": "number", "a": {"doc": "d1", "start": 12, "end": 30, **side},
         "b": {"doc": "d2", "start": 3, "end": 9, **side}},
        {"kind": "date", "a": {"doc": "d1", "start": 0, "end": 1, **side},
         "b": {"doc": "d2", "start": 0, "end": 1, **side}},
    ]  # fmt: skip
    scores = score_stories(gold, stories, predicted)
    assert scores["ari"] == 1.0
    assert scores["conflicts"]["recall"] == 0.5
    assert scores["conflicts"]["by_kind"]["number"] == {"gold": 1, "found": 1, "recall": 1.0}
    assert scores["conflicts"]["by_kind"]["place"]["found"] == 0
    assert scores["conflicts"]["predicted_matching_gold"] == 1
    # A gold conflict known to exist without knowing on what accepts the kinds it lists.
    label = {"kind": "label", "accept": ["date", "actor"], "a": {"doc": "d2"}, "b": {"doc": "d1"}}
    scores = score_stories({**gold, "conflicts": [label]}, stories, predicted)
    assert scores["conflicts"]["by_kind"]["label"] == {"gold": 1, "found": 1, "recall": 1.0}


def test_bad_gold_files_are_coded(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as error:
        load_gold(tmp_path / "missing.json")
    assert error.value.code is Code.NOT_FOUND
    for bad in ([], {"stories": 3}, {"stories": {}, "conflicts": [{"kind": "number"}]}):
        with pytest.raises(NewsprismError) as error:
            load_gold(_write(tmp_path, bad))
        assert error.value.code is Code.BAD_GOLD
