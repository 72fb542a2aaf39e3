"""`newsprism eval sections`: analyse (or load) the gold documents and score their sections."""

from __future__ import annotations

from pathlib import Path

from rich.table import Table

from newsprism.config import Config
from newsprism.document import Document, iter_jsonl_documents
from newsprism.errors import Code, NewsprismError
from newsprism.evaluate.sections import (
    SectionScores,
    gold_documents,
    load_section_gold,
    score_sections,
)
from newsprism.pipeline import build_pipeline

DEFAULT_GOLD = Path("tests") / "fixtures" / "seeds_sections.json"
"""The seeds' gold sections (written from our own reading), relative to the project root."""


def evaluate_sections(
    config: Config, gold_path: str | Path | None = None, input_path: str | Path | None = None
) -> SectionScores:
    """Score predicted sections against gold.

    Without `input_path`, each gold file is read as the held-out evaluation reads it (a bare
    record whose text is the whole file, no metadata) and analysed with the `sections` layer
    of the default pipeline; with it, the documents of that analysed JSONL are scored.
    """
    gold_file = Path(gold_path) if gold_path else DEFAULT_GOLD
    if not gold_file.exists():
        raise NewsprismError(Code.NOT_FOUND, str(gold_file), "pass --gold FILE.json")
    gold = load_section_gold(gold_file)
    predicted: dict[str, Document] = {}
    if input_path:
        with open(input_path, encoding="utf-8", newline="") as stream:
            for doc in iter_jsonl_documents(stream):
                predicted[doc.id] = doc
    else:
        pipeline = build_pipeline(config, only=["sections"])
        for doc_id, doc in gold_documents(gold_file).items():
            predicted[doc_id] = pipeline.analyze(doc)
    return score_sections(predicted, gold)


def sections_table(scores: SectionScores) -> Table:
    """Per-label character P/R/F1 and the comment matches as a terminal table."""
    table = Table(title=f"sections: {scores.documents} documents (non-whitespace characters)")
    for column in ("label", "precision", "recall", "f1", "gold chars", "predicted chars"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for label, prf in scores.labels.items():
        table.add_row(
            label,
            f"{prf.precision:.4f}",
            f"{prf.recall:.4f}",
            f"{prf.f1:.4f}",
            str(prf.n_gold),
            str(prf.n_pred),
        )
    table.caption = (
        f"comments found (IoU >= 0.8): {scores.comments_found}/{len(scores.comments)}"
        + (f"; missing predictions: {', '.join(scores.missing)}" if scores.missing else "")
    )
    return table
