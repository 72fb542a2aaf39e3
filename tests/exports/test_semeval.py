"""SemEval TC files: writer/reader round trip, templates, ids, and refusal of bad rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsprism.document import Document, Span
from newsprism.errors import NewsprismError
from newsprism.exports.semeval import (
    SemevalRow,
    documents_from_paths,
    read_semeval,
    rows_from_document,
    write_semeval,
)


def test_rows_from_document_round_trip(tmp_path: Path) -> None:
    doc = Document(
        id="123",
        text="\ufeffThey are traitors! Simply traitors.",
        layers={
            "propaganda": (
                Span(19, 35, "Repetition", 0.6),
                Span(10, 18, "Name_Calling,Labeling", 0.9),
            )
        },
    )
    rows = rows_from_document(doc)
    assert [r.start for r in rows] == [10, 19]
    assert rows[0].to_line() == "123\tName_Calling,Labeling\t10\t18"
    stream = io.StringIO()
    assert write_semeval(rows, stream) == 2
    path = tmp_path / "pred.tsv"
    path.write_text(stream.getvalue(), encoding="utf-8")
    assert read_semeval(path) == rows


def test_templates_with_and_without_label_column(tmp_path: Path) -> None:
    path = tmp_path / "template.tsv"
    path.write_text("7\t?\t0\t4\n\n7\t5\t9\n", encoding="utf-8")
    assert read_semeval(path) == [SemevalRow("7", "?", 0, 4), SemevalRow("7", "?", 5, 9)]


@pytest.mark.parametrize("line", ["7\tDoubt\t4\t4", "7\tDoubt\tx\t9", "7", "7\ta\tb\t1\t2"])
def test_bad_rows_are_refused_with_the_row_named(tmp_path: Path, line: str) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(NewsprismError) as info:
        read_semeval(path)
    assert "bad.tsv:1" in str(info.value)


def test_documents_keep_bom_and_take_the_semeval_id(tmp_path: Path) -> None:
    article = tmp_path / "article42.txt"
    article.write_bytes("\ufeffTitle\r\n\r\nBody.".encode())
    other = tmp_path / "notes.txt"
    other.write_text("x", encoding="utf-8")
    docs = documents_from_paths([article, other])
    assert [d.id for d in docs] == ["42", "notes"]
    assert docs[0].text == "\ufeffTitle\r\n\r\nBody."
    empty = tmp_path / "article1.txt"
    empty.write_text("  \n", encoding="utf-8")
    with pytest.raises(NewsprismError):
        documents_from_paths([empty])
