"""The area commands as a user runs them: propaganda, exports, eval events, train group."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from newsprism.cli import main


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_propaganda_detect_then_label_round_trip(seed_000: Path, tmp_path: Path) -> None:
    pred = tmp_path / "pred.tsv"
    code, _, err = _run("propaganda", "detect", str(seed_000), "-o", str(pred))
    assert code == 0, err
    rows = [line.split("\t") for line in pred.read_text(encoding="utf-8").splitlines()]
    assert rows, "seed 000 is a loaded opinion piece: techniques expected"
    text = seed_000.read_text(encoding="utf-8")
    for doc_id, technique, start, end in rows:
        assert doc_id == seed_000.stem and technique and 0 <= int(start) < int(end) <= len(text)
    template = tmp_path / "template.tsv"
    template.write_text("".join(f"{r[0]}\t?\t{r[2]}\t{r[3]}\n" for r in rows), encoding="utf-8")
    labelled = tmp_path / "labelled.tsv"
    code, _, err = _run(
        "propaganda", "label", str(seed_000), "--spans", str(template), "-o", str(labelled)
    )
    assert code == 0, err
    out = [line.split("\t") for line in labelled.read_text(encoding="utf-8").splitlines()]
    assert [(r[0], r[2], r[3]) for r in out] == [(r[0], r[2], r[3]) for r in rows]


def test_propaganda_commands_skip_bad_inputs_and_keep_the_rest(
    seed_000: Path, seed_002: Path, tmp_path: Path
) -> None:
    binary = tmp_path / "article9.txt"
    binary.write_bytes(b"\x00\x01\x02\x03 not text")
    empty = tmp_path / "article8.txt"
    empty.write_text("\n", encoding="utf-8")
    alone = tmp_path / "alone.tsv"
    assert _run("propaganda", "detect", str(seed_002), "-o", str(alone))[0] == 0
    pred = tmp_path / "pred.tsv"
    code, _, err = _run(
        "propaganda", "detect", str(binary), str(seed_002), str(empty), "-o", str(pred)
    )
    assert code == 0 and "[E101]" in err and "article9.txt" in err and "[E103]" in err
    # The readable article's rows are all there, as when it is detected alone.
    assert pred.read_text(encoding="utf-8") == alone.read_text(encoding="utf-8") != ""
    code, _, err = _run("propaganda", "detect", str(binary), str(empty), "-o", str(pred))
    assert code == 1 and "[E403]" in err
    rows = [line.split("\t") for line in alone.read_text(encoding="utf-8").splitlines()]
    template = tmp_path / "template.tsv"
    lines = [f"{r[0]}\t?\t{r[2]}\t{r[3]}" for r in rows[:3]]
    lines[1:1] = ["garbage", f"{seed_002.stem}\t?\t5\t99999999", "missing\t?\t0\t4"]
    template.write_text("\n".join(lines) + "\n", encoding="utf-8")
    labelled = tmp_path / "labelled.tsv"
    code, _, err = _run(
        "propaganda", "label", str(seed_002), str(seed_000), str(binary),
        "--spans", str(template), "-o", str(labelled),
    )  # fmt: skip
    assert code == 0 and "template.tsv:2" in err and "past the article" in err
    assert "article missing" in err and "[E101]" in err
    out = [line.split("\t") for line in labelled.read_text(encoding="utf-8").splitlines()]
    assert [(r[0], r[2], r[3]) for r in out] == [(r[0], r[2], r[3]) for r in rows[:3]]
    assert all(r[1] != "?" for r in out)
    assert "wrote 3 spans to" in err and "4 skipped" in err
    one = tmp_path / "one.tsv"
    one.write_text(lines[0] + "\n", encoding="utf-8")
    code, _, err = _run("propaganda", "label", str(seed_002), "--spans", str(one), "-o", "-")
    assert code == 0 and "wrote 1 span to -" in err


def test_exports_from_analysed_jsonl(seed_002: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert _run("analyze", str(seed_002), "-o", str(out))[0] == 0
    code, stdout, _ = _run("export", "geojson", "--input", str(out))
    collection = json.loads(stdout)
    assert code == 0 and collection["type"] == "FeatureCollection" and collection["features"]
    code, stdout, _ = _run("export", "events-csv", "--input", str(out))
    assert code == 0 and stdout.splitlines()[0].startswith("event_date,event_type")
    code, _, _ = _run("export", "brat", str(tmp_path / "brat"), "--input", str(out))
    assert code == 0 and list((tmp_path / "brat").glob("*.ann"))
    code, _, _ = _run("export", "labelstudio", str(tmp_path / "ls.json"), "--input", str(out))
    assert code == 0 and json.loads((tmp_path / "ls.json").read_text(encoding="utf-8"))


def test_malformed_jsonl_input_is_coded(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    code, _, err = _run("export", "geojson", "--input", str(bad))
    assert code == 2 and "[E111]" in err and "bad.jsonl" in err


def test_a_malformed_jsonl_line_is_skipped_and_the_rest_exported(
    seed_002: Path, tmp_path: Path
) -> None:
    good = tmp_path / "good.jsonl"
    assert _run("analyze", str(seed_002), "-o", str(good))[0] == 0
    mixed = tmp_path / "mixed.jsonl"
    bad_lines = [
        '{"id": "x", "text": 5}',
        "{not json",
        '{"id": "y", "text": "hi", "layers": {"sections": [{"start": -5, "end": 3}]}}',
    ]
    mixed.write_text("\n".join(bad_lines) + "\n" + good.read_text(encoding="utf-8"), "utf-8")
    code, stdout, err = _run("export", "events-csv", "--input", str(mixed))
    assert code == 0, err
    assert [f"mixed.jsonl:{n}" in err for n in (1, 2, 3)] == [True] * 3
    _, alone, _ = _run("export", "events-csv", "--input", str(good))
    assert stdout == alone and len(stdout.splitlines()) > 1


def test_train_group_lists_every_head() -> None:
    code, stdout, _ = _run("train", "--help")
    assert code == 0
    for name in ("attributions", "ner", "propaganda", "checkworthy", "comments", "trust"):
        assert name in stdout
