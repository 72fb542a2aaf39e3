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

_HTML_TYPES = ("text/html", "application/xhtml+xml")


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


def iter_warc(
    stream: BinaryIO, name: str, options: ReadOptions
) -> Iterator[Document | ReadFailure]:
    """Documents from the HTML responses of a WARC file (plain or gzipped)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError:
        raise missing_extra("warcio", "html") from None
    number = 0
    records = iter(ArchiveIterator(stream))
    while True:
        try:
            # warcio surfaces damage as its own ArchiveLoadFailed, or as zlib/EOF/value errors
            # from the gzip layer, depending on where the archive breaks.
            record = next(records)
            number += 1
            if record.rec_type != "response" or not _is_html(record):
                continue
            where = f"{name}#{number}"
            body = record.content_stream().read(options.max_bytes + 1)
            target = record.rec_headers.get_header("WARC-Target-URI")
            crawled = record.rec_headers.get_header("WARC-Date")
            record_uuid = record.rec_headers.get_header("WARC-Record-ID")
        except StopIteration:
            return
        except Exception as bad:
            detail = f"after record {number}: {type(bad).__name__}: {bad}"[:200]
            yield ReadFailure(name, NewsprismError(Code.MALFORMED_WARC, name, detail))
            return
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
