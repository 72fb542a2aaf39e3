"""Read-only queries on a small hand-built store: paging, histograms, corpus tables absent."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from newsprism.corpus.store import Store
from newsprism.document import Document, Span
from newsprism.web import queries


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "q.db"
    trusts: list[object] = [0.0, 0.05, 0.55, 1.0, 1.5, "high", True, None]
    with Store(path) as writer:
        for index, trust in enumerate(trusts):
            scores = {} if trust is None else {"trust": {"value": trust}}
            doc = Document(
                f"d{index}",
                "An airstrike hit the town.",
                {"outlet": "A" if index % 2 else None, "published": f"2015-10-0{index + 1}"},
                {"propaganda": [Span(3, 12, "Loaded_Language", 0.8)]} if index < 3 else {},
                scores,
            )
            writer.put(doc, content_hash=f"h{index}")
    opened = Store(path, readonly=True)
    yield opened
    opened.close()


def test_overview_counts_bins_and_outlets(store: Store) -> None:
    data = queries.overview(store)
    assert data["documents"] == 8
    assert {"outlet": "A", "documents": 4} in data["outlets"]
    assert {"outlet": "(no outlet)", "documents": 4} in data["outlets"]
    bins = [row["documents"] for row in data["trust"]["bins"]]
    # 0.0 and 0.05 in the first bin, 0.55 in the sixth, 1.0 in the last; 1.5, "high" and true
    # are not trust values.
    assert bins == [2, 0, 0, 0, 0, 1, 0, 0, 0, 1] and data["trust"]["scored"] == 4
    assert data["techniques"] == [{"technique": "Loaded_Language", "spans": 3}]
    assert data["dates"]["granularity"] == "day" and data["dates"]["undated"] == 0


def test_document_list_pages_are_clamped(store: Store) -> None:
    first = queries.document_list(store, page=1, per_page=3)
    assert first["pages"] == 3 and [d["id"] for d in first["documents"]] == ["d0", "d1", "d2"]
    assert first["documents"][0]["techniques"] == 1
    last = queries.document_list(store, page=99, per_page=3)
    assert last["page"] == 3 and [d["id"] for d in last["documents"]] == ["d6", "d7"]
    assert queries.document_list(store, page=-4, per_page=3)["page"] == 1


def test_story_queries_without_an_analysis(store: Store) -> None:
    listing = queries.story_list(store)
    assert listing["stories"] == [] and listing["state"]["analyzed_at"] is None
    assert queries.story_detail(store, "s1") is None
    assert not queries.story_exists(store, "s1")
    context = queries.document_context(store, store.get("d0"))
    assert context == {"story": None, "duplicates": [], "grades": {}}


def test_many_days_are_counted_by_month(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "MAX_DAY_BARS", 3)
    dates = queries.overview(store)["dates"]
    assert dates["granularity"] == "month"
    assert dates["counts"] == [{"date": "2015-10", "documents": 8}]


def test_technique_counts_leave_reader_comments_out(tmp_path: Path) -> None:
    """A story with one technique span and a comment section with two: the overview chart and
    the document list count the story's one, as its `propaganda_density` does."""
    text = "Russia pounded the so-called rebels.\n\nComments\nThey are TRAITORS! Kill them all."
    comments = text.index("Comments")
    doc = Document(
        "c0",
        text,
        {},
        {
            "sections": [Span(0, comments - 2, "body"), Span(comments, len(text), "comment")],
            "propaganda": [
                Span(19, 35, "Loaded_Language", 0.9),
                Span(text.index("TRAITORS"), text.index("TRAITORS") + 8, "Name_Calling,Labeling"),
                Span(text.index("Kill"), len(text) - 1, "Appeal_to_fear-prejudice"),
            ],
        },
        {},
    )
    with Store(tmp_path / "c.db") as writer:
        writer.put(doc, content_hash="c0")
    with Store(tmp_path / "c.db", readonly=True) as store:
        assert queries.overview(store)["techniques"] == [
            {"technique": "Loaded_Language", "spans": 1}
        ]
        assert queries.document_list(store)["documents"][0]["techniques"] == 1
