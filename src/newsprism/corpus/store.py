"""The SQLite corpus store: analysed documents and spans, runs, errors and FTS5 search.

One writer (the batch's main process) in WAL mode; any number of readers may open the file
read-only (`file:...?mode=ro`), as the web UI does. Tables are plain, so other SQLite tools can
read them; the schema is versioned through PRAGMA user_version (see `schema.py`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from newsprism.corpus.hashing import config_hash as versions_config_hash
from newsprism.corpus.schema import MIGRATIONS, SCHEMA_VERSION, TABLES
from newsprism.document import Document, JSONValue, Span, SpanError
from newsprism.errors import Code, NewsprismError, ReadFailure

SNIPPET_OPEN = "\u27e6"
"""Marks the start of a matched term in `SearchHit.snippet` (U+27E6, rare in news text)."""
SNIPPET_CLOSE = "\u27e7"
"""Marks the end of a matched term in `SearchHit.snippet`."""

_SNIPPET_TOKENS = 12
"""Tokens of context per snippet: about one line of text around the match."""
_BUSY_TIMEOUT_MS = 5000
"""How long a statement waits on another connection's lock before E408 (readers never block
the WAL writer; this covers a second writer or a checkpoint)."""


def _now() -> str:
    """UTC timestamp in ISO 8601, seconds precision."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _dumps(value: Any) -> str:
    """Compact JSON that keeps non-ASCII characters; NaN is refused (not JSON)."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _text_or_none(value: JSONValue) -> str | None:
    """A meta value for a plain text column: strings as they are, other values as JSON."""
    if value is None:
        return None
    return value if isinstance(value, str) else _dumps(value)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One full-text match. `snippet` wraps matched terms in SNIPPET_OPEN / SNIPPET_CLOSE."""

    id: str
    title: str | None
    outlet: str | None
    snippet: str
    rank: float
    """bm25 score: lower is a better match (hits come best first)."""

    def snippet_parts(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is_match) pieces, for renderers that escape text themselves."""
        parts: list[tuple[str, bool]] = []
        for index, piece in enumerate(self.snippet.split(SNIPPET_OPEN)):
            if index == 0:
                if piece:
                    parts.append((piece, False))
                continue
            matched, _, rest = piece.partition(SNIPPET_CLOSE)
            if matched:
                parts.append((matched, True))
            if rest:
                parts.append((rest, False))
        return parts

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "snippet": self.snippet,
            "rank": self.rank,
        }


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One batch run: when, with which config and inputs, and its counts (None while running)."""

    id: int
    started: str
    finished: str | None
    config_hash: str
    versions: dict[str, JSONValue]
    inputs: list[str]
    counts: dict[str, JSONValue] | None

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "id": self.id,
            "started": self.started,
            "finished": self.finished,
            "config_hash": self.config_hash,
            "versions": self.versions,
            "inputs": self.inputs,
            "counts": self.counts,
        }


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One input item or document that failed in a run."""

    run_id: int | None
    source: str
    code: str
    message: str
    detail: str | None
    at: str

    def to_dict(self) -> dict[str, JSONValue]:
        """JSON-ready form."""
        return {
            "run_id": self.run_id,
            "source": self.source,
            "code": self.code,
            "message": self.message,
            "detail": self.detail,
            "at": self.at,
        }


def _quote_terms(query: str) -> str:
    """`query` as plain terms: every whitespace-separated word quoted (FTS5 syntax neutralised)."""
    return " ".join('"' + term.replace('"', '""') + '"' for term in query.split())


class Store:
    """A newsprism SQLite database; writable (created when missing) or read-only."""

    def __init__(self, path: str | Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        self._conn = self._connect()
        try:
            self._prepare()
        except BaseException:
            self._conn.close()
            raise

    # -- opening -------------------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """Open the file; E402 when it is missing (read-only) or cannot be opened."""
        where = str(self.path)
        if self.readonly and not self.path.is_file():
            raise NewsprismError(Code.STORE_NOT_FOUND, where)
        if not self.readonly and not self.path.parent.is_dir():
            raise NewsprismError(Code.STORE_NOT_FOUND, where, "its folder does not exist")
        try:
            if self.readonly:
                uri = self.path.resolve().as_uri() + "?mode=ro"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            else:
                conn = sqlite3.connect(self.path, isolation_level=None)
        except sqlite3.Error as bad:
            raise NewsprismError(Code.STORE_NOT_FOUND, where, str(bad)) from None
        conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
        return conn

    def _prepare(self) -> None:
        """Check the schema version; on a writable store switch to WAL and apply migrations."""
        where = str(self.path)
        try:
            version = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                row[0]
                for row in self._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as bad:
            raise NewsprismError(Code.STORE_BAD, where, str(bad)) from None
        if version > SCHEMA_VERSION:
            raise NewsprismError(
                Code.STORE_SCHEMA, where, f"schema {version}, this newsprism reads {SCHEMA_VERSION}"
            )
        if version == 0 and tables:
            # Another program's database: never add our tables next to theirs.
            raise NewsprismError(Code.STORE_BAD, where, "it holds tables newsprism did not write")
        if version > 0 and not tables >= TABLES:
            missing = ", ".join(sorted(TABLES - tables))
            raise NewsprismError(Code.STORE_BAD, where, f"tables missing: {missing}")
        if self.readonly:
            if version < SCHEMA_VERSION:
                raise NewsprismError(
                    Code.STORE_BAD,
                    where,
                    f"schema {version} is older than {SCHEMA_VERSION} and a read-only open cannot "
                    "upgrade it; run `newsprism batch` on it once",
                )
            self._conn.execute("PRAGMA query_only = ON")
            return
        try:
            self._conn.execute("PRAGMA journal_mode = WAL")
            # NORMAL is safe against a killed process in WAL mode (only power loss can drop the
            # last commits), and avoids an fsync per chunk.
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(version)
        except sqlite3.OperationalError as bad:
            raise self._operational(bad) from None
        except sqlite3.DatabaseError as bad:
            raise NewsprismError(Code.STORE_BAD, where, str(bad)) from None

    def _migrate(self, version: int) -> None:
        """Apply every migration after `version`, all in one transaction."""
        if version >= SCHEMA_VERSION:
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another writer may have migrated meanwhile.
            current = int(self._conn.execute("PRAGMA user_version").fetchone()[0])
            for number in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[number - 1]:
                    self._conn.execute(statement)
                self._conn.execute(f"PRAGMA user_version = {number}")
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def _operational(self, bad: sqlite3.OperationalError) -> NewsprismError:
        """Map an sqlite3 OperationalError to the user's error."""
        text = str(bad)
        if "locked" in text or "busy" in text:
            return NewsprismError(Code.STORE_LOCKED, str(self.path), text)
        if "readonly" in text or "read-only" in text:
            return NewsprismError(Code.STORE_READONLY, str(self.path), text)
        return NewsprismError(Code.STORE_WRITE, str(self.path), text)

    def _require_writable(self) -> None:
        if self.readonly:
            raise NewsprismError(Code.STORE_READONLY, str(self.path))

    # -- transactions --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one transaction (the batch commits one chunk per transaction).

        Nested calls join the outer transaction; `put` uses a savepoint inside it, so one
        unstorable document does not undo the rest of its chunk.
        """
        self._require_writable()
        if self._conn.in_transaction:
            yield
            return
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as bad:
            raise self._operational(bad) from None
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as bad:
            raise self._operational(bad) from None

    @contextmanager
    def _savepoint(self, name: str) -> Iterator[None]:
        """A savepoint: commits on its own outside a transaction, rolls back only itself inside."""
        self._conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            self._conn.execute(f"ROLLBACK TO {name}")
            self._conn.execute(f"RELEASE {name}")
            raise
        self._conn.execute(f"RELEASE {name}")

    # -- documents -----------------------------------------------------------------------------

    def put(
        self,
        doc: Document,
        content_hash: str,
        config_hash: str | None = None,
        run_id: int | None = None,
    ) -> None:
        """Store `doc` and all its spans, replacing any earlier version and its spans at once.

        `config_hash` defaults to the hash of `doc.versions` (see `hashing.config_hash`).
        Raises E406 when the document cannot be stored (the database is left unchanged).
        """
        self._require_writable()
        data = doc.to_dict()
        meta: Mapping[str, JSONValue] = data["meta"]
        try:
            rows = [
                (
                    doc.id,
                    layer,
                    span["id"],
                    ordinal,
                    span["start"],
                    span["end"],
                    span["label"],
                    span["score"],
                    _dumps(span["attrs"]),
                )
                for ordinal, (layer, span) in enumerate(
                    (layer, span) for layer, spans in data["layers"].items() for span in spans
                )
            ]
            record = (
                doc.id,
                content_hash,
                config_hash if config_hash is not None else versions_config_hash(doc.versions),
                _text_or_none(meta.get("title")),
                _text_or_none(meta.get("outlet")),
                _text_or_none(meta.get("url")),
                _text_or_none(meta.get("published")),
                doc.text,
                _dumps(meta),
                _dumps(list(data["layers"])),
                _dumps(data["scores"]),
                _dumps(data["versions"]),
                run_id,
                _now(),
            )
        except (ValueError, TypeError) as bad:
            raise NewsprismError(Code.STORE_WRITE, doc.id, str(bad)) from None
        try:
            with self._savepoint("put_document"):
                # Delete, then insert: the delete trigger removes the old FTS entry and the
                # cascade (plus the explicit delete, for databases opened without FK checks)
                # removes every old span, so no stale span survives a re-analysis.
                self._conn.execute("DELETE FROM spans WHERE doc_id = ?", (doc.id,))
                self._conn.execute("DELETE FROM documents WHERE id = ?", (doc.id,))
                self._conn.execute(
                    "INSERT INTO documents (id, content_hash, config_hash, title, outlet, url, "
                    "published, text, meta_json, layers_json, scores_json, versions_json, "
                    "run_id, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    record,
                )
                self._conn.executemany(
                    'INSERT INTO spans (doc_id, layer, span_id, ord, start, "end", label, score, '
                    "attrs_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    rows,
                )
        except UnicodeEncodeError as bad:
            raise NewsprismError(Code.STORE_WRITE, doc.id, f"unencodable text: {bad}") from None
        except sqlite3.OperationalError as bad:
            raise self._operational(bad) from None
        except sqlite3.DatabaseError as bad:
            raise NewsprismError(Code.STORE_WRITE, doc.id, str(bad)) from None

    def get(self, doc_id: str) -> Document:
        """The stored document `doc_id`, exactly as it was put (E404 when absent)."""
        row = self._conn.execute(
            "SELECT id, text, meta_json, layers_json, scores_json, versions_json "
            "FROM documents WHERE id = ?",
            (doc_id,),
        ).fetchone()
        if row is None:
            raise NewsprismError(Code.DOC_NOT_FOUND, doc_id)
        return self._document(row)

    def _document(self, row: Sequence[Any]) -> Document:
        """Rebuild a Document from its documents row and its spans (layer and span order kept)."""
        doc_id, text, meta_json, layers_json, scores_json, versions_json = row
        layers: dict[str, list[Span]] = {name: [] for name in json.loads(layers_json)}
        spans = self._conn.execute(
            'SELECT layer, span_id, start, "end", label, score, attrs_json FROM spans '
            "WHERE doc_id = ? ORDER BY ord",
            (doc_id,),
        )
        try:
            for layer, span_id, start, end, label, score, attrs_json in spans:
                layers.setdefault(layer, []).append(
                    Span(start, end, label, score, json.loads(attrs_json), span_id)
                )
            return Document(
                doc_id,
                text,
                json.loads(meta_json),
                {name: tuple(items) for name, items in layers.items()},
                json.loads(scores_json),
                json.loads(versions_json),
            )
        except (SpanError, ValueError) as bad:
            raise NewsprismError(Code.STORE_BAD, f"{self.path}#{doc_id}", str(bad)) from None

    def has_current(self, doc_id: str, content_hash: str, config_hash: str) -> bool:
        """True when `doc_id` is stored from the same content under the same config hash."""
        row = self._conn.execute(
            "SELECT 1 FROM documents WHERE id = ? AND content_hash = ? AND config_hash = ?",
            (doc_id, content_hash, config_hash),
        ).fetchone()
        return row is not None

    def iter_documents(self) -> Iterator[Document]:
        """Every stored document, in the order they were stored."""
        # Rows come in fetched pages (keyset on seq): rebuilding a document runs its own span
        # query, so no cursor stays open across a yield, and memory stays bounded.
        last = -1
        while True:
            batch = self._conn.execute(
                "SELECT seq, id, text, meta_json, layers_json, scores_json, versions_json "
                "FROM documents WHERE seq > ? ORDER BY seq LIMIT 256",
                (last,),
            ).fetchall()
            if not batch:
                return
            for row in batch:
                last = row[0]
                yield self._document(row[1:])

    def ids(self) -> list[str]:
        """Every stored document id, in the order they were stored."""
        return [row[0] for row in self._conn.execute("SELECT id FROM documents ORDER BY seq")]

    def count(self) -> int:
        """Number of stored documents."""
        return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    # -- search --------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search over titles and texts, best match first.

        FTS5 syntax (phrases, OR, NEAR, prefix*) is honoured; a query FTS5 rejects (unbalanced
        quotes, stray operators) is retried as plain quoted terms instead of failing.
        """
        if not query.strip() or limit <= 0:
            return []
        for attempt in (query, _quote_terms(query)):
            try:
                rows = self._conn.execute(
                    "SELECT d.id, d.title, d.outlet, "
                    "snippet(documents_fts, -1, ?, ?, '…', ?), bm25(documents_fts) AS rank "
                    "FROM documents_fts JOIN documents d ON d.seq = documents_fts.rowid "
                    "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
                    (SNIPPET_OPEN, SNIPPET_CLOSE, _SNIPPET_TOKENS, attempt, limit),
                ).fetchall()
            except sqlite3.OperationalError:
                continue
            return [SearchHit(r[0], r[1], r[2], r[3], float(r[4])) for r in rows]
        return []

    # -- runs and errors -----------------------------------------------------------------------

    def start_run(
        self, config_hash: str, versions: Mapping[str, JSONValue], inputs: Sequence[str]
    ) -> int:
        """Record the start of a batch run; returns its id."""
        self._require_writable()
        with self.transaction():
            cursor = self._conn.execute(
                "INSERT INTO runs (started, config_hash, versions_json, inputs_json) "
                "VALUES (?, ?, ?, ?)",
                (_now(), config_hash, _dumps(dict(versions)), _dumps(list(inputs))),
            )
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, counts: Mapping[str, JSONValue]) -> None:
        """Record the end of run `run_id` with its counts."""
        self._require_writable()
        with self.transaction():
            self._conn.execute(
                "UPDATE runs SET finished = ?, counts_json = ? WHERE id = ?",
                (_now(), _dumps(dict(counts)), run_id),
            )

    def record_error(
        self, run_id: int | None, source: str, error: NewsprismError | ReadFailure
    ) -> ErrorRecord:
        """Store one failed item of run `run_id`; returns the stored record."""
        self._require_writable()
        if isinstance(error, ReadFailure):
            error = error.error
        record = ErrorRecord(run_id, source, error.code.code, error.message, error.detail, _now())
        with self.transaction():
            self._conn.execute(
                "INSERT INTO errors (run_id, source, code, message, detail, at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record.run_id,
                    record.source.encode("utf-8", "replace").decode("utf-8"),
                    record.code,
                    record.message.encode("utf-8", "replace").decode("utf-8"),
                    None
                    if record.detail is None
                    else record.detail.encode("utf-8", "replace").decode("utf-8"),
                    record.at,
                ),
            )
        return record

    def errors(self, run_id: int | None = None) -> list[ErrorRecord]:
        """Stored errors, of one run or of all runs, oldest first."""
        sql = "SELECT run_id, source, code, message, detail, at FROM errors"
        params: tuple[Any, ...] = ()
        if run_id is not None:
            sql += " WHERE run_id = ?"
            params = (run_id,)
        return [ErrorRecord(*row) for row in self._conn.execute(sql + " ORDER BY rowid", params)]

    def runs(self) -> list[RunRecord]:
        """Every batch run, oldest first."""
        rows = self._conn.execute(
            "SELECT id, started, finished, config_hash, versions_json, inputs_json, counts_json "
            "FROM runs ORDER BY id"
        )
        return [
            RunRecord(
                row[0],
                row[1],
                row[2],
                row[3],
                json.loads(row[4]),
                json.loads(row[5]),
                None if row[6] is None else json.loads(row[6]),
            )
            for row in rows
        ]

    # -- lifetime ------------------------------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection, for read queries the methods above do not cover."""
        return self._conn

    def close(self) -> None:
        """Close the database (idempotent)."""
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
