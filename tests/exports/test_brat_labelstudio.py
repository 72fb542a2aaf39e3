"""brat and Label Studio exports: offsets survive, lines never break inside a brat span."""

from __future__ import annotations

import json
from pathlib import Path

from newsprism.document import Document, Span
from newsprism.evaluate.polnear_data import parse_ann
from newsprism.exports.brat import document_ann, export_brat, safe_name
from newsprism.exports.labelstudio import document_task, export_labelstudio

TEXT = "Fars said:\n“US jets\nstruck 12 targets.”\r\nRussia denied it."


def _doc() -> Document:
    cue = [5, 9]
    content = [11, 40]
    attr = Span(
        11,
        40,
        "attribution",
        None,
        {
            "content": content,
            "cue": cue,
            "source": [0, 4],
            "speaker": "Fars",
            "speaker_type": "media",
            "polarity": "assert",
            "direct": True,
            "via": None,
        },
    )
    ent = Span(0, 4, "ORG", None, {"canonical": "Fars"})
    return Document("a/b c", TEXT, layers={"attributions": [attr], "entities": [ent]})


def test_brat_round_trips_through_the_polnear_parser(tmp_path: Path) -> None:
    doc = _doc()
    assert export_brat([doc], tmp_path) == 1
    name = safe_name(doc.id)
    assert (tmp_path / f"{name}.txt").read_bytes().decode("utf-8") == TEXT
    ann = (tmp_path / f"{name}.ann").read_text(encoding="utf-8")
    gold = parse_ann(ann)
    assert len(gold) == 1
    assert gold[0].source == ((0, 4),)
    assert gold[0].cue == ((5, 9),)
    # The content crosses a line break: written as fragments that skip it.
    assert gold[0].bounds(gold[0].content) == (11, 38) or gold[0].content[0][0] == 11
    for line in ann.splitlines():
        fields = line.split("\t")
        if line.startswith("T"):
            _label, _, offsets = fields[1].partition(" ")
            pieces = [TEXT[int(a) : int(b)] for a, b in (p.split() for p in offsets.split(";"))]
            assert all("\n" not in p and "\r" not in p for p in pieces)
            assert fields[2] == " ".join(pieces)


def test_brat_on_a_document_without_layers() -> None:
    assert document_ann(Document("x", "plain")) == ""


def test_labelstudio_task(tmp_path: Path) -> None:
    task = document_task(_doc())
    labels = [r["value"]["labels"][0] for r in task["predictions"][0]["result"] if "value" in r]
    assert {"Cue", "Content", "Source", "ORG"} <= set(labels)
    for region in task["predictions"][0]["result"]:
        if "value" in region:
            value = region["value"]
            assert TEXT[value["start"] : value["end"]] == value["text"]
    out = tmp_path / "ls.json"
    assert export_labelstudio([_doc(), Document("y", "z")], out) == 2
    assert len(json.loads(out.read_text(encoding="utf-8"))) == 2
