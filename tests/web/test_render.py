"""Segmenting and highlight marks: tiling, overlaps, class names never taken from data."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newsprism.document import Document, Span
from newsprism.web.render import Mark, article_segments, legend, safe_href, segment


def test_segments_tile_the_text_and_carry_overlapping_marks() -> None:
    text = "Alpha beta gamma delta"
    marks = [
        Mark(0, 10, "a", ("x",), "tip a"),
        Mark(6, 16, "b", ("y",), "tip b"),
        Mark(6, 10, "c", ("x", "z"), ""),
    ]
    segments = segment(text, marks)
    assert "".join(s.text for s in segments) == text
    assert [(s.start, s.end) for s in segments] == [(0, 6), (6, 10), (10, 16), (16, 22)]
    middle = segments[1]
    assert middle.classes == ("x", "y", "z")
    assert set(middle.span_ids) == {"a", "b", "c"}
    assert middle.tip == "tip a\ntip b"
    assert set(middle.anchors) == {"b", "c"}
    assert segments[3].classes == () and segments[3].span_ids == ()


def test_empty_and_out_of_range_marks_are_dropped() -> None:
    segments = segment("abc", [Mark(1, 1, "e", ("x",), ""), Mark(2, 9, "o", ("y",), "")])
    assert [s.text for s in segments] == ["abc"]
    assert segment("", [Mark(0, 0, "e", ("x",), "")]) == []


@given(
    st.text(max_size=40),
    st.lists(st.tuples(st.integers(0, 45), st.integers(0, 45)), max_size=12),
)
def test_segments_always_tile_the_text(text: str, ranges: list[tuple[int, int]]) -> None:
    marks = [Mark(a, b, f"m{i}", ("c",), "") for i, (a, b) in enumerate(ranges)]
    segments = segment(text, marks)
    assert "".join(s.text for s in segments) == text
    for seg in segments:
        for i, (a, b) in enumerate(ranges):
            covered = 0 <= a < b <= len(text) and a <= seg.start and seg.end <= b
            assert (f"m{i}" in seg.span_ids) == covered


def _doc() -> Document:
    text = 'The minister said "nothing was hit" and "<b>x</b>" denied it.'
    return Document(
        "d",
        text,
        layers={
            "sections": [Span(0, len(text), "<script>")],
            "attributions": [
                Span(18, 35, "attribution", attrs={"speaker": "Minister", "polarity": "deny"}),
                Span(40, 50, "attribution", attrs={"speaker": None, "cue": [51, 57]}),
            ],
            "propaganda": [Span(19, 34, '" onclick="x', score=0.5)],
            "entities": [Span(4, 12, "WEIRD")],
        },
    )


def test_class_names_come_from_fixed_tables_not_labels() -> None:
    classes = {c for s in article_segments(_doc()) for c in s.classes}
    assert "sec-other" in classes and "ent-other" in classes
    assert {"claim", "spk-0", "spk-1", "claim-deny", "claim-cue", "tech", "tech-0"} <= classes
    assert all(c.replace("-", "").replace("_", "").isalnum() for c in classes), classes


def test_legend_counts_speakers_and_techniques() -> None:
    keys = legend(_doc())
    assert keys.speakers == [("(unnamed source)", 1, 1), ("Minister", 0, 1)]
    assert keys.techniques == [('" onclick="x', 0, 1)]


def test_safe_href_allows_only_plain_http_links() -> None:
    assert safe_href("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert safe_href(" HTTP://example.org ") == "HTTP://example.org"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "//evil", None, 3):
        assert safe_href(bad) is None
    assert safe_href('https://x.org/"onmouseover=alert(1)') is None
