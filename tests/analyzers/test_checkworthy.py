"""checkworthy.v1 over the shared encoder pass: factual sentences marked, opinions not."""

from __future__ import annotations

from pathlib import Path

from newsprism.config import Config
from newsprism.document import Document
from newsprism.pipeline import build_pipeline

TEXT = (
    "Strike report\n\n"
    "The ministry said 58 people were killed in Idlib on Tuesday, including 11 children. "
    "I think we all need to calm down. "
    "Unemployment rose to 9 percent in 2016, the statistics office reported.\n"
)


def test_checkworthy_layer(config: Config, encoder_dir: Path) -> None:
    del encoder_dir  # the fixture prepares (or skips for want of) the encoder
    pipeline = build_pipeline(
        config, names=["sections.v1", "sentences.v1", "encoder.v1", "checkworthy.v1"]
    )
    doc = pipeline.analyze(Document("cw", TEXT))
    marked = [doc.span_text(s) for s in doc.layer("checkworthy")]
    assert any("58 people were killed" in t for t in marked)
    assert any("Unemployment rose" in t for t in marked)
    assert not any("calm down" in t for t in marked)
    for span in doc.layer("checkworthy"):
        assert span.label == "checkworthy" and span.score is not None
        assert doc.find_span(span.attrs["sentence"]) is not None


def test_stored_test_f1(config: Config) -> None:
    from newsprism.analyzers.checkworthy import load_head

    _, report = load_head()
    assert report["test_f1"] >= 0.84  # measured 0.8525 on checkworthy/test.json


def test_a_byline_is_no_claim(config: Config, encoder_dir: Path) -> None:
    """A byline's date and name read as a checkable fact to the head; it is not the article's."""
    del encoder_dir
    pipeline = build_pipeline(
        config, names=["sections.v1", "sentences.v1", "encoder.v1", "checkworthy.v1"]
    )
    text = "Strike report\n\nBy Jane Roe | October 11, 2015\n\n" + TEXT.split("\n\n", 1)[1]
    doc = pipeline.analyze(Document("cw-byline", text))
    assert [s.label for s in doc.layer("sections")][:2] == ["title", "byline"]
    marked = [doc.span_text(s) for s in doc.layer("checkworthy")]
    assert any("58 people were killed" in t for t in marked)
    assert not any("Jane Roe" in t for t in marked)
