"""The SQLite store: schema and migrations, exact round trips, replacement, search, read-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsprism.corpus import SNIPPET_CLOSE, SNIPPET_OPEN, Store
from newsprism.corpus.hashing import config_hash, content_hash
from newsprism.corpus.schema import SCHEMA_VERSION
from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError, ReadFailure

TEXT = (
    "\ufeffStrikes reported near Ramadi\n\nThe ministry said on Monday that 12 strikes hit "
    "targets.\u2028A line separator sits here; naïve café 東京 \U0001f600 emoji.\n"
)


def rich_doc(doc_id: str = "doc-1", text: str = TEXT) -> Document:
    """A document built by hand: overlapping spans, attrs, scores, empty layer, unicode text."""
    size = len(text)
    sections = [Span(0, 29, "title"), Span(31, size, "body", 0.875, {"n": 1})]
    sentences = [
        Span(31, 80, "sentence", attrs={"nested": {"list": [1, 2.5, None, "é"], "ok": True}}),
        Span(40, 90, "sentence", 0.0, id="custom-id"),  # overlaps the previous one
        Span(31, size, "sentence", 1.0),
    ]
    return Document(
        doc_id,
        text,
        {
            "title": "Strikes reported near Ramadi",
            "outlet": "example.org",
            "url": None,
            "published": "2017-04-18",
            "authors": ["A. B.", "Ç. D."],
            "source": f"/x/{doc_id}.txt",
        },
        {"sections": sections, "sentences": sentences, "empty": []},
        {"trust": {"value": 0.42, "components": {"a": 1}, "spans": ["sections.1"]}},
        {"newsprism": "0.1.0", "config": "abc", "analyzers": {"sections.v1": "rules"}},
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "corpus.db"


def test_new_database_has_schema_and_wal(db: Path) -> None:
    with Store(db) as store:
        assert store.count() == 0
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"documents", "spans", "runs", "errors", "documents_fts"} <= tables
    conn.close()
    with Store(db) as store:  # reopening applies nothing twice
        assert store.count() == 0


def test_newer_schema_is_refused(db: Path) -> None:
    Store(db).close()
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    for readonly in (False, True):
        with pytest.raises(NewsprismError) as info:
            Store(db, readonly=readonly)
        assert info.value.code is Code.STORE_SCHEMA


def test_migration_from_empty_file_is_atomic(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A migration that fails half-way leaves the file as it was (version 0, no tables)."""
    from newsprism.corpus import schema
    from newsprism.corpus import store as store_module

    broken = ((*schema.MIGRATIONS[0], "CREATE TABLE broken (syntax error here"),)
    monkeypatch.setattr(store_module, "MIGRATIONS", broken)
    with pytest.raises(NewsprismError):
        Store(db)
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0
    conn.close()
    monkeypatch.undo()
    with Store(db) as store:
        assert store.count() == 0


def test_exact_round_trip(db: Path) -> None:
    doc = rich_doc()
    with Store(db) as store:
        store.put(doc, content_hash(doc))
        back = store.get(doc.id)
    assert back.to_json() == doc.to_json()
    assert back == doc
    assert list(back.layers) == ["sections", "sentences", "empty"]
    assert back.layer("sentences")[1].id == "custom-id"
    assert back.text.startswith("\ufeff") and "\u2028" in back.text


def test_round_trip_through_read_only_and_plain_sqlite(db: Path) -> None:
    doc = rich_doc()
    with Store(db) as store:
        store.put(doc, "h1")
    with Store(db, readonly=True) as reader:
        assert reader.get(doc.id).to_json() == doc.to_json()
        assert [d.id for d in reader.iter_documents()] == [doc.id]
    conn = sqlite3.connect(db)  # plain tables: other tools read them
    rows = conn.execute(
        'SELECT layer, label, start, "end" FROM spans WHERE doc_id = ? ORDER BY ord', (doc.id,)
    ).fetchall()
    assert rows[0] == ("sections", "title", 0, 29)
    assert conn.execute("SELECT title, outlet FROM documents").fetchone() == (
        "Strikes reported near Ramadi",
        "example.org",
    )
    conn.close()


