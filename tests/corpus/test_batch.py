"""The batch runner: errors recorded and skipped, resume, re-analysis, workers, kill and resume."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_child import test_config

from newsprism.config import Config, PipelineOptions
from newsprism.corpus import BatchSummary, Store, run_batch
from newsprism.errors import Code, NewsprismError

CHILD = Path(__file__).with_name("batch_child.py")


def write_inputs(folder: Path, count: int = 10) -> Path:
    """`count` small articles, plus an empty file, a binary file and one that fails analysis."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"art{index:03d}.txt").write_text(
            f"Headline number {index}\n\nReport {index} says Raqqa saw {index} strikes.\n",
            encoding="utf-8",
        )
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (folder / "explode.txt").write_text("Boom\n\nThis one says EXPLODE.\n", encoding="utf-8")
    return folder


def db_invariants(db: Path) -> dict[str, int]:
    """Counts that must hold in any consistent database: no orphans, FTS in sync."""
    conn = sqlite3.connect(db)
    try:
        docs = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        orphans = conn.execute(
            "SELECT count(*) FROM spans WHERE doc_id NOT IN (SELECT id FROM documents)"
        ).fetchone()[0]
        assert orphans == 0
        assert conn.execute("SELECT count(*) FROM documents_fts").fetchone()[0] == docs
        conn.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        dupes = conn.execute(
            # Identical spans stored twice; an analyzer may emit two spans over the same
            # characters with different attrs (one event per place named in a clause).
            'SELECT count(*) FROM (SELECT doc_id, start, "end", label, layer, attrs_json '
            "FROM spans GROUP BY 1, 2, 3, 4, 5, 6 HAVING count(*) > 1)"
        ).fetchone()[0]
        spans = conn.execute("SELECT count(*) FROM spans").fetchone()[0]
        return {"documents": docs, "spans": spans, "duplicate_spans": dupes}
    finally:
        conn.close()


def test_batch_records_bad_items_and_goes_on(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "c.db"
    seen: list[int] = []
    summary = run_batch([str(inputs)], db, test_config(), progress=lambda d, t: seen.append(d))
    assert isinstance(summary, BatchSummary)
    assert (summary.read, summary.analyzed, summary.skipped, summary.failed) == (11, 10, 0, 3)
    codes = sorted(record.code for record in summary.errors)
    assert codes == ["E101", "E103", "E203"]
    boom = next(r for r in summary.errors if r.code == "E203")
    assert "explode.txt" in boom.source
    assert "ValueError" in boom.message and "boom in the test analyzer" in boom.message
    assert "Traceback" not in boom.message
    assert seen == sorted(seen) and seen[-1] == 13  # every item (10 + 3 bad) completes once
    json.dumps(summary.to_dict())
    with Store(db, readonly=True) as store:
        assert store.count() == 10
        assert sorted(r.code for r in store.errors(summary.run_id)) == codes
        (run,) = store.runs()
        assert run.finished is not None and run.counts is not None
        assert run.counts["analyzed"] == 10
        doc = store.get("art003")
        assert list(doc.layers) == ["words", "checked"]
        assert doc.scores["word_count"]["value"] == 10
        assert doc.versions["analyzers"] == {
            "corpustest.words.v1": "test-1",
            "corpustest.fail.v1": "rules",
        }
        assert [hit.id for hit in store.search("report 3")][:1] == ["art003"]
    assert db_invariants(db)["duplicate_spans"] == 0


def test_resume_skips_stored_and_reanalyses_changed(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in")
    db = tmp_path / "c.db"
    config = test_config()
    run_batch([str(inputs)], db, config)
    before = db_invariants(db)
    again = run_batch([str(inputs)], db, config)
    assert (again.read, again.analyzed, again.skipped) == (11, 0, 10)
    assert again.failed == 3  # failures are retried (and fail again), never stored as done
    (inputs / "art001.txt").write_text("Changed text\n\nNow longer than before.\n", "utf-8")
    changed = run_batch([str(inputs)], db, config)
    assert (changed.analyzed, changed.skipped) == (1, 9)
    with Store(db, readonly=True) as store:
        assert store.get("art001").text.startswith("Changed text")
        assert len(store.runs()) == 3
    after = db_invariants(db)
    assert after["documents"] == before["documents"] and after["duplicate_spans"] == 0


def test_changed_config_reanalyses(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in", count=4)
    db = tmp_path / "c.db"
    run_batch([str(inputs)], db, test_config())
    other = test_config(chunk_size=4)
    other = Config(
        read=other.read,
        pipeline=PipelineOptions(default=("corpustest.words.v1",)),
        batch=other.batch,
    )
    summary = run_batch([str(inputs)], db, other)
    assert (summary.analyzed, summary.skipped) == (5, 0)  # explode.txt passes without the failer
    with Store(db, readonly=True) as store:
        assert list(store.get("art000").layers) == ["words"]  # the old "checked" layer is gone
    assert db_invariants(db)["duplicate_spans"] == 0


def test_two_workers_store_what_one_worker_stores(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in", count=23)
    config = test_config(chunk_size=3)
    one = run_batch([str(inputs)], tmp_path / "one.db", config, workers=1)
    two = run_batch([str(inputs)], tmp_path / "two.db", config, workers=2)
    assert (one.read, one.analyzed, one.failed) == (two.read, two.analyzed, two.failed)
    with Store(tmp_path / "one.db", readonly=True) as a, Store(tmp_path / "two.db", True) as b:
        assert a.ids() == b.ids()
        assert [d.to_json() for d in a.iter_documents()] == [
            d.to_json() for d in b.iter_documents()
        ]
        # Read failures are flushed with whichever chunk commits next: compare as sets.
        assert sorted((e.source, e.code, e.message) for e in a.errors()) == sorted(
            (e.source, e.code, e.message) for e in b.errors()
        )


def test_unbuildable_pipeline_is_a_clear_error(tmp_path: Path) -> None:
    inputs = write_inputs(tmp_path / "in", count=1)
    bad = Config(pipeline=PipelineOptions(default=("corpustest.nosuch.v1",)))
    test_config()  # registry ready
    with pytest.raises(NewsprismError) as info:
        run_batch([str(inputs)], tmp_path / "c.db", bad)
    assert info.value.code is Code.UNKNOWN_ANALYZER


def test_nothing_readable(tmp_path: Path) -> None:
    summary = run_batch([str(tmp_path / "missing.txt")], tmp_path / "c.db", test_config())
    assert summary.nothing_readable and summary.failed == 1
    assert summary.errors[0].code == "E100"


def _same(a: object, b: object, tol: float = 1e-5) -> bool:
    """Equal JSON values, floats within `tol`: a document analysed alone and one analysed in a
    batch meet the encoder in differently padded batches, which moves scores by ~1e-7."""
    if isinstance(a, float) or isinstance(b, float):
        return isinstance(a, int | float) and isinstance(b, int | float) and abs(a - b) <= tol
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k], tol) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b, strict=True))
    return a == b


