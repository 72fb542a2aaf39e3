"""Small helpers shared by the reader tests: split results into documents and failures."""

from __future__ import annotations

from collections.abc import Iterable

from newsprism.document import Document
from newsprism.errors import ReadFailure


def split(items: Iterable[Document | ReadFailure]) -> tuple[list[Document], list[ReadFailure]]:
    """(documents, failures) in input order; anything else fails the test."""
    docs: list[Document] = []
    failures: list[ReadFailure] = []
    for item in items:
        if isinstance(item, Document):
            docs.append(item)
        else:
            assert isinstance(item, ReadFailure), f"unexpected item {item!r}"
            failures.append(item)
    return docs, failures


def codes(failures: Iterable[ReadFailure]) -> list[str]:
    """The error codes of `failures`, in order."""
    return [f.error.code.code for f in failures]
