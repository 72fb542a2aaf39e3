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


@pytest.fixture(scope="module")
def seed0_report(seed_000: Path, config: Config, encoder_dir: Path) -> str:
    doc = next(d for d in read_inputs([str(seed_000)], ReaderOptions(), config))
    assert isinstance(doc, Document)
    analysed = build_pipeline(config).analyze(doc)
    console = Console(width=110, record=True, color_system=None)
    console.print(render_document(analysed))
    return console.export_text()


def test_events_evidence_is_readable_at_110_columns(seed0_report: str) -> None:
    """The evidence column once got one character a line when long speaker names took the
    width: each event's sentence must wrap into words."""
    events = seed0_report[seed0_report.index("Events (") :]
    assert "On Sunday, Fars News said US" in events
    assert "│ … │" not in events


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
