"""`sources import` and `trust --db` end to end on a small stored corpus."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from newsprism.cli import main
from newsprism.corpus.store import Store
from newsprism.document import Document


def test_sources_import_then_trust(tmp_path: Path, shared_data: Path) -> None:
    db = tmp_path / "c.db"
    with Store(db) as store:
        text = "Title\n\nWarplanes struck Idlib killing 58 people, the observatory said.\n"
        store.put(Document("a", text, {"url": "http://www.24newsflash.com/x"}), "h1", "c")
        store.put(Document("b", text, {"url": "http://unlisted.example/y"}), "h2", "c")
    runner = CliRunner()
    lists = shared_data / "sources" / "opensources" / "sources.csv"
    result = runner.invoke(
        main, ["sources", "import", str(lists), "--format", "opensources", "--db", str(db)]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["trust", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in json.loads(result.output)}
    assert set(rows) == {"a", "b"}
    assert rows["a"]["trust"] < rows["b"]["trust"]
    prior = next(c for c in rows["b"]["components"] if c["name"] == "source_prior")
    assert prior["value"] is None


def test_trust_missing_db_is_coded(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["trust", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "E402" in result.output


def test_trust_reads_the_corpus_grades(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    text = "Title\n\nWarplanes struck Idlib killing 58 people, the observatory said.\n"
    with Store(db) as store:
        store.put(Document("a", text, {"outlet": "alpha"}), "h1", "c")
        store.put(Document("b", text, {"outlet": "beta"}), "h2", "c")
    runner = CliRunner()

    def corroboration() -> dict[str, dict[str, Any]]:
        result = runner.invoke(main, ["trust", "--db", str(db), "--json"])
        assert result.exit_code == 0, result.output
        return {
            row["id"]: next(c for c in row["components"] if c["name"] == "corroboration")
            for row in json.loads(result.output)
        }

    before = corroboration()
    # Not graded yet: the grade shares are missing and contribute nothing.
    assert before["a"]["value"]["grade_supported_share"] is None
    assert before["a"]["details"]["grades"] is None
    with Store(db) as store, store.transaction():
        store.connection.executemany(
            "INSERT INTO grades (doc_id, span_id, layer, story_id, alignment_id, grade, sources, "
            "evidence_json) VALUES (?, ?, 'events', 's1', NULL, ?, 1, '{}')",
            [("a", "events.0", "contested"), ("a", "events.1", "corroborated")],
        )
    after = corroboration()
    assert after["a"]["value"]["grade_disputed_share"] == 0.5
    assert after["a"]["details"]["grades"] == {"contested": 1, "corroborated": 1}
    # Graded corpus, no graded claims of its own: nothing supported or disputed.
    assert after["b"]["value"]["grade_supported_share"] == 0.0


def test_trust_rows_stream_the_scores_of_the_corpus_in_memory(
    tmp_path: Path, config: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """`trust --db` reads the corpus twice instead of holding it (`trust/corpus_trust.py`): its
    rows are those of the evidence computed over every document in memory, and they print as
    the whole list would, byte for byte."""
    from corpus.corpus_docs import make_doc
    from newsprism.commands.common import emit_json, emit_json_rows
    from newsprism.trust.corpus_trust import corpus_trust
    from newsprism.trust.features import corpus_evidence
    from newsprism.trust.score import load_model, trust_score
    from newsprism.trust.sources import lookup

    story = "Warplanes struck Kessen killing 12 civilians, the monitor said on Tuesday."
    others = (
        "Markets rallied in Tokyo.",
        "Snow closed the mountain roads.",
        "A museum of modern art opened.",
        "Parliament debated the budget.",
        "The club signed a striker.",
        "Oil prices fell again.",
    )
    docs = [
        make_doc("late", story, "Gamma", "2015-10-20"),
        make_doc("a", story, "Alpha", "2015-10-09"),
        make_doc("b", story.replace("12", "14"), "Beta", "2015-10-10"),
        make_doc("undated", story, "Delta", None),
        make_doc("c", story + ' "Lies," said the ministry.\nNo.', "Alpha", "2015-10-09"),
        *(make_doc(f"z{k}", t, f"Filler {k}", "2015-10-09") for k, t in enumerate(others)),
    ]
    db = tmp_path / "trust.db"
    with Store(db) as store:
        for k, doc in enumerate(docs):
            store.put(doc, f"h{k}", "c")
    model, _ = load_model()
    with Store(db, readonly=True) as store:
        stored = list(store.iter_documents())
        expected = []
        for doc, found in zip(stored, corpus_evidence(stored, config), strict=True):
            prior = lookup(store.connection, None)
            score = trust_score(doc, found, prior, model, config.trust.source_weight)
            expected.append(
                {"id": doc.id, "trust": score["value"], "components": score["components"]}
            )
        rows = list(corpus_trust(store, config))
    assert rows == expected
    corroboration = next(c for c in rows[1]["components"] if c["name"] == "corroboration")
    assert corroboration["details"]["similar_outlets"]  # the context was the corpus
    printed = []
    for emit, value in (
        (emit_json, rows),
        (emit_json_rows, iter(rows)),
        (emit_json, []),
        (emit_json_rows, []),
    ):
        emit(value)
        printed.append(capsys.readouterr().out)
    assert printed[0] == printed[1] and printed[2] == printed[3] == "[]\n"
    assert json.loads(printed[1]) == rows
