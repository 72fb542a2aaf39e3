"""comments.v1 on seed 002's reader comments and on hand-built comment sections."""

from __future__ import annotations

from pathlib import Path

from newsprism.config import Config
from newsprism.document import Document, Span
from newsprism.pipeline import build_pipeline
from newsprism.readers import read_inputs


def test_seed_002_antisemitic_comments_flagged(seed_002: Path, config: Config) -> None:
    pipeline = build_pipeline(config, only=["comment_flags"])
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
    pipeline = build_pipeline(config, only=["comment_flags"])
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


def test_peoples_the_tagger_names_are_targets_adjectives_are_not(config: Config) -> None:
    """The demo blog's hateful comment targets a people of the sample's fictional region, which
    no lexicon lists; seed 002's "Syrian opposition" is an adjective, "Syrians" the people."""
    from newsprism.samples import sample_dir

    pipeline = build_pipeline(config)
    [blog] = [
        d
        for d in read_inputs([str(sample_dir() / "blog.html")], config=config)
        if isinstance(d, Document)
    ]
    flags = pipeline.analyze(blog).layer("comment_flags")
    rats = next(f for f in flags if "rats" in blog.text[f.start : f.end])
    assert rats.label == "hate" and rats.attrs["targets"] == ["dalmyri"]
    words = [blog.text[s:e] for s, e, group in rats.attrs["terms"] if group == "dalmyri"]
    assert words == ["Dalmyri"]
    doc = Document(
        "c",
        "Title\n\nBody.\n\nThere is no Syrian opposition, only an opposition devoid of Syrians,"
        " you idiots.",
    )
    comment = doc.text.index("There")
    doc = doc.with_layer("sections", [Span(0, 5, "title"), Span(comment, len(doc.text), "comment")])
    doc = doc.with_layer(
        "entities",
        [
            Span(doc.text.index("Syrian "), doc.text.index("Syrian ") + 6, "NORP"),
            Span(doc.text.index("Syrians"), doc.text.index("Syrians") + 7, "NORP"),
        ],
    )
    from newsprism.analyzers.comments import named_groups

    [group] = named_groups(doc, doc.layer("sections")[1], [], doc.layer("entities"))
    assert group.group == "syrian" and doc.text[comment + group.start :].startswith("Syrians")
