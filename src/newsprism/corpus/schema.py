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

# v2: the cross-source corpus analysis (`newsprism.corpus.analysis.analyze_corpus`). Every table
# below is rewritten as a whole by one analysis run (one transaction), never by the batch; readers
# (web UI, trust) only read them. Ids are stable within one run: `story_id` is "s" + the first
# member's document id hash, `alignment_id` is "<story_id>.a<n>"; span ids are the documents'
# own span ids (`events.3`, `attributions.7`), so every row points back at exact characters.
_V2: tuple[str, ...] = (
    # Key/value state: `fingerprint` (hash of every document's id, content and config hash plus
    # the [corpus] options: the analysis is stale when it differs), `analyzed_at`, `summary_json`.
    "CREATE TABLE corpus_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # One document vector per document (float32 little-endian bytes, L2-normalised, `dim` values)
    # from the shared encoder over title + lead sentences; reused while `content_hash` and `model`
    # match, so re-runs only encode new or changed documents.
    """
    CREATE TABLE doc_vectors (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        content_hash TEXT NOT NULL,
        model TEXT NOT NULL,
        dim INTEGER NOT NULL,
        vector BLOB NOT NULL
    )
    """,
    # Republications and near-duplicates: `doc_id` repeats `original_id` (the earlier one).
    # kind: 'near_duplicate' (MinHash Jaccard of body shingles >= corpus.duplicate_jaccard, or the
    # shorter body's shingles inside the longer >= corpus.duplicate_containment) or
    # 'republication' (a credit line such as "Originally published at X" names the original's
    # outlet). `source` is the independent source every member of the group counts as.
    """
    CREATE TABLE duplicates (
        doc_id TEXT NOT NULL,
        original_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        similarity REAL,
        evidence TEXT,
        PRIMARY KEY (doc_id, original_id)
    )
    """,
    # Stories: clusters of articles reporting the same events (singletons included).
    # first/last: ISO `meta.published` of the earliest / latest member (NULL when none is dated).
    """
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,
        title TEXT,
        first TEXT,
        last TEXT,
        size INTEGER NOT NULL,
        sources INTEGER NOT NULL
    )
    """,
    # One row per document. `source`: the independent source it counts as (its outlet, or the
    # outlet it republishes or credits); `original_id`: the document it repeats, or NULL.
    """
    CREATE TABLE story_members (
        doc_id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL,
        source TEXT NOT NULL,
        original_id TEXT,
        score REAL
    )
    """,
    "CREATE INDEX story_members_story ON story_members (story_id)",
    # Claim alignments: spans (events and attributions) in one story that speak of the same thing.
    # `label` is the event type or 'claim'; `summary` a short description for display.
    """
    CREATE TABLE alignments (
        id TEXT PRIMARY KEY,
        story_id TEXT NOT NULL,
        label TEXT NOT NULL,
        summary TEXT
    )
    """,
    "CREATE INDEX alignments_story ON alignments (story_id)",
    # layer: 'events' or 'attributions'; polarity 'assert' | 'deny'; speaker: who claims it
    # (attribution speaker, or the outlet when the author states it); start/end: the span's
    # characters in its document.
    """
    CREATE TABLE alignment_members (
        alignment_id TEXT NOT NULL,
        doc_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        layer TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        polarity TEXT NOT NULL,
        speaker TEXT,
        source TEXT NOT NULL,
        PRIMARY KEY (alignment_id, doc_id, span_id)
    )
    """,
    "CREATE INDEX alignment_members_doc ON alignment_members (doc_id)",
    # Conflicts between two members of one alignment, with both evidence spans.
    # kind: 'polarity' | 'number' | 'actor' | 'date' | 'place'; note: what differs, in words.
    """
    CREATE TABLE conflicts (
        id INTEGER PRIMARY KEY,
        story_id TEXT NOT NULL,
        alignment_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        a_doc TEXT NOT NULL, a_span TEXT NOT NULL, a_start INTEGER NOT NULL, a_end INTEGER NOT NULL,
        b_doc TEXT NOT NULL, b_span TEXT NOT NULL, b_start INTEGER NOT NULL, b_end INTEGER NOT NULL,
        note TEXT NOT NULL
    )
    """,
    "CREATE INDEX conflicts_story ON conflicts (story_id)",
    # Corroboration grade of every event and attribution span of every document (Airwars' scheme):
    # 'confirmed' (the acting party accepts it), 'corroborated' (>= 2 independent sources),
    # 'single_source', 'contested' (independent sources disagree on a detail), 'denied' (a party
    # denies it). `sources`: independent sources asserting it; `evidence_json`: the alignment's
    # supporting and opposing (doc_id, span_id) pairs and the conflict ids.
    """
    CREATE TABLE grades (
        doc_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        layer TEXT NOT NULL,
        story_id TEXT NOT NULL,
        alignment_id TEXT,
        grade TEXT NOT NULL,
        sources INTEGER NOT NULL,
        evidence_json TEXT NOT NULL,
        PRIMARY KEY (doc_id, span_id)
    )
    """,
)

MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2)
"""Migration statements in order; `MIGRATIONS[n - 1]` brings user_version to `n`."""

SCHEMA_VERSION = len(MIGRATIONS)
"""The user_version this code writes and expects."""

TABLES = frozenset({"documents", "spans", "runs", "errors", "documents_fts"})
"""Tables a newsprism database holds (used to recognise one)."""
