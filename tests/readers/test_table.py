"""JSONL and CSV corpora: exact text, field mapping, presets on the real CSVs, duplicates."""

from __future__ import annotations

import csv
import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from newsprism.config import Config
from newsprism.readers import PRESETS, ReaderOptions, read_bytes, read_path

from .helpers import codes, split

LATIN = "Café au lait et crème brûlée à Besançon du garçon"


def _jsonl(records: list[object]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def test_jsonl_round_trip(tmp_path: Path, config: Config) -> None:
    text = "  Lead line\r\nSecond line with \u2028 separator and trailing space \n"
    records = [
        {
            "id": "a1",
            "title": "Headline",
            "text": text,
            "published": "2016-08-03T10:15:00Z",
            "url": "https://www.example.org/news/1",
            "authors": ["Ann Lee", "Bo Chan"],
            "label": 1,
            "tags": ["x", "y"],
        },
        {"text": "No id here.", "outlet": "Wire", "authors": "Ann Lee; Bo Chan", "language": "en"},
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_bytes(_jsonl(records))
    docs, failures = split(read_path(path, config=config))
    assert not failures
    first, second = docs
    assert first.id == "a1" and first.text == text
    assert first.title == "Headline"
    assert first.meta["published"] == "2016-08-03T10:15:00+00:00"
    assert first.meta["outlet"] == "example.org"  # from the url's domain
    assert first.meta["authors"] == ["Ann Lee", "Bo Chan"]
    assert first.meta["fields"] == {"label": 1, "tags": ["x", "y"]}
    assert first.meta["source"] == f"{path}#1" and first.meta["format"] == "jsonl"
    assert second.id == "corpus:2"
    assert second.meta["outlet"] == "Wire" and second.meta["language"] == "en"
    assert second.meta["authors"] == ["Ann Lee", "Bo Chan"]
    assert second.title is None and second.meta["fields"] == {}


def test_jsonl_bad_lines_do_not_stop_the_rest(config: Config) -> None:
    data = (
        b'{"id": "ok1", "text": "Fine."}\n'
        b'{"id": "broken", "text": \n'
        b"\n"
        b'{"id": "nan", "text": "x", "score": NaN}\n'
        b"[1, 2]\n"
        b'{"id": "notext", "body": "wrong field"}\n'
        b'{"id": "numtext", "text": 5}\n'
        b'{"id": "empty", "text": ""}\n'
        b'{"id": "ok2", "text": "Also fine."}\n'
    )
    docs, failures = split(read_bytes(data, "mixed.jsonl", config=config))
    assert [d.id for d in docs] == ["ok1", "ok2"]
    assert codes(failures) == ["E105", "E105", "E105", "E109", "E109", "E103"]
    assert [f.source for f in failures] == [f"mixed.jsonl#{n}" for n in (2, 4, 5, 6, 7, 8)]
    assert "mixed.jsonl#2" in failures[0].message


def test_jsonl_duplicate_ids(config: Config) -> None:
    data = _jsonl(
        [
            {"id": "7", "text": "Same."},
            {"id": "7", "text": "Same."},
            {"id": "7", "text": "Different."},
            {"id": "7", "text": "Third version."},
            {"id": "7", "text": "Different."},
        ]
    )
    docs, failures = split(read_bytes(data, "d.jsonl", config=config))
    assert not failures
    assert [d.id for d in docs] == ["7", "7~2", "7~3"]
    assert [d.meta.get("duplicate_of") for d in docs] == [None, "7", "7"]


def test_json_array_file(config: Config) -> None:
    data = json.dumps([{"id": "x", "text": "One."}, {"text": "Two."}, 3]).encode()
    docs, failures = split(read_bytes(data, "arr.json", config=config))
    assert [d.id for d in docs] == ["x", "arr:2"]
    assert codes(failures) == ["E105"]


def test_oversized_record_is_refused_alone(config: Config) -> None:
    small = replace(config, read=replace(config.read, max_bytes=200))
    data = _jsonl(
        [{"id": "a", "text": "short"}, {"id": "b", "text": "y" * 1000}, {"id": "c", "text": "ok"}]
    )
    docs, failures = split(read_bytes(data, "big.jsonl", config=small))
    assert [d.id for d in docs] == ["a", "c"]
    assert codes(failures) == ["E104"] and failures[0].source == "big.jsonl#2"


def test_field_mapping_overrides(config: Config) -> None:
    data = _jsonl(
        [{"key": "k1", "body": "Words.", "headline": "H", "when": "Mon, 03 Oct 2016 10:00:00 GMT"}]
    )
    options = ReaderOptions(
        id_field="key", text_field="body", title_field="headline", date_field="when"
    )
    (doc,), failures = split(read_bytes(data, "m.jsonl", options, config))
    assert not failures
    assert (doc.id, doc.text, doc.title) == ("k1", "Words.", "H")
    assert doc.meta["published"] == "2016-10-03T10:00:00+00:00"


def test_csv_rows_and_errors(config: Config) -> None:
    small = replace(config, read=replace(config.read, max_bytes=300))
    data = (
        (
            "id,title,text,label\r\n"
            '1,First,"Line one\r\nline two, with comma",fake\r\n'
            "2,Second,too,many,fields\r\n"
            '3,Third,"bad"quote,x\r\n'
            "4,Fourth,," + "\r\n"
            "5,Fifth," + "z" * 400 + ",x\r\n"
            "6,Sixth,Caf\xe9 latin text,x\r\n"
            "\r\n"
            "7,Seventh,Last row,real\r\n"
        )
        .encode("utf-8")
        .replace(b"Caf\xc3\xa9", LATIN.encode("latin-1"))
    )
    docs, failures = split(read_bytes(data, "rows.csv", config=small))
    assert [d.id for d in docs] == ["1", "6", "7"]
    assert docs[0].text == "Line one\r\nline two, with comma"
    assert docs[0].meta["fields"] == {"label": "fake"} and docs[0].title == "First"
    assert docs[0].meta["source"] == "rows.csv#1" and docs[0].meta["format"] == "csv"
    assert docs[1].text == LATIN + " latin text"
    assert docs[1].meta["encoding"] != "utf-8"
    assert codes(failures) == ["E106", "E106", "E103", "E104"]
    assert [f.source for f in failures] == ["rows.csv#2", "rows.csv#3", "rows.csv#4", "rows.csv#5"]


def test_csv_missing_text_column(config: Config) -> None:
    docs, failures = split(read_bytes(b"id,body\n1,hello\n2,world\n", "no.csv", config=config))
    assert not docs
    assert codes(failures) == ["E109", "E109"]
    assert "'text'" in failures[0].message


def _csv_rows(path: Path) -> list[dict[str, str]]:
    csv.field_size_limit(sys.maxsize)
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_fakenewscorpus_preset(shared_data: Path, config: Config) -> None:
    path = shared_data / "sources" / "fakenewscorpus" / "news_sample.csv"
    if not path.is_file():
        pytest.skip("FakeNewsCorpus sample absent")
    rows = _csv_rows(path)
    docs, failures = split(read_path(path, ReaderOptions(preset="fakenewscorpus"), config))
    assert not failures
    assert len(docs) == len(rows) == 250
    by_id = {d.id: d for d in docs}
    for row in rows:
        doc = by_id[row["id"]]
        assert doc.text == row["content"]
        assert doc.title == (row["title"] or None)
        assert doc.meta["outlet"] == row["domain"]
        assert doc.meta["url"] == row["url"]
        assert doc.meta["fields"]["type"] == row["type"]
        assert "content" not in doc.meta["fields"]
    assert by_id["141"].meta["authors"] == ["Ruth Harris"]


def test_fakes_preset_and_duplicates(shared_data: Path, config: Config) -> None:
    path = shared_data / "fa_kes" / "fa_kes_train.csv"
    if not path.is_file():
        pytest.skip("FA-KES absent")
    rows = _csv_rows(path)
    docs, failures = split(read_path(path, ReaderOptions(preset="fakes"), config))
    assert not failures
    assert len(rows) == 581
    texts: dict[str, set[str]] = {}
    for row in rows:
        texts.setdefault(row["unit_id"], set()).add(row["article_content"])
    # One document per distinct (id, text): repeats with identical text are skipped.
    assert len(docs) == sum(len(v) for v in texts.values())
    renamed = [d for d in docs if "duplicate_of" in d.meta]
    assert renamed and all(d.id == f"{d.meta['duplicate_of']}~2" for d in renamed)
    assert len({d.id for d in docs}) == len(docs)
    first = docs[0]
    assert first.id == rows[0]["unit_id"] and first.text == rows[0]["article_content"]
    assert first.title == rows[0]["article_title"]
    assert first.meta["outlet"] == rows[0]["source"]
    assert first.meta["published"] == "2017-04-05"  # "4/5/2017", month first
    assert first.meta["fields"] == {"location": "idlib", "labels": "1"}


def test_presets_name_real_columns() -> None:
    assert set(PRESETS) == {"fakenewscorpus", "fakes"}
    assert PRESETS["fakes"]["text_field"] == "article_content"
    assert PRESETS["fakenewscorpus"]["text_field"] == "content"
