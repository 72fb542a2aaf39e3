"""The terminal report as a user reads it on an ordinary terminal: nothing cut that matters."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from newsprism.config import Config
from newsprism.document import Document
from newsprism.pipeline import build_pipeline
from newsprism.readers.inputs import read_inputs
from newsprism.readers.options import ReaderOptions
from newsprism.report import render_document


def _report(path: Path, config: Config, width: int) -> str:
    """The terminal report of a file through the default pipeline, as `width` columns show it."""
    doc = next(d for d in read_inputs([str(path)], ReaderOptions(), config))
    assert isinstance(doc, Document)
    console = Console(width=width, record=True, color_system=None)
    console.print(render_document(build_pipeline(config).analyze(doc)))
    return console.export_text()


@pytest.fixture(scope="module")
def seed0_report(seed_000: Path, config: Config, encoder_dir: Path) -> str:
    return _report(seed_000, config, 110)


def test_events_evidence_is_readable_at_110_columns(seed0_report: str) -> None:
    """The evidence column once got one character a line when long speaker names took the
    width: each event's sentence must wrap into words."""
    events = seed0_report[seed0_report.index("Events (") :]
    assert "On Sunday, Fars News said US" in events
    assert "│ … │" not in events
    # Who was hit stands beside who acted, as the web page shows it.
    assert "target: United States and" in events and "target: civilians" in events


def test_a_denial_in_the_articles_own_words_is_the_articles(seed0_report: str) -> None:
    """Seed 000: "Propaganda reports claimed it was totally destroyed, killing 12 people": the
    reports assert it, the article's word "Propaganda" disputes it. It had read "claimed by:
    Propaganda reports · deny". Konashenkov, who calls claims false, denies in his own words."""
    events = seed0_report[seed0_report.index("Events (") : seed0_report.index("Trust: ")]
    flat = " ".join(" ".join(line.strip("│ ") for line in events.splitlines()).split())
    assert "claimed by: Propaganda reports · assert · the text disputes it" in flat
    assert "Propaganda reports · deny" not in flat
    assert "Konashenkov · deny" in flat


@pytest.fixture(scope="module")
def seed2_report_80(seed_002: Path, config: Config, encoder_dir: Path) -> str:
    return _report(seed_002, config, 80)


def test_inferred_places_say_where_they_came_from(seed0_report: str) -> None:
    """'In the last two days alone, 131 sorties were flown' names no place: the Sarmin it carries
    over from the paragraphs before is marked as inferred, while Raqqa, which its sentence
    names, is shown bare."""
    events = seed0_report[seed0_report.index("Events (") : seed0_report.index("Trust: ")]
    flat = " ".join(line.strip("│ ") for line in events.splitlines())
    assert "Sarmin (SY) · from an earlier sentence" in " ".join(flat.split())
    raqqa = events[events.index("Raqqa (SY)") :].split("\n", 1)[0]
    assert "earlier" not in raqqa and "main place" not in raqqa


def test_event_facts_are_whole_at_80_columns(seed2_report_80: str) -> None:
    """At 80 columns eight event columns had cut every place and actor to three letters
    ("Raq…", "Rus…"): the facts stand whole on their own lines, and a sentence stating several
    events (SANA's list of raided towns) is printed once."""
    events = seed2_report_80[seed2_report_80.index("Events (") : seed2_report_80.index("Trust: ")]
    for fact in ("Daret Ezza (SY)", "actor: Russia and Syria", "strikes 18, targets 12"):
        assert fact in events
    assert "Raq…" not in events and "Rus…" not in events
    assert events.count("It reported raids in Idlib") == 1
    assert events.count("(the same sentence)") >= 4


def test_every_trust_input_is_shown_whole(seed0_report: str) -> None:
    """Each model input of a trust component gets its own row, none cut off with an ellipsis."""
    trust = seed0_report[seed0_report.index("Trust: ") :]
    for name in (
        "same_place_outlets",
        "grade_supported_share",
        "grade_disputed_share",
        "named_share",
        "unattributed_share",
        "denial_share",
        "persuasion_per_100",
    ):
        assert name in trust
    assert "not graded" in trust  # a single article has no corpus grades
    assert "unknown (no domain)" in trust  # a plain-text file names no outlet


def test_hostile_event_fields_stay_plain_text() -> None:
    """An event's fields come from article text (or a stored JSON a user was sent): controls are
    dropped and console markup is printed as written, never run."""
    from newsprism.document import Span

    text = "Jets hit [bold]Town[/bold] \x1b[31mtoday."
    event = Span(
        0,
        len(text),
        "airstrike",
        attrs={
            "date": "2015-10-02\x1b[2J",
            "place": {"name": "[link=javascript:x]Town[/link]\x1b]8;;", "country": "SY"},
            "counts": {"killed\x07": 3},
            "actor": "\u202eRussia",
            "claimed_by": "attributions.9\x1b[0m",
        },
    )
    doc = Document(id="hostile", text=text, layers={"events": [event]})
    console = Console(width=80, record=True, color_system=None)
    console.print(render_document(doc))
    out = console.export_text()
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "[link=javascript:x]Town" in out and "[bold]Town[/bold]" in out
    assert "2015-10-02[2J" in out and "actor: Russia" in out
