"""comments.v1 on seed 002's reader comments and on hand-built comment sections."""

from __future__ import annotations

from pathlib import Path

from newsprism.config import Config
from newsprism.document import Document, Span
from newsprism.pipeline import build_pipeline
from newsprism.readers import read_inputs


def test_seed_002_antisemitic_comments_flagged(seed_002: Path, config: Config) -> None:
    pipeline = build_pipeline(config, names=["sections.v1", "comments.v1"])
    [raw] = [d for d in read_inputs([str(seed_002)], config=config) if isinstance(d, Document)]
    doc = pipeline.analyze(raw)
    flags = doc.layer("comment_flags")
    hate = [f for f in flags if f.label == "hate"]
    texts = " ".join(doc.span_text(f) for f in hate)
    for term in ("zog", "IzraHell", "zionist scum"):
        assert term in texts
    assert all(f.attrs["targets"] == ["jewish"] for f in hate if f.attrs["slur"])
    comments = [s for s in doc.layer("sections") if s.label == "comment"]
    for flag in flags:
        # Flags cover whole comments and point at them.
        assert any(c.id == flag.attrs["comment"] and c.start == flag.start for c in comments)
        for start, end, _group in flag.attrs["terms"]:
            assert flag.start <= start < end <= flag.end
    score = doc.scores["comment_flags"]
    assert score["hate"] >= 1 and "jewish" in score["targets"]
    assert 0.0 < score["value"] <= 1.0


def test_no_comments_no_flags(config: Config) -> None:
    pipeline = build_pipeline(config, names=["sections.v1", "comments.v1"])
    doc = pipeline.analyze(Document("a", "Title\n\nA plain article about the weather.\n"))
    assert doc.layer("comment_flags") == ()
    assert doc.scores["comment_flags"]["value"] == 0.0


def test_model_flags_plain_abuse(config: Config) -> None:
    from newsprism.analyzers.comments import flag_comments

    text = "Nice article.\nyou are a stupid fucking idiot bitch\nThanks for the report on the rain"
    first = text.index("you")
    last = text.index("Thanks")
    doc = Document("c", text).with_layer(
        "sections",
        [Span(0, 13, "body"), Span(first, last - 1, "comment"), Span(last, len(text), "comment")],
    )
    flags = flag_comments(doc, config.trust.comment_flag_min)
    assert [f.attrs["comment"] for f in flags] == ["sections.1"]
    assert flags[0].label in ("offensive", "hate")
