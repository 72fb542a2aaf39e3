"""Corpus files (JSON Lines, JSON arrays, CSV): one Document per record, streamed record by record.

`Document.text` is the record's text field exactly; the mapped fields fill `meta`, every other
field goes to `meta["fields"]` (so evaluations can reach labels). A repeated id with the same text
is skipped; with a different text it becomes `<id>~2`, `<id>~3`, ... with `meta["duplicate_of"]`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections.abc import Iterator, Mapping
from typing import BinaryIO

from newsprism.config import ReadOptions
from newsprism.document import Document, JSONValue
from newsprism.errors import Code, NewsprismError, ReadFailure
from newsprism.readers.decode import decode_text, is_binary
from newsprism.readers.meta import author_list, domain_of, iso_date
from newsprism.readers.options import FieldMap
from newsprism.readers.stream import replay

Item = Document | ReadFailure

_CHUNK = 1 << 16


class _Dedup:
    """Remembers each id's text digests, to skip exact repeats and number the variants."""

    def __init__(self) -> None:
        self._seen: dict[str, list[bytes]] = {}

    def resolve(self, doc_id: str, text: str) -> tuple[str, str | None] | None:
        """(id to use, id it duplicates or None); None when this exact record was already read."""
        digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()
        variants = self._seen.setdefault(doc_id, [])
        if digest in variants:
            return None
        variants.append(digest)
        if len(variants) == 1:
            return doc_id, None
        return f"{doc_id}~{len(variants)}", doc_id


def _scalar(value: JSONValue) -> str | None:
    """A record value as a string (numbers as written), None when absent or empty."""
    if value is None or isinstance(value, bool | dict | list):
        return None
    text = str(value).strip()
    return text or None


def record_document(
    record: Mapping[str, JSONValue],
    fields: FieldMap,
    fallback_id: str,
    source: str,
    fmt: str,
    encoding: str,
) -> tuple[str, Document]:
    """(original id, Document) for one record; E109 when the text field is missing or not text."""
    text = record.get(fields.text_field)
    if not isinstance(text, str):
        detail = "absent" if text is None else f"a {type(text).__name__}, not a string"
        raise NewsprismError(Code.MISSING_FIELD, source, f"field {fields.text_field!r} is {detail}")
    if not text.strip():
        raise NewsprismError(Code.EMPTY, source, f"field {fields.text_field!r} is empty")
    doc_id = _scalar(record.get(fields.id_field)) or fallback_id
    url = _scalar(record.get(fields.url_field))
    published = _scalar(record.get(fields.date_field))
    language = record.get("language")
    meta: dict[str, JSONValue] = {
        "title": _scalar(record.get(fields.title_field)),
        "url": url,
        "outlet": _scalar(record.get(fields.outlet_field)) or domain_of(url),
        "published": iso_date(published, fields.date_format) if published else None,
        "authors": author_list(record.get(fields.authors_field)),
        "language": language if isinstance(language, str) and language else None,
        "encoding": encoding,
        "source": source,
        "format": fmt,
        "fields": {
            key: value
            for key, value in record.items()
            if key not in fields.mapped and key != "language"
        },
    }
    return doc_id, Document(doc_id, text, meta)


def _emit(
    record: Mapping[str, JSONValue],
    fields: FieldMap,
    fallback_id: str,
    source: str,
    fmt: str,
    encoding: str,
    dedup: _Dedup,
) -> Iterator[Item]:
    """The record's Document (renamed or skipped as a duplicate), or its ReadFailure."""
    try:
        doc_id, doc = record_document(record, fields, fallback_id, source, fmt, encoding)
    except NewsprismError as error:
        yield ReadFailure(source, error)
        return
    resolved = dedup.resolve(doc_id, doc.text)
    if resolved is None:
        return
    new_id, original = resolved
    if original is not None:
        doc = Document(new_id, doc.text, {**doc.meta, "duplicate_of": original})
    yield doc


def _lines(stream: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) per line; bytes is None for a line longer than `limit` (skipped)."""
    number = 0
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            # Drain the rest of the over-long line without holding it in memory.
            while (rest := stream.readline(_CHUNK)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, line


def _reject_constant(name: str) -> None:
    """NaN and Infinity are not JSON; a Document holding them could not be written back out."""
    raise ValueError(f"{name} is not valid JSON")


def _decode_record(raw: bytes, where: str) -> tuple[str, str]:
    """A record's text: UTF-8 (a leading BOM dropped: it precedes the record), else detected."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return decode_text(raw, where)


def _sniff(stream: BinaryIO, name: str, options: ReadOptions) -> bytes | ReadFailure:
    """The first `sniff_bytes` of a corpus file, or the failure for an empty or binary one."""
    head = stream.read(options.sniff_bytes)
    if not head:
        return ReadFailure(name, NewsprismError(Code.EMPTY, name))
    if is_binary(head, options):
        return ReadFailure(name, NewsprismError(Code.BINARY, name, "NUL or control bytes"))
    return head


