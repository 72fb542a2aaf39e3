"""Plain text files: decoded as they are; the first line is the title when the layout says so."""

from __future__ import annotations

from newsprism.config import ReadOptions
from newsprism.document import Document, JSONValue
from newsprism.errors import Code, NewsprismError
from newsprism.readers.decode import check_text_bytes, decode_text
from newsprism.readers.meta import leading_title


def read_txt(data: bytes, doc_id: str, source: str, options: ReadOptions) -> Document:
    """One Document whose text is `data` decoded, with no stripping or newline translation.

    Raises E101/E102/E103/E104 for binary, undecodable, empty or oversized input.
    """
    check_text_bytes(data, source, options)
    text, encoding = decode_text(data, source)
    if not text.replace("\ufeff", "").strip():
        raise NewsprismError(Code.EMPTY, source, "only whitespace")
    meta: dict[str, JSONValue] = {
        "title": leading_title(text, options.title_max_chars),
        "url": None,
        "outlet": None,
        "published": None,
        "authors": [],
        "language": None,
        "encoding": encoding,
        "source": source,
        "format": "txt",
    }
    return Document(doc_id, text, meta)