def test_default_pipeline_on_the_seeds(tmp_path: Path, seeds_dir: Path, config: Config) -> None:
    """The real default pipeline stores what it computes (two workers vs one document at a time)."""
    from newsprism.pipeline import build_pipeline
    from newsprism.readers import read_inputs

    pipeline = build_pipeline(config)
    db = tmp_path / "seeds.db"
    summary = run_batch([str(seeds_dir)], db, config, workers=2)
    assert summary.failed == 0 and summary.analyzed == summary.read > 0
    expected = {
        doc.id: pipeline.analyze(doc).to_dict()
        for doc in read_inputs([str(seeds_dir)], None, config)
        if not isinstance(doc, Exception) and hasattr(doc, "text")
    }
    with Store(db, readonly=True) as store:
        stored = {d.id: d.to_dict() for d in store.iter_documents()}
    assert stored.keys() == expected.keys()
    for doc_id, doc in expected.items():
        assert _same(stored[doc_id], doc), doc_id
    assert db_invariants(db)["duplicate_spans"] == 0


def test_killed_batch_resumes_exactly_once(tmp_path: Path) -> None:
    """SIGKILL part-way, then resume: every input stored once, no duplicate or orphan spans."""
    inputs = tmp_path / "many"
    inputs.mkdir()
    total = 300
    for index in range(total):
        words = " ".join(f"w{index}x{k}" for k in range(index % 17 + 3))
        (inputs / f"doc{index:04d}.txt").write_text(f"Title {index}\n\n{words}\n", "utf-8")
    db = tmp_path / "kill.db"
    env = dict(os.environ, NEWSPRISM_TEST_SLEEP="0.02")
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db), str(inputs), "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # so the kill reaches the worker processes too
    )
    stored = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and child.poll() is None:
            if db.exists():
                try:
                    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                    stored = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
                    conn.close()
                except sqlite3.Error:
                    stored = 0
                if stored >= 20:
                    break
            time.sleep(0.02)
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    partial = db_invariants(db)
    assert 20 <= partial["documents"] < total
    assert partial["documents"] % 4 == 0  # whole chunks only (chunk_size 4): nothing half-stored

    resumed = subprocess.run(
        [sys.executable, str(CHILD), str(db), str(inputs), "1"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "'failed': 0" in resumed.stdout
    final = db_invariants(db)
    assert final["documents"] == total and final["duplicate_spans"] == 0
    with Store(db, readonly=True) as store:
        assert sorted(store.ids()) == [f"doc{i:04d}" for i in range(total)]
        runs = store.runs()
        assert len(runs) == 2 and runs[0].finished is None and runs[1].finished is not None
        assert runs[1].counts is not None
        assert runs[1].counts["skipped"] == partial["documents"]
        assert runs[1].counts["analyzed"] == total - partial["documents"]
        doc = store.get("doc0123")
        assert len(doc.layer("words")) == 2 * (123 % 17 + 3 + 2) - 1
        for hit in store.search("w250x1"):
            assert hit.id == "doc0250"


def test_unstorable_documents_are_recorded_not_fatal(tmp_path: Path) -> None:
    """A document the store refuses (lone surrogate, NaN in meta) is an error record, no more."""
    from newsprism.corpus import run_documents
    from newsprism.document import Document

    items = [
        Document("ok", "A fine text.", {}),
        Document("surrogate", "Broken \ud800 text.", {}),
        Document("nan", "Fine text, bad meta.", {"weight": float("nan")}),
        Document("ok2", "Another fine text.", {}),
    ]
    summary = run_documents(items, tmp_path / "c.db", test_config())
    assert (summary.read, summary.analyzed, summary.failed) == (4, 2, 2)
    assert [record.code for record in summary.errors] == ["E406", "E406"]
    with Store(tmp_path / "c.db", readonly=True) as store:
        assert store.ids() == ["ok", "ok2"]
    assert db_invariants(tmp_path / "c.db")["documents"] == 2