def iter_jsonl(
    stream: BinaryIO, name: str, stem: str, fields: FieldMap, options: ReadOptions
) -> Iterator[Item]:
    """Documents from JSON Lines (or a JSON array), with E105 per malformed line."""
    head = _sniff(stream, name, options)
    if isinstance(head, ReadFailure):
        yield head
        return
    rest = replay(head, stream)
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        yield from _json_array(rest, name, stem, fields, options)
        return
    dedup = _Dedup()
    for number, raw in _lines(rest, options.max_bytes):
        where = f"{name}#{number}"
        if raw is None:
            too_large = NewsprismError(Code.TOO_LARGE, where, f"over {options.max_bytes} bytes")
            yield ReadFailure(where, too_large)
            continue
        if not raw.strip():
            continue
        try:
            line, encoding = _decode_record(raw, where)
            record = json.loads(line, parse_constant=_reject_constant)
        except NewsprismError as error:
            yield ReadFailure(where, error)
            continue
        except (ValueError, RecursionError) as bad:
            yield ReadFailure(where, NewsprismError(Code.MALFORMED_JSON, where, str(bad)[:200]))
            continue
        if not isinstance(record, dict):
            kind = type(record).__name__
            not_object = NewsprismError(Code.MALFORMED_JSON, where, f"a JSON {kind}, not an object")
            yield ReadFailure(where, not_object)
            continue
        yield from _emit(record, fields, f"{stem}:{number}", where, "jsonl", encoding, dedup)


def _json_array(
    stream: BinaryIO, name: str, stem: str, fields: FieldMap, options: ReadOptions
) -> Iterator[Item]:
    """A `.json` file holding one array of records (read whole: the per-file limit applies)."""
    data = stream.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        too_large = NewsprismError(Code.TOO_LARGE, name, f"array over {options.max_bytes} bytes")
        yield ReadFailure(name, too_large)
        return
    try:
        text, encoding = _decode_record(data, name)
        records = json.loads(text, parse_constant=_reject_constant)
    except NewsprismError as error:
        yield ReadFailure(name, error)
        return
    except (ValueError, RecursionError) as bad:
        yield ReadFailure(name, NewsprismError(Code.MALFORMED_JSON, name, str(bad)[:200]))
        return
    if not isinstance(records, list):
        yield ReadFailure(name, NewsprismError(Code.MALFORMED_JSON, name, "not an array"))
        return
    dedup = _Dedup()
    for index, record in enumerate(records, start=1):
        where = f"{name}#{index}"
        if not isinstance(record, dict):
            not_object = NewsprismError(Code.MALFORMED_JSON, where, "array item is not an object")
            yield ReadFailure(where, not_object)
            continue
        yield from _emit(record, fields, f"{stem}:{index}", where, "jsonl", encoding, dedup)


def _repair_row(row: list[str], where: str, hint: str | None) -> tuple[list[str], str | None]:
    """A CSV row read with surrogateescape, its non-UTF-8 fields re-decoded; (row, encoding).

    The encoding is detected once over all the row's foreign fields together (single fields are
    too short to tell cp1252 from cp1250), and `hint`, the file's earlier finding, is tried first.
    """
    foreign = [i for i, value in enumerate(row) if not _is_utf8(value)]
    if not foreign:
        return row, None
    raws = [row[i].encode("utf-8", "surrogateescape") for i in foreign]
    encoding = hint
    if encoding is None:
        encoding = decode_text(b"\n".join(raws), where)[1]
    fixed = list(row)
    try:
        for i, raw in zip(foreign, raws, strict=True):
            fixed[i] = raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        if hint is None:
            raise NewsprismError(Code.UNDECODABLE, where, f"fields not valid {encoding}") from None
        return _repair_row(row, where, None)
    return fixed, encoding


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def iter_csv(
    stream: BinaryIO, name: str, stem: str, fields: FieldMap, options: ReadOptions
) -> Iterator[Item]:
    """Documents from a CSV with a header row; E106 per malformed row, E104 per oversized field."""
    head = _sniff(stream, name, options)
    if isinstance(head, ReadFailure):
        yield head
        return
    raw = replay(head, stream)
    # 'utf-8-sig': a BOM before the header is not part of any record. surrogateescape keeps
    # foreign bytes recoverable per field instead of aborting the whole file.
    text_stream = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    # Articles can be long: the per-record size limit replaces csv's 128 KiB default.
    csv.field_size_limit(min(options.max_bytes, sys.maxsize))
    reader = csv.reader(text_stream, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        yield ReadFailure(name, NewsprismError(Code.EMPTY, name))
        return
    except csv.Error as bad:
        yield ReadFailure(name, NewsprismError(Code.MALFORMED_CSV, name, f"header: {bad}"))
        return
    try:
        header, file_encoding = _repair_row(header, name, None)
    except NewsprismError as error:
        yield ReadFailure(name, error)
        return
    dedup = _Dedup()
    row_number = 0
    while True:
        row_number += 1
        where = f"{name}#{row_number}"
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as bad:
            code = Code.TOO_LARGE if "field limit" in str(bad) else Code.MALFORMED_CSV
            yield ReadFailure(where, NewsprismError(code, where, f"line {reader.line_num}: {bad}"))
            continue
        if not row:
            row_number -= 1  # blank lines are not rows
            continue
        if len(row) != len(header):
            detail = f"{len(row)} fields where the header has {len(header)}"
            yield ReadFailure(where, NewsprismError(Code.MALFORMED_CSV, where, detail))
            continue
        try:
            row, detected = _repair_row(row, where, file_encoding)
        except NewsprismError as error:
            yield ReadFailure(where, error)
            continue
        file_encoding = detected or file_encoding
        record: dict[str, JSONValue] = dict(zip(header, row, strict=True))
        encoding = detected or "utf-8"
        yield from _emit(record, fields, f"{stem}:{row_number}", where, "csv", encoding, dedup)
