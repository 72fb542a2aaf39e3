"""FA-KES proxy story evaluation: floors just under the measured ARI and conflict recall.

The full default pipeline takes minutes over 571 articles on two cores, so this runs a light one
(LIGHT: sections, sentences, entities without the encoder's NER head, events) over the 86
articles published in 2017 (10 hand-read incidents), analysed once per session and never cached
on disk; the corpus analysis still encodes their leads with the shared encoder (~20 s in all).
Measured with LIGHT on that part: ARI 0.807, conflict recall 0.512 (21/41: label 11/24, number
10/17) once two leads stating one day gained 0.05 in the story score (0.769 and 0.415 at 0.03;
ARI 0.762 before the stated lead days entered the story score at all). Every label pair lost
earlier on 2026-12-06 had been matched only by a false date conflict (listed below), while number
recall held. Earlier figures:
- 0.415 at a same-day bonus of 0.03, the date fixes below in place;
- 0.439 until an event named as a time anchor stopped taking its clause's date ("the evacuation
  had resumed on Sunday after the bombing" had dated the Saturday blast Sunday);
- 0.488 until a date in a relative clause stopped dating the event ("The blast hit buses ...
  which had been waiting ..., carrying people evacuated from two villages on Friday" had dated
  the Saturday blast Friday): the two label pairs lost had been matched only by that false date
  conflict;
- 0.512 until relative dates counted from a stamp under the headline ("... Moscow AFP Saturday
  7 Oct 2017"): the label pair lost had been matched only by the date conflict that the misread
  "Saturday" made (2017-09-30 vs 2017-10-07);
- 0.439 while the stricter place conflicts had dropped three label pairs that name slips had
  matched ("Observatory, Suspected, Syrias vs Assad, Syria"), until tolls aligned through their
  paragraph's place and relative dates counted from the page's stamp;
- 0.488 before an outlet carrying another's text could conflict where it changed it;
- before the event places entered the story score, ARI 0.650 and recall 0.415;
- before the lead tolls did, ARI 0.435 and recall 0.268 (0.195 before lead tolls were compared
  across stories).

The whole corpus with the default pipeline: `newsprism eval stories --fakes`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from newsprism.config import Config
from newsprism.document import Document
from newsprism.evaluate.fakes import load_fakes
from newsprism.evaluate.fakes_stories import (
    evaluate_fakes_stories,
    fakes_gold,
    headline_killed,
)

LIGHT = ("sections.v1", "sentences.v1", "entities.v1", "events.v1")
SINCE = "2017-01-01"


@pytest.fixture(scope="module")
def result(shared_data: Path, config: Config, encoder_dir: Path) -> dict[str, Any]:
    return evaluate_fakes_stories(config, analyzers=LIGHT, since=SINCE)


def test_proxy_scores_stay_above_floors(result: dict[str, Any]) -> None:
    scores = result["all"]
    assert scores["documents"] == 86
    assert result["gold_incidents"] == 10 and scores["gold_stories"] == 61
    assert scores["ari"] >= FLOOR_ARI
    assert scores["conflicts"]["recall"] >= FLOOR_RECALL


def test_gold_never_reads_the_analysis(shared_data: Path) -> None:
    docs = load_fakes().docs
    gold = fakes_gold(docs)
    ids = {d.id for d in docs}
    assert set(gold["stories"]) == ids
    kinds = {c["kind"] for c in gold["conflicts"]}
    assert kinds == {"number", "label"}
    # Every gold conflict joins two outlets of one incident.
    outlets = {d.id: d.meta.get("outlet") for d in docs}
    for conflict in gold["conflicts"]:
        a, b = conflict["a"]["doc"], conflict["b"]["doc"]
        assert gold["stories"][a] == gold["stories"][b] and outlets[a] != outlets[b]


def test_headline_tolls() -> None:
    assert headline_killed("Motorbike bomber kills 16 outside bakery") == (16, 16)
    assert headline_killed("At least 44 killed dozens injured as twin bombing") == (44, None)
    assert headline_killed("More than 30 Syrian rebels killed in IS blast") == (31, None)
    assert headline_killed("Nine persons killed 12 injured in terrorist attack") == (9, 9)
    assert headline_killed("175 Nusra Terrorists Killed Injured in Castello Road") is None
    assert headline_killed("Published July 21 2015: talks resume") is None


def test_blinded_documents_keep_no_location_or_label() -> None:
    from newsprism.evaluate.fakes_stories import blind

    doc = Document("x", "text", meta={"fields": {"location": "aleppo", "labels": "1"}})
    assert blind(doc).meta["fields"] == {}


FLOOR_ARI = 0.78
FLOOR_RECALL = 0.49
