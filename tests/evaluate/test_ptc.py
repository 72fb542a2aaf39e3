"""The PTC loader and the SemEval-2020 Task 11 scorers, checked against hand-computed examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.errors import NewsprismError
from newsprism.evaluate.ptc import (
    TechniqueSpan,
    article_folds,
    article_id_of,
    load_ptc,
    load_techniques,
    merge_overlapping,
    read_tc_labels,
    si_score,
    tc_score,
)

T = TechniqueSpan


def test_si_partial_overlap_counts_a_share_of_each_span() -> None:
    score = si_score({"a": [(5, 15)]}, {"a": [(0, 10)]})
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(0.5)


def test_si_two_predictions_inside_one_gold_span() -> None:
    # Each prediction lies wholly inside the gold span: precision 1; each covers 4 of its 10 chars.
    score = si_score({"a": [(0, 4), (6, 10)]}, {"a": [(0, 10)]})
    assert score.precision == pytest.approx(1.0)
    assert score.recall == pytest.approx(0.8)
    assert score.f1 == pytest.approx(2 * 0.8 / 1.8)


def test_si_merges_overlapping_gold_but_not_touching_spans() -> None:
    assert merge_overlapping([(5, 20), (0, 10), (30, 31)]) == [(0, 20), (30, 31)]
    assert merge_overlapping([(0, 5), (5, 10)]) == [(0, 5), (5, 10)]
    assert si_score({"a": [(0, 20)]}, {"a": [(0, 10), (5, 20)]}).f1 == pytest.approx(1.0)
    touching = si_score({"a": [(0, 5), (5, 10)]}, {"a": [(0, 10)]})
    assert (touching.precision, touching.recall) == pytest.approx((1.0, 1.0))


def test_si_gold_of_unpredicted_articles_still_counts() -> None:
    score = si_score({"a": [(0, 10)]}, {"a": [(0, 10)], "b": [(0, 10)]})
    assert score.precision == pytest.approx(1.0)
    assert score.recall == pytest.approx(0.5)
    assert score.f1 == pytest.approx(2 / 3)


def test_si_false_positive_and_empty_cases() -> None:
    miss = si_score({"a": [(20, 30)]}, {"a": [(0, 10)]})
    assert (miss.precision, miss.recall, miss.f1) == (0.0, 0.0, 0.0)
    assert si_score({}, {}).f1 == 1.0
    assert si_score({"a": []}, {"a": [(0, 3)]}).f1 == 0.0


def test_si_one_prediction_over_two_gold_spans() -> None:
    # p = (3/10 + 3/10) / 1; r = (3/3 + 3/3) / 2.
    score = si_score({"a": [(0, 10)]}, {"a": [(0, 3), (7, 10)]})
    assert score.precision == pytest.approx(0.6)
    assert score.recall == pytest.approx(1.0)


def test_tc_aligns_labels_of_spans_with_the_same_offsets() -> None:
    gold = {"a": [T("Doubt", 0, 5), T("Slogans", 0, 5), T("Repetition", 8, 12)]}
    swapped = {"a": [T("Slogans", 0, 5), T("Doubt", 0, 5), T("Repetition", 8, 12)]}
    assert tc_score(swapped, gold, ["Doubt", "Slogans", "Repetition"]).micro_f1 == 1.0
    doubled = {"a": [T("Doubt", 0, 5), T("Doubt", 0, 5), T("Doubt", 8, 12)]}
    score = tc_score(doubled, gold, ["Doubt", "Slogans", "Repetition"])
    assert score.micro_f1 == pytest.approx(1 / 3)
    # Doubt: 1 tp, 2 fp, 0 fn -> 2/4; Slogans and Repetition: 0 tp.
    assert score.per_technique == pytest.approx({"Doubt": 0.5, "Slogans": 0.0, "Repetition": 0.0})


def test_tc_missing_predictions_lower_recall_only() -> None:
    gold = {"a": [T("Doubt", 0, 5), T("Slogans", 6, 9)]}
    score = tc_score({"a": [T("Doubt", 0, 5)]}, gold, ["Doubt", "Slogans"])
    assert score.precision == 1.0
    assert score.recall == 0.5
    assert score.micro_f1 == pytest.approx(2 / 3)


def test_folds_are_disjoint_cover_everything_and_are_seeded() -> None:
    ids = [str(i) for i in range(23)]
    folds = article_folds(ids, 5, seed=1)
    assert sorted(i for f in folds for i in f) == sorted(ids)
    assert folds == article_folds(ids, 5, seed=1)
    assert folds != article_folds(ids, 5, seed=2)
    with pytest.raises(NewsprismError):
        article_folds(ids, 1)


def test_article_ids_and_bad_label_files(tmp_path: Path) -> None:
    assert article_id_of(Path("x/article111111111.txt")) == "111111111"
    assert article_id_of(Path("x/story.txt")) == "story"
    bad = tmp_path / "bad.labels"
    bad.write_text("1\tDoubt\t5\n", encoding="utf-8")
    with pytest.raises(NewsprismError) as info:
        read_tc_labels(bad)
    assert "E106" in str(info.value)
    bad.write_text("1\tDoubt\t9\t5\n", encoding="utf-8")
    with pytest.raises(NewsprismError):
        read_tc_labels(bad)


def test_ptc_train_split_loads_exactly(shared_data: Path) -> None:
    ptc = shared_data / "ptc"
    if not ptc.is_dir():
        pytest.skip("PTC not present")
    techniques = load_techniques(ptc)
    assert len(techniques) == 14
    articles = load_ptc(ptc)
    assert len(articles) == 371
    spans = [s for a in articles for s in a.spans]
    assert len(spans) == 6129
    assert {s.technique for s in spans} <= set(techniques)
    first = next(a for a in articles if a.id == "111111111")
    assert first.text[149:157] == "appeared"
    # Offsets count a leading BOM: it stays as U+FEFF and the gold spans still land on words.
    bom = next(a for a in articles if a.id == "705409419")
    assert bom.text[0] == "\ufeff"
    assert bom.text[138:158] == "a devastating letter"
