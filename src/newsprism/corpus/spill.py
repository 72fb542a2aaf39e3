"""The slim articles of a large corpus, kept on disk while its stories are found.

`segments.py` clusters a corpus one date segment at a time; the articles it has read once (the
costly part: every layer of every document parsed) wait in a connection-private TEMP table, one
pickled slim `Article` a row keyed by its position in stored order, and come back a segment at
a time. TEMP tables live in a file SQLite spills to, not in memory, and go with the connection.
The rows are written and read by this process only, within one connection: nothing outside it
can put a pickle there.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from newsprism.corpus.articles import Article
from newsprism.corpus.store import Store
from newsprism.document import Document

_TABLE = "temp.spilled_articles"
_CHUNK = 500
"""Positions asked for in one query (SQLite's default limit on host parameters is 999+)."""


_FIELDS = tuple(f.name for f in fields(Article) if f.name != "doc")
"""What is pickled of a slim article: every field but its (empty) document, whose read-only
mappings do not pickle; `_article` gives it a new empty one, as `articles.slim` does."""


def _state(article: Article) -> tuple[Any, ...]:
    return tuple(getattr(article, name) for name in _FIELDS)


def _article(state: tuple[Any, ...]) -> Article:
    values = dict(zip(_FIELDS, state, strict=True))
    return Article(doc=Document(values["id"], ""), **values)


class SpilledArticles:
    """Slim articles by position, in a TEMP table of the store's connection."""

    def __init__(self, store: Store) -> None:
        self._conn = store.connection
        self._conn.execute(f"DROP TABLE IF EXISTS {_TABLE}")
        self._conn.execute(f"CREATE TABLE {_TABLE} (position INTEGER PRIMARY KEY, blob BLOB)")

    def add(self, rows: Iterable[tuple[int, Article]]) -> None:
        """Keep each (position, slim article)."""
        self._conn.executemany(
            f"INSERT INTO {_TABLE} (position, blob) VALUES (?, ?)",
            ((p, pickle.dumps(_state(a), protocol=pickle.HIGHEST_PROTOCOL)) for p, a in rows),
        )

    def load(self, positions: Sequence[int]) -> list[Article]:
        """The articles at `positions`, in that order."""
        found: dict[int, Article] = {}
        for start in range(0, len(positions), _CHUNK):
            chunk = list(positions[start : start + _CHUNK])
            marks = ",".join("?" * len(chunk))
            for position, blob in self._conn.execute(
                f"SELECT position, blob FROM {_TABLE} WHERE position IN ({marks})", chunk
            ):
                found[int(position)] = _article(pickle.loads(blob))  # written by `add`
        return [found[p] for p in positions]

    def close(self) -> None:
        """Drop the table (its file goes with it)."""
        self._conn.execute(f"DROP TABLE IF EXISTS {_TABLE}")
