"""Bad input: each case gives one coded failure naming the file, and never stops the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.config import Config
from newsprism.readers import read_inputs, read_path

from .helpers import codes, split

CASES: dict[str, tuple[bytes, str]] = {
    "nul.txt": (b"Looks like text\x00\x00\x01 but is not", "E101"),
    "controls.txt": (b"\x01\x02\x03\x04\x05\x06" * 20 + b"some words" * 5, "E101"),
    "image.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "E101"),
    "blob.csv": (b"id,text\n\x00\x00\x00", "E101"),
    "blob.jsonl": (b'{"text": "x"}\x00\x00', "E101"),
    "bad16.txt": (b"\xff\xfeA", "E102"),
    "empty.txt": (b"", "E103"),
    "blank.txt": (b"  \r\n\t\n", "E103"),
    "empty.html": (b"", "E103"),
    "empty.jsonl": (b"", "E103"),
    "empty.csv": (b"", "E103"),
    "empty.warc": (b"", "E103"),
    "shell.html": (b"<html><head><script>run()</script></head><body></body></html>", "E107"),
    "notes.pdf": (b"%PDF-1.4", "E108"),
    "nothing.warc.gz": (b"\x1f\x8b\x08\x00garbage", "E110"),
}


def test_every_bad_file_fails_alone(tmp_path: Path, config: Config) -> None:
    for name, (data, _) in CASES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.txt").write_bytes(b"Good title\n\nGood body.\n")
    inputs = [str(tmp_path / name) for name in CASES] + [str(tmp_path / "good.txt")]
    docs, failures = split(read_inputs(inputs, config=config))
    assert [d.id for d in docs] == ["good"]
    assert codes(failures) == [code for _, code in CASES.values()]
    for failure, name in zip(failures, CASES, strict=True):
        assert name in failure.source and name in failure.message
        assert "What to do" in failure.message


def test_huge_text_file_is_refused_before_reading(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk or memory is used

    def refuse(self: Path) -> bytes:
        raise AssertionError(f"{self} was read")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    docs, failures = split(read_path(path, config=config))
    assert not docs
    assert codes(failures) == ["E104"]
    assert "huge.txt" in failures[0].message and "209715200 bytes" in failures[0].message
