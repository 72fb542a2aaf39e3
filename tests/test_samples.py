"""The embedded demo sample: every file reads, ids are unique, texts are real, all are synthetic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsprism.config import Config
from newsprism.document import Document
from newsprism.readers import read_inputs
from newsprism.samples import sample_dir, sample_files, sample_inputs

NOTE = "[SYNTHETIC — fictional events written for the newsprism demo]"


def read_all(paths: list[str]) -> list[Document]:
    """Read `paths`, failing the test on any read error."""
    docs: list[Document] = []
    for item in read_inputs(paths):
        assert isinstance(item, Document), getattr(item, "message", item)
        docs.append(item)
    return docs


def test_sample_dir_holds_the_three_formats() -> None:
    assert sample_dir().is_dir()
    suffixes = {p.suffix for p in sample_files()}
    assert {".jsonl", ".html", ".txt"} <= suffixes
    assert (sample_dir() / "blog.html").is_file()


def test_every_sample_file_is_marked_synthetic() -> None:
    for path in sample_files():
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".jsonl":
            for line in text.splitlines():
                record = json.loads(line)
                assert record["synthetic"] is True
                assert {"id", "title", "text", "published", "outlet", "url", "authors"} <= set(
                    record
                )
                assert NOTE not in record["text"]
        else:
            assert NOTE in text


def test_sample_reads_with_unique_ids_and_text() -> None:
    docs = read_all(sample_inputs(include_seeds=False))
    assert len(docs) >= 6
    ids = [d.id for d in docs]
    assert len(set(ids)) == len(ids)
    for doc in docs:
        assert doc.text.strip()
        assert len(doc.text.split()) > 80
    outlets = {d.meta.get("outlet") for d in docs if d.meta.get("outlet")}
    assert len(outlets) >= 5


def test_sample_covers_the_conflicts_the_demo_shows() -> None:
    docs = read_all(sample_inputs(include_seeds=False))
    texts = "\n".join(d.text for d in docs)
    for needle in (
        "at least 14 civilians",  # wire count
        "17 civilians",  # monitoring group's different count
        "denied reports of civilian casualties",  # ministry denial (polarity)
        "are false",
        "22 sorties",
        "mortar shells fired by the Dalmyr Liberation Front",  # other actor
        "Varo",  # other place
        "on Thursday",  # other date
        "St. Ilya Hospital",
        "Originally published",
        "About the author",
    ):
        assert needle in texts, needle
    blog = next(d for d in docs if d.meta.get("format") == "html")
    comments = [r for r in blog.meta.get("regions", []) if r["label"] == "comment"]
    assert len(comments) >= 4


def test_republished_wire_report_is_a_near_duplicate() -> None:
    records = [
        json.loads(line)
        for line in (sample_dir() / "corpus.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    by_id = {r["id"]: r for r in records}
    wire = set(by_id["demo-mpa-kessen"]["text"].split())
    copy = set(by_id["demo-northgate-kessen"]["text"].split())
    assert len(wire & copy) / len(wire | copy) > 0.9


def test_seeds_are_added_when_present(seeds_dir: Path) -> None:
    paths = sample_inputs()
    seeds = [p for p in paths if Path(p).parent == seeds_dir]
    assert len(seeds) == 2
    docs = read_all(paths)
    assert len({d.id for d in docs}) == len(docs)


def test_without_data_only_the_sample(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("NEWSPRISM_DATA", str(tmp_path / "absent"))
    assert sample_inputs() == sample_inputs(include_seeds=False)


def test_demo_table_counts_the_stories_techniques_not_the_comments(
    tmp_path: Path, config: Config
) -> None:
    """`newsprism demo`: the sample blog's comment section holds technique spans; the table's
    techniques column counts the story's own, as the article's propaganda_density does."""
    from rich.console import Console

    from newsprism.demo import run_demo

    summary = run_demo(config, tmp_path / "demo.db")
    rows = {d["id"]: d for d in summary.documents}
    blog = rows["blog"]
    assert blog["comments"] > 0
    assert blog["techniques"] < blog["layers"]["propaganda"]
    console = Console(record=True, width=200)
    console.print(summary.render())
    text = console.export_text()
    line = next(x for x in text.splitlines() if x.startswith("│ blog "))
    cells = [c.strip() for c in line.strip("│").split("│")]
    assert cells[2] == str(blog["techniques"])  # document, claims, techniques
    # The summary line reads as a sentence: one republication, not "1 republications".
    assert "2 stories (2 with several articles), 1 republication; conflicts:" in text
    assert "1 republications" not in text
