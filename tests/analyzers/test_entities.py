"""entities.v1: CoNLL head quality gate, label mapping, dates, quantities and aliases."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyzers.entities import find_entities, load_ner_head
from newsprism.document import Document
from newsprism.evaluate.conll import entity_set, eval_conll


def _ents(text: str) -> list[tuple[str, str, object]]:
    doc = Document("e", text)
    return [
        (doc.span_text(s), s.label, s.attrs.get("canonical"))
        for s in find_entities(doc, load_ner_head())
    ]


def test_conll_dev_gate(shared_data: Path) -> None:
    if not (shared_data / "conll2003" / "dev.txt").is_file():
        pytest.skip("CoNLL-2003 not present")
    scores = eval_conll("dev", limit=800)
    # Measured 0.862 micro F1 on the full dev split; floors sit just under the 800-sentence run.
    assert scores["micro"]["f1"] >= 0.80
    assert scores["types"]["PER"]["f1"] >= 0.80


def test_entity_set_reads_iob1_and_iob2() -> None:
    assert entity_set(["I-PER", "I-PER", "O", "B-LOC"]) == {(0, 2, "PER"), (3, 4, "LOC")}


def test_aliases_dates_quantities() -> None:
    text = (
        "On Monday, Defense Ministry spokesman Maj. Gen. Igor Konashenkov said Russian jets hit "
        "dozens of targets in Syria. Konashenkov added that 27 commanders were killed."
    )
    ents = _ents(text)
    labels = {t: lab for t, lab, _ in ents}
    canon = {t: c for t, _, c in ents}
    assert labels.get("Syria") == "GPE"
    assert labels.get("Russian") == "NORP"
    assert any(lab == "DATE" and "Monday" in t for t, lab, _ in ents)
    assert any(lab == "QUANTITY" and "dozens" in t for t, lab, _ in ents)
    assert any(lab == "QUANTITY" and "27" in t for t, lab, _ in ents)
    assert canon.get("Konashenkov") == "Maj. Gen. Igor Konashenkov"


def test_empty_and_hostile_text() -> None:
    assert _ents("") == []
    assert isinstance(_ents("\x00\ufeff“”“ 1,2,3 ... !!!"), list)


def test_seed_000_names(seed_000: Path) -> None:
    """Headline words, page furniture, possessives, split outlets and people read as places."""
    from newsprism.config import load_config
    from newsprism.pipeline import build_pipeline

    pipeline = build_pipeline(load_config(), names=["sections.v1", "sentences.v1", "entities.v1"])
    doc = pipeline.analyze(Document("s0", seed_000.read_text(encoding="utf-8")))
    found = [(doc.span_text(s), s.label, s.attrs.get("canonical")) for s in doc.layer("entities")]
    labels = {t: lab for t, lab, _ in found}
    assert labels.get("Fars News") == "ORG"
    assert "News" not in labels
    assert labels.get("Obama") == "PERSON"
    assert "John Kerry" in labels and "John Kerry’s" not in labels
    assert "Comment" not in labels
    assert not any("Warplanes" in t or "Warplanes" in str(c) for t, _, c in found)
    assert ("Konashenkov", "PERSON", "Major General Igor Konashenkov") in found


def test_repairs_on_hand_built_text() -> None:
    ents = _ents(
        "Leave a Comment. Senator Obama met Igor Konashenkov. Anadolu Agency said so. "
        "Maria Holt’s aides spoke."
    )
    labels = {t: lab for t, lab, _ in ents}
    assert "Comment" not in labels
    assert labels.get("Obama") == "PERSON"
    assert "Maria Holt" in labels
