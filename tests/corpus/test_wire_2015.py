"""Wire-style coverage of two 2015 incidents, through the real pipeline and the corpus analysis.

`tests/fixtures/wire_2015.jsonl` is synthetic (the spokesman and the outlets are invented) but
written the way agencies, state media and activists' outlets reported Russia's first strikes on
Talbiseh (30 September 2015) and the strike on Sarmin's field hospital (20 October 2015):
datelines with the filing day ("BEIRUT, Oct 1 (Wire) -", TASS's "MOSCOW, October 21. /TASS/."),
weekdays that count back from it, and denials that name no denial word ("no civilians were
killed", "did not strike any hospitals").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from corpus.corpus_docs import batch_or_skip
from newsprism.config import Config
from newsprism.corpus.analysis import analyze_corpus, read_conflicts, read_stories
from newsprism.corpus.store import Store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "wire_2015.jsonl"


@pytest.fixture(scope="module")
def wire_db(tmp_path_factory: pytest.TempPathFactory, config: Config, encoder_dir: Path) -> Path:
    db = batch_or_skip([str(FIXTURE)], tmp_path_factory.mktemp("wire2015") / "wire.db", config)
    analyze_corpus(db, config)
    return db


def test_two_incidents_two_stories(wire_db: Path) -> None:
    with Store(wire_db, readonly=True) as store:
        stories = sorted(sorted(s["articles"]) for s in read_stories(store))
    assert stories == [
        ["sarmin-gulf", "sarmin-ministry", "sarmin-wire"],
        ["talbiseh-activists", "talbiseh-ministry", "talbiseh-state-tv", "talbiseh-wire"],
    ]


def test_denials_without_a_denial_word_contradict_the_reported_dead(wire_db: Path) -> None:
    with Store(wire_db, readonly=True) as store:
        conflicts = read_conflicts(store)
    polarity = {
        frozenset((c["a"]["doc"], c["b"]["doc"])) for c in conflicts if c["kind"] == "polarity"
    }
    assert polarity == {
        frozenset(("talbiseh-activists", "talbiseh-ministry")),
        frozenset(("talbiseh-wire", "talbiseh-ministry")),
        frozenset(("sarmin-gulf", "sarmin-ministry")),
        frozenset(("sarmin-wire", "sarmin-ministry")),
    }
    # The denier is the spokesman the ministry's outlet quotes, not the outlet.
    assert all("Pavel Orlov denies it" in c["note"] for c in conflicts if c["kind"] == "polarity")
    # State television's "terrorist hideouts destroyed" reports no harm to civilians.
    assert not any(
        c["kind"] == "polarity" and "talbiseh-state-tv" in (c["a"]["doc"], c["b"]["doc"])
        for c in conflicts
    )


def test_a_datelines_filing_day_is_no_date_of_the_strikes(wire_db: Path) -> None:
    with Store(wire_db, readonly=True) as store:
        conflicts = read_conflicts(store)
        wire = store.get("talbiseh-wire")
    assert [c for c in conflicts if c["kind"] == "date"] == []
    lead = wire.layer("events")[0]
    assert lead.attrs["date"] == "2015-09-30"  # "on Wednesday", counted back from Oct 1


def test_the_tolls_of_one_hospital_strike_disagree(wire_db: Path) -> None:
    with Store(wire_db, readonly=True) as store:
        numbers = [c for c in read_conflicts(store) if c["kind"] == "number"]
    assert [(sorted((c["a"]["doc"], c["b"]["doc"])), c["note"]) for c in numbers] == [
        (["sarmin-gulf", "sarmin-wire"], "killed: at least 15 vs 13")
    ]
