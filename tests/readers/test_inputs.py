"""Inputs: files, directories, globs, stdin sniffing, forced formats, option validation."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest

from newsprism.config import Config
from newsprism.errors import NewsprismError
from newsprism.readers import ReaderOptions, read_bytes, read_inputs, read_path

from .helpers import codes, split

HTML = (
    "<html><head><title>Port reopens</title></head><body><article><h1>Port reopens</h1>"
    "<p>The port reopened on Friday after a week of closure, the authority said.</p>"
    "<p>Ships queued outside the harbour for most of the morning.</p></article></body></html>"
)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "a.txt").write_bytes(b"Alpha\n\nFirst text.\n")
    (tmp_path / "b" / "c.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "b" / "deep" / "d.jsonl").write_bytes(b'{"id": "d1", "text": "Deep."}\n')
    (tmp_path / "b" / "notes.md").write_bytes(b"# not read\n")
    (tmp_path / ".secret.txt").write_bytes(b"hidden file\n")
    (tmp_path / ".hidden" / "e.txt").write_bytes(b"hidden folder\n")
    return tmp_path


def test_directory_is_walked_sorted_known_extensions_no_hidden(tree: Path, config: Config) -> None:
    docs, failures = split(read_inputs([str(tree)], config=config))
    assert not failures
    assert [d.id for d in docs] == ["a", "c", "d1"]
    assert [d.meta["format"] for d in docs] == ["txt", "html", "jsonl"]


def test_globs(tree: Path, config: Config) -> None:
    docs, failures = split(read_inputs([str(tree / "**" / "*.html")], config=config))
    assert [d.id for d in docs] == ["c"] and not failures
    docs, failures = split(read_inputs([str(tree / "*.nothing")], config=config))
    assert not docs and codes(failures) == ["E100"]


def test_missing_and_unknown_paths_do_not_stop_the_rest(tree: Path, config: Config) -> None:
    inputs = [str(tree / "missing.txt"), str(tree / "b" / "notes.md"), str(tree / "a.txt")]
    items = list(read_inputs(inputs, config=config))
    docs, failures = split(items)
    assert codes(failures) == ["E100", "E108"]
    assert str(tree / "missing.txt") in failures[0].message
    assert "notes.md" in failures[1].message
    assert [d.id for d in docs] == ["a"]


def test_format_option_forces_a_reader(tree: Path, config: Config) -> None:
    path = tree / "records.txt"
    path.write_bytes(b'{"id": "r1", "text": "From a .txt file."}\n')
    docs, _ = split(read_path(path, ReaderOptions(format="jsonl"), config))
    assert [d.id for d in docs] == ["r1"]
    docs, _ = split(read_path(tree / "b" / "notes.md", ReaderOptions(format="txt"), config))
    assert docs[0].text == "# not read\n"
    assert ReaderOptions(format="json").format == "jsonl"


@pytest.mark.parametrize("bad", [{"format": "pdf"}, {"preset": "nope"}])
def test_bad_options_are_usage_errors(bad: dict[str, str]) -> None:
    with pytest.raises(NewsprismError) as caught:
        ReaderOptions(**bad)
    assert caught.value.code.code == "E502"


@pytest.mark.parametrize(
    ("data", "fmt", "ids"),
    [
        (b'{"text": "one"}\n{"id": "x", "text": "two"}\n', "jsonl", ["stdin:1", "x"]),
        (HTML.encode(), "html", ["stdin"]),
        (b"Plain words\n\nfrom a pipe\n", "txt", ["stdin"]),
    ],
)
def test_stdin_is_sniffed(data: bytes, fmt: str, ids: list[str], config: Config) -> None:
    docs, failures = split(read_inputs(["-"], config=config, stdin=io.BytesIO(data)))
    assert not failures
    assert [d.id for d in docs] == ids
    assert {d.meta["format"] for d in docs} == {fmt}
    assert all(d.meta["source"].startswith("stdin") for d in docs)


def test_stdin_over_the_limit(config: Config) -> None:
    small = replace(config, read=replace(config.read, max_bytes=100))
    docs, failures = split(read_inputs(["-"], config=small, stdin=io.BytesIO(b"x" * 101)))
    assert not docs and codes(failures) == ["E104"]
    docs, failures = split(read_inputs(["-"], config=small, stdin=io.BytesIO(b"x" * 100)))
    assert len(docs) == 1 and docs[0].text == "x" * 100


def test_a_document_over_the_character_limit_is_refused_alone(
    tmp_path: Path, config: Config
) -> None:
    """E113 names the file (or record) and the length; the inputs around it are still read."""
    small = replace(config, read=replace(config.read, max_chars=60))
    records = [{"id": "ok", "text": "Short."}, {"id": "long", "text": "word " * 20}]
    (tmp_path / "feed.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (tmp_path / "dump.txt").write_text("Title\n\n" + "word " * 30, encoding="utf-8")
    (tmp_path / "fine.txt").write_text("Title\n\nA short article.", encoding="utf-8")
    docs, failures = split(read_inputs([str(tmp_path)], config=small))
    assert sorted(d.id for d in docs) == ["fine", "ok"]
    assert codes(failures) == ["E113", "E113"]
    where = sorted(f.source for f in failures)
    assert where == [str(tmp_path / "dump.txt"), str(tmp_path / "feed.jsonl") + "#2"]
    assert all("> read.max_chars=60" in f.message for f in failures)
    docs, failures = split(read_bytes(b"x" * 61, "pasted.txt", config=small))
    assert not docs and codes(failures) == ["E113"]
    docs, failures = split(read_inputs(["-"], config=small, stdin=io.BytesIO(b"x" * 61)))
    assert not docs and codes(failures) == ["E113"]


def test_read_bytes_uses_the_name(config: Config) -> None:
    data = json.dumps({"id": 12, "text": "Numbered id."}).encode()
    docs, _ = split(read_bytes(data, "some/dir/feed.jsonl", config=config))
    assert docs[0].id == "12"
    assert docs[0].meta["source"] == "some/dir/feed.jsonl#1"
    docs, _ = split(read_bytes(b"Just text.", "some/dir/story.txt", config=config))
    assert docs[0].id == "story"
