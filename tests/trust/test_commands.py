"""`sources import` and `trust --db` end to end on a small stored corpus."""

from __future__ import annotations

import json
from pathlib import Path

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
