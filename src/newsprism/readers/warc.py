"""WARC archives (`.warc`, `.warc.gz`): each HTML `response` record goes through the HTML reader.

Damage (a truncated gzip member, a broken header) ends the archive with one E110 failure; the
records read before it are kept.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from newsprism.config import ReadOptions
from newsprism.document import Document, JSONValue
from newsprism.errors import Code, NewsprismError, ReadFailure, missing_extra
from newsprism.readers.html import read_html
from newsprism.readers.meta import iso_date, slug_id
from newsprism.readers.stream import bytes_read, replay

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_CHUNK = 1 << 16
_REQUIRED = ("WARC-Type", "Content-Length", "WARC-Record-ID")


def record_id(target_uri: str | None, record_uuid: str | None, number: int) -> str:
    """A document id: the target URI as slug plus hash, else the WARC record id, else `#n`."""
    if target_uri:
        return slug_id(target_uri)
    if record_uuid:
        return slug_id(record_uuid.strip("<>"))
    return f"record-{number}"


def _is_html(record: Any) -> bool:
    headers = record.http_headers
    content_type = headers.get_header("Content-Type") if headers is not None else None
    if not isinstance(content_type, str):
        return False
    return content_type.split(";")[0].strip().lower() in _HTML_TYPES


def _truncated(record: Any) -> bool:
    """Drain what is left of `record` and tell whether it ended before its Content-Length.

    warcio hands out a cut record with a short body instead of failing; its LimitReader still
    counts the bytes it was promised.
    """
    raw = record.raw_stream
    while raw.read(_CHUNK):
        pass
    return bool(getattr(raw, "limit", 0))


def _damaged(name: str, number: int, detail: str) -> ReadFailure:
    where = f"{name}#{number}" if number else name
    return ReadFailure(where, NewsprismError(Code.MALFORMED_WARC, where, detail[:200]))


def iter_warc(
    stream: BinaryIO, name: str, options: ReadOptions
) -> Iterator[Document | ReadFailure]:
    """Documents from the HTML responses of a WARC file (plain or gzipped)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise missing_extra("warcio", "html") from None
    head = stream.read(1)
    if not head:
        yield ReadFailure(name, NewsprismError(Code.EMPTY, name))
        return
    number = 0
    # warcio surfaces damage as its own ArchiveLoadFailed, or as zlib/EOF/attribute errors from
    # the gzip layer, depending on where the archive breaks: all of them mean "damaged here".
    source = replay(head, stream)
    try:
        archive = ArchiveIterator(source)
        records = iter(archive)
    except Exception as bad:
        yield _damaged(name, 0, f"{type(bad).__name__}: {bad}")
        return
    while True:
        try:
            record = next(records)
        except StopIteration:
            # warcio ends quietly when an archive is cut inside a record's headers; the offset
            # it reached then falls short of the bytes the file held.
            if number and archive.offset < bytes_read(source):
                yield _damaged(name, number + 1, "the archive ends inside a record's headers")
            break
        except Exception as bad:
            yield _damaged(name, number + 1, f"{type(bad).__name__}: {bad}")
            return
        number += 1
        where = f"{name}#{number}"
        if record.format != "warc":
            yield _damaged(name, number, "not a WARC record (an ARC file or other data)")
            return
        if not all(record.rec_headers.get_header(h) for h in _REQUIRED):
            # A cut inside the header block leaves a record without its mandatory fields.
            yield _damaged(name, number, "the record's headers are incomplete")
            return
        try:
            wanted = record.rec_type == "response" and _is_html(record)
            body = record.content_stream().read(options.max_bytes + 1) if wanted else b""
            cut = _truncated(record)
            target = record.rec_headers.get_header("WARC-Target-URI")
            crawled = record.rec_headers.get_header("WARC-Date")
            record_uuid = record.rec_headers.get_header("WARC-Record-ID")
        except Exception as bad:
            yield _damaged(name, number, f"{type(bad).__name__}: {bad}")
            return
        if cut:
            yield _damaged(name, number, "the record ends before its Content-Length")
            return
        if not wanted:
            continue
        extra: dict[str, JSONValue] = {
            "url": target,
            "crawled": iso_date(crawled) if crawled else None,
            "format": "warc",
            "warc_record_id": record_uuid,
        }
        try:
            yield read_html(body, record_id(target, record_uuid, number), where, options, extra)
        except NewsprismError as error:
            yield ReadFailure(where, error)
    if number == 0:
        yield _damaged(name, 0, "no WARC records found")
