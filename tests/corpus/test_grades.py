"""Corroboration grades (Airwars' scheme) and reading them back with `grades_for`."""

from __future__ import annotations

from pathlib import Path

from corpus.test_conflicts import _articles, _claims
from newsprism.corpus.align import Alignment, Claim, align_story
from newsprism.corpus.conflicts import find_conflicts
from newsprism.corpus.grades import grade_alignment, grade_claims, grades_for, same_party
from newsprism.corpus.store import Store


def _claim(doc: str, source: str, **changes: object) -> Claim:
    base = dict(
        doc_id=doc, span_id="events.0", layer="events", start=0, end=10, label="airstrike",
        family="violence", places=frozenset({"raqqa"}), place_names=("Raqqa",),
        date="2015-10-02", actor="Russia", counts=(("strikes", 18, 18),), polarity="assert",
        speaker=None, source=source, terms=frozenset({"strikes"}), lead=True, text="x" * 10,
    )  # fmt: skip
    base.update(changes)
    return Claim(**base)  # type: ignore[arg-type]


def _grade(*members: Claim) -> str:
    alignment = Alignment("s.a0", "s", "airstrike", list(members))
    return grade_alignment(alignment, find_conflicts([alignment]))[0]


def test_grades_in_precedence_order() -> None:
    a, b = _claim("a", "outlet a"), _claim("b", "outlet b")
    assert _grade(a, b) == "corroborated"
    # A republication (same independent source) does not corroborate.
    assert _grade(a, _claim("copy", "outlet a")) == "single_source"
    assert _grade(a, _claim("b", "outlet b", counts=(("strikes", 20, 20),))) == "contested"
    assert _grade(a, _claim("b", "outlet b", polarity="deny")) == "denied"
    # The acting party itself says so.
    assert _grade(a, _claim("b", "ministry", speaker="Russia's defence ministry")) == "confirmed"


def test_acting_party_name_variants_confirm() -> None:
    actor = "Russian Defense Ministry"
    for speaker in ("Russia's defence ministry", "Moscow", "Igor Konashenkov", "the Kremlin"):
        assert same_party(actor, speaker), speaker
        a = _claim("a", "outlet a", actor=actor)
        assert _grade(a, _claim("b", "outlet b", speaker=speaker)) == "confirmed"
    assert same_party("US-led coalition", "Pentagon")
    assert same_party("Syrian army", "SANA")
    # Monitors and opponents share a nationality with the state, not its voice.
    assert not same_party("Syrian army", "Syrian Observatory for Human Rights")
    assert not same_party("Assad regime", "Syrian opposition")
    assert not same_party("Russia", "Turkey")
    assert _grade(_claim("a", "x"), _claim("b", "y", speaker="Syrian Observatory")) == (
        "corroborated"
    )


def test_every_claim_of_a_story_gets_a_grade() -> None:
    articles = _articles()
    claims = _claims(articles)
    alignments = align_story("s1", claims, 2.5)
    grades = grade_claims("s1", claims, alignments, find_conflicts(alignments))
    assert {(g.doc_id, g.span_id) for g in grades} == {c.key for c in claims}
    by_doc = {g.doc_id: g for g in grades}
    assert by_doc["wire"].grade == "denied"  # the ministry denies the reported killings
    assert by_doc["wire"].alignment_id == alignments[0].id
    assert set(by_doc["wire"].evidence["conflicts"]) >= {"number", "polarity"}


def test_grades_for_reads_nothing_before_an_analysis(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.db") as store:
        assert grades_for(store, "any") == []