def test_replace_leaves_no_stale_spans(db: Path) -> None:
    first = rich_doc()
    second = Document(
        first.id, "Short text now.", {"title": "Other"}, {"sentences": [Span(0, 15, "sentence")]}
    )
    with Store(db) as store:
        store.put(first, "h1", "c1")
        store.put(second, "h2", "c2")
        assert store.count() == 1
        assert store.get(first.id).to_json() == second.to_json()
        conn = store.connection
        assert conn.execute("SELECT count(*) FROM spans").fetchone()[0] == 1
        assert store.has_current(first.id, "h2", "c2")
        assert not store.has_current(first.id, "h1", "c1")
        assert not store.has_current(first.id, "h2", "c1")
        # The FTS index follows the replacement: old words are gone, new ones found.
        assert store.search("Ramadi") == []
        assert [hit.id for hit in store.search("short")] == [first.id]


def test_put_default_config_hash_comes_from_versions(db: Path) -> None:
    doc = rich_doc()
    with Store(db) as store:
        store.put(doc, "h")
        assert store.has_current(doc.id, "h", config_hash(doc.versions))


def test_unstorable_document_is_refused_cleanly(db: Path) -> None:
    good = rich_doc("good")
    bad = Document("bad", "lone \ud800 surrogate", {})
    with Store(db) as store:
        with store.transaction():
            store.put(good, "h")
            with pytest.raises(NewsprismError) as info:
                store.put(bad, "h")
            assert info.value.code is Code.STORE_WRITE
        assert store.ids() == ["good"]  # the failed put undid only itself


def test_search_snippets_and_ranking(db: Path) -> None:
    docs = [
        Document(
            "a", "Airstrike on Raqqa killed civilians, the ministry said.", {"title": "Raqqa"}
        ),
        Document("b", "Markets rose today. Nothing about strikes here.", {"title": "Markets"}),
        Document(
            "c",
            "Raqqa again: a second airstrike on Raqqa, Raqqa officials said.",
            {"title": "Raqqa strikes", "outlet": "example.net"},
        ),
    ]
    with Store(db) as store:
        for doc in docs:
            store.put(doc, "h")
        hits = store.search("raqqa")
        assert {hit.id for hit in hits} == {"a", "c"}
        assert hits[0].id == "c" and hits[0].outlet == "example.net"
        assert hits[0].rank <= hits[1].rank
        assert SNIPPET_OPEN in hits[0].snippet and SNIPPET_CLOSE in hits[0].snippet
        assert ("Raqqa", True) in hits[0].snippet_parts()
        assert [h.id for h in store.search('"second airstrike"')] == ["c"]
        assert [h.id for h in store.search("airstrike NOT second")] == ["a"]
        assert len(store.search("raqqa", limit=1)) == 1
        assert [h.id for h in store.search("naive")] == []


@pytest.mark.parametrize(
    "query",
    [
        '"unbalanced',
        "raqqa AND",
        "(((",
        "NEAR(",
        "nosuchcolumn:raqqa",
        "*",
        '"""',
        "-",
        "'; DROP TABLE documents; --",
        "",
        "   ",
        "\x00",
        "AND OR NOT",
        'raqqa"s',
    ],
)
def test_hostile_queries_do_not_crash(db: Path, query: str) -> None:
    with Store(db) as store:
        store.put(Document("a", "Raqqa's airstrike; AND more", {"title": "t"}), "h")
        hits = store.search(query)
        assert isinstance(hits, list)
        assert store.count() == 1


def test_hostile_query_falls_back_to_terms(db: Path) -> None:
    with Store(db) as store:
        store.put(Document("a", "The minister said Raqqa was hit.", {}), "h")
        assert [h.id for h in store.search('"raqqa minister')] == ["a"]


