"""Plain text: exact text (BOM, CRLF, trailing space kept), titles, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.config import Config
from newsprism.readers import read_bytes, read_path

from .helpers import split


def _one(path: Path, config: Config) -> object:
    docs, failures = split(read_path(path, config=config))
    assert not failures, [f.message for f in failures]
    assert len(docs) == 1
    return docs[0]


@pytest.mark.parametrize("fixture", ["seed_000", "seed_002"])
def test_seed_text_is_the_file_exactly(
    fixture: str, request: pytest.FixtureRequest, config: Config
) -> None:
    path: Path = request.getfixturevalue(fixture)
    docs, failures = split(read_path(path, config=config))
    assert not failures
    (doc,) = docs
    raw = path.read_bytes()
    assert doc.text == raw.decode("utf-8")
    assert doc.id == path.stem
    first_line = raw.decode("utf-8").split("\n", 1)[0]
    assert doc.title == first_line.strip()
    assert doc.text.startswith(doc.title)
    assert doc.meta["encoding"] == "utf-8"
    assert doc.meta["format"] == "txt"
    assert doc.meta["source"] == str(path)
    assert doc.meta["authors"] == [] and doc.meta["language"] is None


def test_seed_titles(seed_000: Path, seed_002: Path, config: Config) -> None:
    (doc0,), _ = split(read_path(seed_000, config=config))
    (doc2,), _ = split(read_path(seed_002, config=config))
    assert doc0.title == "US Warplanes Kill Defecting ISIS Field Commanders"
    assert doc2.title == "Russian jets pound ISIS capital in Syria as coalition voices anger"


def test_ptc_articles_read_exactly(shared_data: Path, config: Config) -> None:
    folder = shared_data / "ptc" / "train" / "train-articles"
    if not folder.is_dir():
        pytest.skip("PTC articles absent")
    paths = sorted(folder.glob("*.txt"))[:25]
    for path in paths:
        (doc,), failures = split(read_path(path, config=config))
        assert not failures
        assert doc.text == path.read_bytes().decode("utf-8")


def test_bom_crlf_and_trailing_space_are_kept(tmp_path: Path, config: Config) -> None:
    raw = "\ufeffHeadline here\r\n\r\nFirst line.  \r\nSecond line\r\n\r\n  ".encode()
    path = tmp_path / "bom.txt"
    path.write_bytes(raw)
    (doc,), _ = split(read_path(path, config=config))
    assert doc.text == raw.decode("utf-8")
    assert doc.text[0] == "\ufeff"
    assert doc.title == "Headline here"
    assert doc.meta["encoding"] == "utf-8"


def test_latin1_file_is_detected(tmp_path: Path, config: Config) -> None:
    text = (
        "Café au lait\n\nLe garçon a commandé une crème brûlée à Besançon. "
        "Über die Straße gehen Müller und Jürgen, señor.\n"
    )
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("latin-1"))
    (doc,), _ = split(read_path(path, config=config))
    assert doc.text == text
    assert doc.meta["encoding"] != "utf-8"
    assert doc.title == "Café au lait"


@pytest.mark.parametrize(
    ("codec", "expected"),
    [("utf-16", "utf-16-le"), ("utf-16-be", "utf-16-be"), ("utf-32", "utf-32-le")],
)
def test_utf16_and_utf32_keep_their_bom(
    tmp_path: Path, config: Config, codec: str, expected: str
) -> None:
    text = "Title line\n\nBody with ünïcödé and \u2028 a line separator.\n"
    raw = text.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path = tmp_path / "wide.txt"
    path.write_bytes(raw)
    (doc,), _ = split(read_path(path, config=config))
    assert doc.text == "\ufeff" + text
    assert doc.meta["encoding"] == expected
    assert doc.title == "Title line"


def test_utf16_without_bom_is_text(config: Config) -> None:
    text = "No mark here\n\nPlain words only.\n"
    (doc,), failures = split(read_bytes(text.encode("utf-16-le"), "plain.txt", config=config))
    assert not failures
    assert doc.text == text
    assert doc.meta["encoding"] == "utf-16-le"


@pytest.mark.parametrize(
    "text",
    [
        "One line only\nand another right after\n",
        "No newline at all",
        "Title then end\n",
        "x" * 400 + "\n\nA long first paragraph is not a title.\n",
    ],
)
def test_no_title_without_the_layout(text: str, config: Config) -> None:
    (doc,), _ = split(read_bytes(text.encode(), "t.txt", config=config))
    assert doc.title is None
    assert doc.text == text
