"""SemEval-2020 Task 11 files: the TC prediction format, its reader, and the template filler.

A row is `article_id<TAB>technique<TAB>start<TAB>end`; `article_id` is the digits of
`article<ID>.txt` (else the file's stem). Offsets are `str` indices of the text exactly as read
(a BOM counts), end exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.ptc import article_id_of, read_exact

PROPAGANDA_LAYER = "propaganda"


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


def read_semeval(path: Path) -> list[SemevalRow]:
    """Read a TC file (4 columns) or a template (4 columns with `?` or 3 columns without label).

    Templates have no technique: those rows carry the technique `?`.
    """
    rows = []
    for number, line in enumerate(read_exact(path).splitlines(), 1):
        if not line.strip():
            continue
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
                Code.MALFORMED_CSV,
                f"{path}:{number}",
                "expected article_id<TAB>technique<TAB>start<TAB>end",
            ) from None
        if row.start < 0 or row.end <= row.start:
            raise NewsprismError(Code.MALFORMED_CSV, f"{path}:{number}", "bad span offsets")
        rows.append(row)
    return rows


def documents_from_paths(paths: Sequence[Path]) -> list[Document]:
    """Articles read exactly (BOM and newlines kept), with the SemEval article id as `id`."""
    docs = []
    for path in paths:
        text = read_exact(path)
        if not text.strip():
            raise NewsprismError(Code.EMPTY, str(path))
        docs.append(Document(id=article_id_of(path), text=text, meta={"source": str(path)}))
    return docs


def detect_files(paths: Sequence[Path], config: Config) -> list[SemevalRow]:
    """`newsprism propaganda detect`: spans and techniques found in each article, as rows."""
    from newsprism.analyzers.propaganda import detect_documents

    rows: list[SemevalRow] = []
    for doc in detect_documents(documents_from_paths(paths), config):
        rows.extend(rows_from_document(doc))
    return rows


def fill_template(
    docs: Sequence[Document], template: Sequence[SemevalRow], config: Config
) -> list[SemevalRow]:
    """Label every template span with a technique, in the template's order.

    Template rows name articles by id; a row whose article is not among `docs` or whose span
    runs past its text is refused with E106 naming the row.
    """
    from newsprism.analyzers.propaganda import classify_spans

    by_id = {doc.id: doc for doc in docs}
    wanted: dict[str, list[tuple[int, int]]] = {}
    for row in template:
        doc = by_id.get(row.article_id)
        if doc is None:
            raise NewsprismError(
                Code.MALFORMED_CSV, row.to_line(), f"no article {row.article_id} among the inputs"
            )
        if row.end > len(doc.text):
            raise NewsprismError(Code.MALFORMED_CSV, row.to_line(), "span runs past the article")
        wanted.setdefault(row.article_id, []).append((row.start, row.end))
    labels: Mapping[str, list[str]] = classify_spans(
        [by_id[a] for a in wanted], [wanted[a] for a in wanted], config
    )
    cursor = dict.fromkeys(wanted, 0)
    out = []
    for row in template:
        label = labels[row.article_id][cursor[row.article_id]]
        cursor[row.article_id] += 1
        out.append(SemevalRow(row.article_id, label, row.start, row.end))
    return out


def label_files(paths: Sequence[Path], template_path: Path, config: Config) -> list[SemevalRow]:
    """`newsprism propaganda label`: the template's spans, each with its predicted technique."""
    return fill_template(documents_from_paths(paths), read_semeval(template_path), config)