def test_read_only_refuses_writes(db: Path) -> None:
    with Store(db) as store:
        store.put(rich_doc(), "h")
    with Store(db, readonly=True) as reader:
        with pytest.raises(NewsprismError) as info:
            reader.put(rich_doc("other"), "h")
        assert info.value.code is Code.STORE_READONLY
        with pytest.raises(NewsprismError):
            reader.start_run("c", {}, [])
        with pytest.raises(sqlite3.OperationalError):
            reader.connection.execute("DELETE FROM documents")
        assert reader.count() == 1


def test_missing_and_bad_databases(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as info:
        Store(tmp_path / "missing.db", readonly=True)
    assert info.value.code is Code.STORE_NOT_FOUND
    with pytest.raises(NewsprismError) as info:
        Store(tmp_path / "no" / "such" / "dir.db")
    assert info.value.code is Code.STORE_NOT_FOUND
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database at all\n" * 200)
    for readonly in (False, True):
        with pytest.raises(NewsprismError) as info:
            Store(garbage, readonly=readonly)
        assert info.value.code is Code.STORE_BAD
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NewsprismError) as info:
        Store(foreign)
    assert info.value.code is Code.STORE_BAD
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    with pytest.raises(NewsprismError) as info:
        Store(empty, readonly=True)
    assert info.value.code is Code.STORE_BAD
    assert garbage.read_bytes().startswith(b"this is not")  # never overwritten
    with pytest.raises(NewsprismError) as info:
        Store(tmp_path, readonly=False)  # a folder, not a file
    assert info.value.code in (Code.STORE_NOT_FOUND, Code.STORE_BAD)


def test_get_missing_document(db: Path) -> None:
    with Store(db) as store, pytest.raises(NewsprismError) as info:
        store.get("nope")
    assert info.value.code is Code.DOC_NOT_FOUND


def test_runs_and_errors(db: Path) -> None:
    with Store(db) as store:
        run = store.start_run("cfg", {"config": "x"}, ["a.txt", "dir/"])
        failure = ReadFailure("bad.bin", NewsprismError(Code.BINARY, "bad.bin"))
        record = store.record_error(run, "bad.bin", failure)
        assert record.code == "E101"
        store.finish_run(run, {"read": 1})
        (stored,) = store.runs()
        assert stored.id == run and stored.inputs == ["a.txt", "dir/"]
        assert stored.counts == {"read": 1} and stored.finished is not None
        assert store.errors(run) == [record]
        assert store.errors(run + 1) == []


_TEXTS = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), min_codepoint=0), min_size=0, max_size=60
)


@st.composite
def documents(draw: st.DrawFn) -> Document:
    """Random documents: any text (BOM, U+2028, NUL included), overlapping spans, JSON attrs."""
    text = draw(_TEXTS)
    layers: dict[str, list[Span]] = {}
    for name in draw(st.lists(st.sampled_from(["a", "b", "c.d"]), unique=True, max_size=3)):
        spans = []
        for _ in range(draw(st.integers(0, 5))):
            start = draw(st.integers(0, len(text)))
            end = draw(st.integers(start, len(text)))
            score = draw(st.none() | st.floats(0, 1))
            attrs = draw(st.dictionaries(_TEXTS, st.none() | st.integers() | _TEXTS, max_size=2))
            spans.append(Span(start, end, draw(_TEXTS.filter(bool)), score, attrs))
        layers[name] = spans
    meta = draw(st.dictionaries(_TEXTS, st.none() | _TEXTS | st.lists(_TEXTS), max_size=3))
    return Document(draw(_TEXTS.filter(bool)), text, meta, layers)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=documents())
def test_round_trip_property(tmp_path_factory: pytest.TempPathFactory, doc: Document) -> None:
    db = tmp_path_factory.mktemp("prop") / "p.db"
    with Store(db) as store:
        store.put(doc, "h")
        store.put(doc, "h")  # a second put replaces, never duplicates
        assert store.get(doc.id).to_json() == doc.to_json()
        spans = store.connection.execute("SELECT count(*) FROM spans").fetchone()[0]
        assert spans == sum(len(layer) for layer in doc.layers.values())
