"""The command line as a user runs it: analyze, batch, show, search, eval, errors."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsprism.cli import main
from newsprism.document import Document


def _run(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_analyze_writes_contract_jsonl(seed_002: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    code, _, err = _run("analyze", str(seed_002), "-o", str(out), "--only", "sentences")
    assert code == 0, err
    docs = [Document.from_json(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 1
    doc = docs[0]
    assert doc.id == seed_002.stem
    assert doc.text == seed_002.read_bytes().decode("utf-8")
    assert [s.label for s in doc.layer("sections")].count("comment") == 5
    assert doc.layer("sentences")
    assert doc.versions["analyzers"]["sections.v1"]


def test_analyze_terminal_report_escapes_markup(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.txt"
    hostile.write_text(
        "[bold red]Title[/] \x1b[31m\n\nBody [link=javascript:alert(1)]x[/link] <script>.\n",
        encoding="utf-8",
    )
    code, out, err = _run("analyze", str(hostile), "--only", "sections")
    assert code == 0, err
    assert "[bold red]Title[/]" in out
    assert "\x1b[31m" not in out


def test_analyze_bad_input_is_coded_and_exit_1(tmp_path: Path) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    code, _, err = _run("analyze", str(binary))
    assert code == 1
    assert "[E101]" in err and "blob.txt" in err
    code, _, err = _run("analyze", str(tmp_path / "missing.txt"))
    assert code == 1 and "[E100]" in err


def test_batch_show_search(seeds_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    (tmp_path / "bad.txt").write_bytes(b"")
    code, out, err = _run(
        "batch", str(seeds_dir), str(tmp_path / "bad.txt"), "--db", str(db), "--json"
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["analyzed"] == 2 and summary["failed"] == 1
    code, out, _ = _run("batch", str(seeds_dir), "--db", str(db), "--json")
    assert json.loads(out)["skipped"] == 2
    stem = next(seeds_dir.glob("002_*.txt")).stem
    code, out, _ = _run("show", stem, "--db", str(db), "--json")
    assert code == 0 and json.loads(out)["id"] == stem
    code, out, _ = _run("search", "Konashenkov", "--db", str(db), "--json")
    hits = json.loads(out)
    assert code == 0 and {h["id"] for h in hits} == {p.stem for p in seeds_dir.glob("*.txt")}
    code, _, err = _run("show", "no-such-id", "--db", str(db))
    assert code == 1 and "[E404]" in err
    code, _, err = _run("search", "x", "--db", str(tmp_path / "absent.db"))
    assert code == 2 and "[E402]" in err


def test_batch_nothing_readable_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    code, _, err = _run("batch", str(tmp_path / "empty.txt"), "--db", str(tmp_path / "x.db"))
    assert code == 1 and "[E403]" in err


def test_eval_sections_meets_the_seed_gold(shared_data: Path) -> None:
    code, out, err = _run("eval", "sections", "--json")
    assert code == 0, err
    scores = json.loads(out)
    assert scores["body"]["f1"] >= 0.95
    assert scores["comments"]["found"] == scores["comments"]["total"] == 5


def test_analyzers_lists_builtins() -> None:
    code, out, _ = _run("analyzers", "--json")
    assert code == 0
    names = {row["name"] for row in json.loads(out)}
    assert {"sections.v1", "sentences.v1", "encoder.v1"} <= names


def test_bad_config_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "c.toml"
    bad.write_text("[nope]\n", encoding="utf-8")
    code, _, err = _run("--config", str(bad), "analyzers")
    assert code == 2 and "[E501]" in err
