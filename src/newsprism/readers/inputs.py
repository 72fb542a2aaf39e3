"""Inputs to readers: files, directories, globs and stdin, each dispatched to its format's reader.

Every failure is yielded as a `ReadFailure` naming the input and the reason; one bad input never
stops the others.
"""

from __future__ import annotations

import glob
import io
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from newsprism.config import Config, ReadOptions, load_config
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError, ReadFailure
from newsprism.readers.decode import check_length, read_limited
from newsprism.readers.html import read_html
from newsprism.readers.options import ReaderOptions, format_for_name
from newsprism.readers.table import iter_csv, iter_jsonl
from newsprism.readers.txt import read_txt
from newsprism.readers.warc import iter_warc

Item = Document | ReadFailure

_GLOB_CHARS = frozenset("*?[")


def _stem(name: str) -> str:
    """The file name without directories and without its format's extension(s)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    lowered = base.lower()
    for ending in (".warc.gz", ".html", ".htm", ".jsonl", ".json", ".csv", ".warc", ".txt"):
        if lowered.endswith(ending) and len(base) > len(ending):
            return base[: -len(ending)]
    stem = Path(base).stem
    return stem or base or "input"


def sniff_format(data: bytes) -> str:
    """The reader for unnamed bytes: `{` -> jsonl, `<` -> html, `WARC/` -> warc, else txt."""
    start = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"<"):
        return "html"
    if start.startswith(b"WARC/"):
        return "warc"
    return "txt"


def _read_stream(
    stream: BinaryIO, fmt: str, name: str, stem: str, options: ReaderOptions, read: ReadOptions
) -> Iterator[Item]:
    """Run a streaming reader (jsonl, csv, warc) over an open binary stream."""
    if fmt == "jsonl":
        yield from iter_jsonl(stream, name, stem, options.fields(), read)
    elif fmt == "csv":
        yield from iter_csv(stream, name, stem, options.fields(), read)
    else:
        yield from iter_warc(stream, name, read)


def _read_whole(data: bytes, fmt: str, name: str, stem: str, read: ReadOptions) -> Document:
    """Run a whole-file reader (txt, html)."""
    if fmt == "html":
        return read_html(data, stem, name, read)
    return read_txt(data, stem, name, read)


def _within_length(items: Iterator[Item], read: ReadOptions) -> Iterator[Item]:
    """`items` with each document longer than `read.max_chars` in a `ReadFailure` (E113)."""
    for item in items:
        if isinstance(item, Document):
            try:
                check_length(item, read)
            except NewsprismError as error:
                yield ReadFailure(error.where or item.id, error)
                continue
        yield item


def read_bytes(
    data: bytes,
    name: str,
    options: ReaderOptions | None = None,
    config: Config | None = None,
) -> Iterator[Item]:
    """Documents from bytes already in memory; `name` gives the id (its stem) and the format.

    The format is `options.format`, else the name's extension, else sniffed from the bytes.
    """
    read = (config or load_config()).read
    yield from _within_length(_read_bytes(data, name, options or ReaderOptions(), read), read)


def _read_bytes(
    data: bytes, name: str, options: ReaderOptions, read: ReadOptions
) -> Iterator[Item]:
    """`read_bytes` without the length check (its callers make it)."""
    fmt = options.format or format_for_name(name) or sniff_format(data)
    stem = "stdin" if name == "-" else _stem(name)
    source = "stdin" if name == "-" else name
    try:
        if fmt in ("txt", "html"):
            yield _read_whole(data, fmt, source, stem, read)
        else:
            yield from _read_stream(io.BytesIO(data), fmt, source, stem, options, read)
    except NewsprismError as error:
        yield ReadFailure(source, error)


def read_path(
    path: Path,
    options: ReaderOptions | None = None,
    config: Config | None = None,
) -> Iterator[Item]:
    """Documents from one file, or from every known file under a directory (sorted, recursive)."""
    options = options or ReaderOptions()
    config = config or load_config()
    name = str(path)
    try:
        if path.is_dir():
            for child in _walk(path):
                yield from read_path(child, options, config)
            return
        fmt = options.format or format_for_name(path.name)
        if fmt is None:
            raise NewsprismError(
                Code.UNKNOWN_FORMAT, name, f"extension {path.suffix or '(none)'!r}"
            )
        stem = _stem(path.name)
        if fmt in ("txt", "html"):
            yield _read_whole(read_limited(path, config.read), fmt, name, stem, config.read)
            return
        with path.open("rb") as stream:
            yield from _read_stream(stream, fmt, name, stem, options, config.read)
    except NewsprismError as error:
        yield ReadFailure(name, error)
    except FileNotFoundError:
        yield ReadFailure(name, NewsprismError(Code.NOT_FOUND, name))
    except OSError as bad:
        # Permission denied, a directory vanishing mid-walk, a FIFO: name it and go on.
        yield ReadFailure(name, NewsprismError(Code.NOT_FOUND, name, bad.strerror or str(bad)))


def _walk(root: Path) -> Iterator[Path]:
    """Files under `root` with a known extension, sorted, hidden files and folders skipped."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for file_name in sorted(files):
            if not file_name.startswith(".") and format_for_name(file_name):
                yield Path(folder) / file_name


def _read_stdin(stdin: BinaryIO | None, options: ReaderOptions, config: Config) -> Iterator[Item]:
    """Stdin, at most `max_bytes` (one more byte is read to tell that the limit was passed)."""
    stream = stdin if stdin is not None else sys.stdin.buffer
    limit = config.read.max_bytes
    data = stream.read(limit + 1)
    if len(data) > limit:
        error = NewsprismError(Code.TOO_LARGE, "stdin", f"more than read.max_bytes={limit} bytes")
        yield ReadFailure("stdin", error)
        return
    yield from _read_bytes(data, "-", options, config.read)


def read_inputs(
    inputs: Sequence[str],
    options: ReaderOptions | None = None,
    config: Config | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Item]:
    """Documents from every input in order: paths, directories, globs, or `-` for stdin.

    A document longer than `read.max_chars` comes as a `ReadFailure` (E113) in its place.
    """
    config = config or load_config()
    items = _read_inputs(inputs, options or ReaderOptions(), config, stdin)
    yield from _within_length(items, config.read)


def _read_inputs(
    inputs: Sequence[str], options: ReaderOptions, config: Config, stdin: BinaryIO | None = None
) -> Iterator[Item]:
    """`read_inputs` without the length check."""
    for raw in inputs:
        if raw == "-":
            yield from _read_stdin(stdin, options, config)
            continue
        path = Path(raw)
        if path.exists():
            yield from read_path(path, options, config)
            continue
        if _GLOB_CHARS & set(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            files = [Path(m) for m in matches if not Path(m).name.startswith(".")]
            if files:
                for match in files:
                    yield from read_path(match, options, config)
                continue
        yield ReadFailure(raw, NewsprismError(Code.NOT_FOUND, raw))
