"""Wire datelines: the place and filing date that open a copy, in the agencies' forms."""

from __future__ import annotations

import pytest

from newsprism.analyzers.attributions import trim_source
from newsprism.analyzers.datelines import dateline_at, in_dateline_date


@pytest.mark.parametrize(
    ("text", "place", "date"),
    [
        ("BEIRUT, Oct 1 (Reuters) - Russian warplanes", "BEIRUT", "Oct 1"),
        ("MOSCOW, October 21. /TASS/. Russian aircraft", "MOSCOW", "October 21"),
        ("KESSEN, Ostravia (MPA) – Airstrikes on", "KESSEN", None),
        ("WASHINGTON (AP) — A Russian jet", "WASHINGTON", None),
        ("RAS AL-AIN, Syria, Oct. 7, 2015 (AP) — Kurdish", "RAS AL-AIN", "Oct. 7, 2015"),
        ("Moscow, 1 October (RIA Novosti) - Russian jets", "Moscow", "1 October"),
        ("VAROSK, 10 October 2015 – Over the past", "VAROSK", "10 October 2015"),
    ],
)
def test_agency_datelines(text: str, place: str, date: str | None) -> None:
    match = dateline_at(text, 0)
    assert match is not None
    assert (match.group("place"), match.group("date")) == (place, date)


def test_prose_is_no_dateline() -> None:
    assert dateline_at("He said in BEIRUT, Oct 1 that the talks failed.", 0) is None
    assert dateline_at("Russian jets struck Talbiseh on Wednesday.", 0) is None
    text = "Headline\n\nHe was in BEIRUT, Oct 1 - then"
    assert not in_dateline_date(text, text.index("Oct"))


def test_a_source_loses_the_dateline_and_the_day_the_tagger_took_in() -> None:
    for text, speaker in (
        ("TEHRAN, Oct 9 - Iran's defence ministry on Friday", "Iran's defence ministry"),
        (
            "MOSCOW, October 21. /TASS/. Defence Ministry spokesman Pavel Orlov",
            "Defence Ministry spokesman Pavel Orlov",
        ),
        ("US officials, on Thursday", "US officials"),
        ("The Syrian Observatory for Human Rights", "The Syrian Observatory for Human Rights"),
    ):
        start, end = trim_source(text, 0, len(text))
        assert text[start:end] == speaker
