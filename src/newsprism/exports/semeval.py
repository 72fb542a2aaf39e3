"""SemEval-2020 Task 11 files: the TC prediction format, its reader, and the template filler.

A row is `article_id<TAB>technique<TAB>start<TAB>end`; `article_id` is the digits of
`article<ID>.txt` (else the file's stem). Offsets are `str` indices of the text exactly as read
(a BOM counts), end exclusive.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from newsprism.config import Config, ReadOptions
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError, ReadFailure
from newsprism.evaluate.ptc import article_id_of, decode_exact, read_exact
from newsprism.pipeline import chunks_within, text_length
from newsprism.readers.decode import check_length, check_text_bytes, read_limited

PROPAGANDA_LAYER = "propaganda"
FailureHandler = Callable[[ReadFailure], None]
"""Told of each input that a batch skips (the commands print it and exit 1 at the end)."""
ErrorHandler = Callable[[NewsprismError], None]


@dataclass(frozen=True, slots=True)
class SemevalRow:
    """One line of a TC file."""

    article_id: str
    technique: str
    start: int
    end: int

    def to_line(self) -> str:
        """The TAB-separated line, without the newline."""
        return f"{self.article_id}\t{self.technique}\t{self.start}\t{self.end}"


def rows_from_document(doc: Document, article_id: str | None = None) -> list[SemevalRow]:
    """The `propaganda` layer of `doc` as rows (sorted by offsets), under `article_id` or doc.id."""
    aid = article_id if article_id is not None else doc.id
    spans = sorted(doc.layer(PROPAGANDA_LAYER), key=lambda s: (s.start, s.end, s.label))
    return [SemevalRow(aid, s.label, s.start, s.end) for s in spans]


def write_semeval(rows: Iterable[SemevalRow], stream: IO[str]) -> int:
    """Write rows, one per line; returns how many were written."""
    count = 0
    for row in rows:
        stream.write(row.to_line() + "\n")
        count += 1
    return count


def read_semeval(path: Path, on_error: ErrorHandler | None = None) -> list[SemevalRow]:
    """Read a TC file (4 columns) or a template (4 columns with `?` or 3 columns without label).

    Templates have no technique: those rows carry the technique `?`. A malformed line raises E106
    naming `path:line`, or with `on_error` is passed to it and skipped (the other lines stay).
    """
    rows = []
    for number, line in enumerate(read_exact(path).splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(_parse_row(line, f"{path}:{number}"))
        except NewsprismError as error:
            if on_error is None:
                raise
            on_error(error)
    return rows


def _parse_row(line: str, where: str) -> SemevalRow:
    """One TC or template line (E106 naming `where` when it is not one)."""
    cols = line.rstrip("\r\n").split("\t")
    try:
        if len(cols) == 4:
            aid, technique, start, end = cols
        elif len(cols) == 3:
            aid, start, end = cols
            technique = "?"
        else:
            raise ValueError
        row = SemevalRow(aid, technique, int(start), int(end))
    except ValueError:
        raise NewsprismError(
            Code.MALFORMED_CSV, where, "expected article_id<TAB>technique<TAB>start<TAB>end"
        ) from None
    if row.start < 0 or row.end <= row.start:
        raise NewsprismError(Code.MALFORMED_CSV, where, "bad span offsets")
    return row


def read_article(path: Path, options: ReadOptions | None = None) -> Document:
    """One article read exactly (BOM and newlines kept), with the SemEval article id as `id`.

    Refused with a coded error naming the file: missing or unreadable (E100), binary (E101), not
    UTF-8 (E102), empty or blank (E103), over `read.max_bytes` (E104, before reading it), over
    `read.max_chars` once decoded (E113).
    """
    options = options or ReadOptions()
    data = read_limited(path, options)
    check_text_bytes(data, str(path), options)
    text = decode_exact(data, str(path))
    if not text.strip():
        raise NewsprismError(Code.EMPTY, str(path), "only white space")
    doc = Document(id=article_id_of(path), text=text, meta={"source": str(path)})
    check_length(doc, options)
    return doc


def documents_from_paths(paths: Sequence[Path]) -> list[Document]:
    """Every article of `paths` (`read_article`); the first unreadable one raises its error."""
    return [read_article(path) for path in paths]


def read_articles(
    paths: Sequence[Path], options: ReadOptions | None = None
) -> Iterator[Document | ReadFailure]:
    """Each path's article, or a `ReadFailure` in its place: a batch skips what it cannot read
    and goes on. A second file with an article id already read is refused (E112): its rows
    could not be told from the first's."""
    seen: dict[str, Path] = {}
    for path in paths:
        try:
            doc = read_article(path, options)
        except NewsprismError as error:
            yield ReadFailure(str(path), error)
            continue
        first = seen.setdefault(doc.id, path)
        if first != path:
            detail = f"article id {doc.id} is also {first}'s"
            yield ReadFailure(str(path), NewsprismError(Code.DUPLICATE_ID, str(path), detail))
            continue
        yield doc


