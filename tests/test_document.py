"""The Document contract: immutability, bounds, ids, and a lossless JSON/JSONL round trip."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsprism.document import (
    Document,
    Span,
    SpanError,
    iter_jsonl_documents,
    spans_cover,
    write_jsonl,
)

# Decoded text never holds lone surrogates; everything else (BOM, U+2028, CR, NUL) may appear.
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200)
JSON_SCALAR = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | TEXT
    | st.floats(allow_nan=False, allow_infinity=False)
)
JSON_VALUE = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """Random contract-valid documents: overlapping spans, attrs, scores, meta, versions."""
    text = draw(TEXT)
    layers: dict[str, list[Span]] = {}
    for name in draw(st.lists(st.sampled_from(["sections", "entities", "x-y"]), unique=True)):
        spans = []
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, len(text)))
            spans.append(
                Span(
                    start,
                    end,
                    draw(st.sampled_from(["body", "PERSON", "Loaded_Language"])),
                    draw(st.none() | st.floats(0, 1)),
                    draw(st.dictionaries(TEXT, JSON_VALUE, max_size=3)),
                )
            )
        layers[name] = spans
    return Document(
        id=draw(TEXT.filter(bool)),
        text=text,
        meta=draw(st.dictionaries(TEXT, JSON_VALUE, max_size=4)),
        layers=layers,
        scores=draw(
            st.dictionaries(TEXT, st.fixed_dictionaries({"value": JSON_SCALAR}), max_size=2)
        ),
        versions=draw(st.dictionaries(TEXT, JSON_VALUE, max_size=2)),
    )


@settings(max_examples=200, deadline=None)
@given(documents())
def test_json_round_trip_is_lossless(doc: Document) -> None:
    again = Document.from_json(doc.to_json())
    assert again == doc
    assert again.to_dict() == doc.to_dict()
    assert "\n" not in doc.to_json()


@settings(max_examples=50, deadline=None)
@given(st.lists(documents(), max_size=5))
def test_jsonl_round_trip_is_lossless(docs: list[Document]) -> None:
    buffer = io.StringIO()
    assert write_jsonl(docs, buffer) == len(docs)
    buffer.seek(0)
    assert list(iter_jsonl_documents(buffer)) == docs


def test_text_is_never_rewritten() -> None:
    text = "\ufeffTitle\r\n\r\nBody\u2028line\u00a0end  "
    doc = Document("d", text)
    assert Document.from_json(doc.to_json()).text == text


def test_documents_are_immutable() -> None:
    doc = Document("d", "abc", meta={"title": "t"})
    with pytest.raises(AttributeError):
        doc.text = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        doc.meta["title"] = "changed"  # type: ignore[index]
    derived = doc.with_layer("sections", [Span(0, 3, "body")])
    assert doc.layers == {} and derived.layer("sections")[0].label == "body"


def test_caller_edits_do_not_leak_in() -> None:
    attrs = {"k": 1}
    span = Span(0, 1, "x", attrs=attrs)
    attrs["k"] = 2
    assert span.attrs["k"] == 1


def test_span_bounds_are_checked() -> None:
    with pytest.raises(SpanError):
        Span(3, 2, "x")
    with pytest.raises(SpanError):
        Span(-1, 2, "x")
    with pytest.raises(SpanError):
        Span(0, 1, "")
    with pytest.raises(SpanError):
        Span(0, 1, "x", score=1.5)
    with pytest.raises(SpanError, match="runs past the text"):
        Document("d", "abc", layers={"l": (Span(0, 4, "x"),)})


def test_span_ids_are_assigned_and_unique() -> None:
    doc = Document("d", "abcdef").with_layer("entities", [Span(0, 1, "A"), Span(1, 2, "B")])
    assert [s.id for s in doc.layer("entities")] == ["entities.0", "entities.1"]
    assert doc.find_span("entities.1") == doc.layer("entities")[1]
    with pytest.raises(SpanError, match="duplicate"):
        doc.with_layer("x", [Span(0, 1, "A", id="a"), Span(1, 2, "B", id="a")])


def test_span_text_is_derived_from_offsets() -> None:
    doc = Document("d", "Fars News said", layers={"entities": (Span(0, 9, "ORG"),)})
    assert doc.span_text(doc.layer("entities")[0]) == "Fars News"


def test_contract_json_shape() -> None:
    doc = Document("d", "ab", layers={"sections": (Span(0, 2, "body", 0.9, {"rule": "r"}),)})
    doc = doc.with_score("trust", {"value": 0.5, "components": []})
    data = json.loads(doc.to_json())
    assert list(data) == ["id", "text", "meta", "layers", "scores", "versions"]
    assert data["layers"]["sections"][0] == {
        "id": "sections.0",
        "start": 0,
        "end": 2,
        "label": "body",
        "score": 0.9,
        "attrs": {"rule": "r"},
    }


def test_scores_need_a_value() -> None:
    with pytest.raises(SpanError, match="value"):
        Document("d", "", scores={"trust": {"components": []}})


def test_malformed_objects_raise_span_error() -> None:
    for bad in ({}, {"id": "x"}, {"id": "x", "text": "a", "layers": []}, [1, 2]):
        with pytest.raises(SpanError):
            Document.from_dict(bad)  # type: ignore[arg-type]


def test_spans_cover() -> None:
    assert spans_cover([Span(0, 2, "a"), Span(2, 5, "b")], 5)
    assert not spans_cover([Span(0, 2, "a"), Span(3, 5, "b")], 5)
    assert not spans_cover([Span(0, 3, "a"), Span(2, 5, "b")], 5)
    assert spans_cover([], 0)
