"""The store's SQLite schema as an ordered list of migrations, tracked by PRAGMA user_version.

Migration `n` (1-based) takes a database from user_version `n - 1` to `n`. Each is a tuple of
single statements (not a script) so that the store can run them inside one explicit transaction:
`sqlite3.Connection.executescript` would commit first, and splitting a script on ';' breaks the
trigger bodies. Append new migrations; never edit a released one.
"""

from __future__ import annotations

# `documents.seq` is an explicit INTEGER PRIMARY KEY (the rowid) so that the external-content FTS
# index keeps pointing at the right rows: VACUUM may renumber implicit rowids, not declared ones.
# `id` is the document key (UNIQUE, what every API uses). `layers_json` keeps the layer names in
# order, so empty layers and the layer order survive a round trip.
_V1: tuple[str, ...] = (
    """
    CREATE TABLE documents (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL,
        config_hash TEXT NOT NULL,
        title TEXT,
        outlet TEXT,
        url TEXT,
        published TEXT,
        text TEXT NOT NULL,
        meta_json TEXT NOT NULL,
        layers_json TEXT NOT NULL,
        scores_json TEXT NOT NULL,
        versions_json TEXT NOT NULL,
        run_id INTEGER,
        stored_at TEXT NOT NULL
    )
    """,
    # `ord` is the span's position in its document (layers in order, spans in layer order).
    """
    CREATE TABLE spans (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        layer TEXT NOT NULL,
        span_id TEXT NOT NULL,
        ord INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT NOT NULL,
        score REAL,
        attrs_json TEXT NOT NULL,
        PRIMARY KEY (doc_id, span_id)
    )
    """,
    "CREATE INDEX spans_doc_layer ON spans (doc_id, layer)",
    "CREATE INDEX spans_layer_label ON spans (layer, label)",
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        finished TEXT,
        config_hash TEXT NOT NULL,
        versions_json TEXT NOT NULL,
        inputs_json TEXT NOT NULL,
        counts_json TEXT
    )
    """,
    """
    CREATE TABLE errors (
        run_id INTEGER REFERENCES runs(id),
        source TEXT NOT NULL,
        code TEXT NOT NULL,
        message TEXT NOT NULL,
        detail TEXT,
        at TEXT NOT NULL
    )
    """,
    "CREATE INDEX errors_run ON errors (run_id)",
    # External-content FTS5 over title and text: the text lives once, in `documents`.
    """
    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='seq',
        tokenize='unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END
    """,
    """
    CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts (documents_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
    END
    """,
    """
    CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
        INSERT INTO documents_fts (documents_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
        INSERT INTO documents_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
    END
    """,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1,)
"""Migration statements in order; `MIGRATIONS[n - 1]` brings user_version to `n`."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The user_version this code writes and expects."""

TABLES = frozenset({"documents", "spans", "runs", "errors", "documents_fts"})
"""Tables a newsprism database holds (used to recognise one)."""