def _chunks(
    items: Iterable[Document | ReadFailure], config: Config, on_failure: FailureHandler
) -> Iterator[list[Document]]:
    """Documents in the pipeline's chunks (`[batch]` chunk_size and chunk_chars: bounded memory
    whatever the number of files); failures go to `on_failure` as they come."""

    def readable() -> Iterator[Document]:
        for item in items:
            if isinstance(item, ReadFailure):
                on_failure(item)
            else:
                yield item

    yield from chunks_within(
        readable(), config.batch.chunk_size, config.batch.chunk_chars, text_length
    )


def _raise(failure: ReadFailure) -> None:
    raise failure.error


def detect_files(
    paths: Sequence[Path], config: Config, on_failure: FailureHandler = _raise
) -> Iterator[SemevalRow]:
    """`newsprism propaganda detect`: spans and techniques found in each article, as rows, one
    chunk of articles at a time (the encoder's token vectors of a chunk are all it holds).

    Unreadable files go to `on_failure` (default: raise) and the others are still detected.
    """
    from newsprism.analyzers.propaganda import detect_documents

    articles = read_articles(paths, config.read)
    for chunk in _chunks(articles, config, on_failure):
        for doc in detect_documents(chunk, config):
            yield from rows_from_document(doc)


def label_files(
    paths: Sequence[Path], template_path: Path, config: Config, on_failure: FailureHandler = _raise
) -> list[SemevalRow]:
    """`newsprism propaganda label`: the template's spans, each with its predicted technique, in
    the template's order.

    Articles are classified a chunk at a time, and only those the template names. What cannot be
    labelled goes to `on_failure` (default: raise) and its rows are left out, the others kept:
    a malformed template line, an unreadable article, a span past its article's end (E106), and
    the rows of an article absent from the inputs (E106, once per article).
    """
    from newsprism.analyzers.propaganda import classify_spans

    def bad_row(error: NewsprismError) -> None:
        on_failure(ReadFailure(str(template_path), error))

    template = read_semeval(template_path, on_error=bad_row)
    rows_of: dict[str, list[int]] = {}
    for index, row in enumerate(template):
        rows_of.setdefault(row.article_id, []).append(index)
    labels: dict[int, str] = {}

    def inside(doc: Document) -> list[int]:
        """The template rows of `doc` whose span lies inside its text (the others reported)."""
        kept = []
        for k in rows_of.pop(doc.id):
            row = template[k]
            if row.end > len(doc.text):
                where = f"{template_path}: {row.article_id} {row.start}-{row.end}"
                bad_row(NewsprismError(Code.MALFORMED_CSV, where, "span runs past the article"))
            else:
                kept.append(k)
        return kept

    read = (
        item
        for item in read_articles(paths, config.read)
        if isinstance(item, ReadFailure) or item.id in rows_of
    )
    for chunk in _chunks(read, config, on_failure):
        wanted = [(doc, inside(doc)) for doc in chunk]
        spans = [[(template[k].start, template[k].end) for k in rows] for _, rows in wanted]
        found = classify_spans([doc for doc, _ in wanted], spans, config)
        for doc, rows in wanted:
            labels.update(zip(rows, found[doc.id], strict=True))
    for article_id, rows in rows_of.items():
        where = f"{template_path}: {len(rows)} row(s) of article {article_id}"
        bad_row(NewsprismError(Code.MALFORMED_CSV, where, "no such article among the inputs"))
    return [
        SemevalRow(row.article_id, labels[k], row.start, row.end)
        for k, row in enumerate(template)
        if k in labels
    ]
