"""SemEval TC files: writer/reader round trip, templates, ids, and refusal of bad rows."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from newsprism.config import ReadOptions
from newsprism.document import Document, Span
from newsprism.errors import NewsprismError, ReadFailure
from newsprism.exports.semeval import (
    SemevalRow,
    documents_from_paths,
    read_articles,
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


def test_a_bad_template_line_can_be_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "template.tsv"
    path.write_text("7\t?\t0\t4\nnot a row\n7\t?\t9\t2\n8\t?\t1\t3\n", encoding="utf-8")
    errors: list[NewsprismError] = []
    assert read_semeval(path, on_error=errors.append) == [
        SemevalRow("7", "?", 0, 4),
        SemevalRow("8", "?", 1, 3),
    ]
    assert [e.where for e in errors] == [f"{path}:2", f"{path}:3"]


def test_read_articles_skips_what_it_cannot_read_and_goes_on(tmp_path: Path) -> None:
    files = {
        "article1.txt": b"Title\n\nThey lie!",
        "article2.txt": b"\x00\x01\x02PK binary\x00",
        "article3.txt": "caf\xe9".encode("latin-1"),
        "article4.txt": b" \n\t\n",
        "article5.txt": b"x" * 4096,
        "article6.txt": b"Second good one.",
        "article8.txt": "\u00e9".encode() * 600,  # 1,200 bytes, 600 characters
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "copy").mkdir()
    (tmp_path / "copy" / "article1.txt").write_text("Same id, other file.", encoding="utf-8")
    paths = [tmp_path / name for name in files] + [tmp_path / "copy" / "article1.txt"]
    items = list(read_articles(paths, ReadOptions(max_bytes=2048, max_chars=500)))
    assert [item.id for item in items if not isinstance(item, ReadFailure)] == ["1", "6"]
    failed = {Path(f.source).name: f.error.code.code for f in items if isinstance(f, ReadFailure)}
    assert failed == {
        "article2.txt": "E101",
        "article3.txt": "E102",
        "article4.txt": "E103",
        "article5.txt": "E104",
        "article8.txt": "E113",
        "article1.txt": "E112",
    }
    # Not a file (a folder named like an article): E100 with the system's reason, not a crash.
    folder = tmp_path / "article7.txt"
    folder.mkdir()
    (failure,) = read_articles([folder])
    assert isinstance(failure, ReadFailure) and failure.error.code.code == "E100"
    assert failure.error.detail
