"""`trust.v1`: the document-level `scores.trust` (value in [0, 1], weighted components, evidence).

Runs last: it reads whatever layers ran before it (`checkworthy`, `attributions`, `propaganda`;
absent layers simply give no evidence). Corroboration needs other documents: within a pipeline
run the context is the batch being analysed; `newsprism trust --db` scores every stored document
with the whole corpus as context, and adds the claim grades of the corpus analysis (`newsprism
stories`), which a pipeline run does not have (missing: they contribute nothing here). The
source prior comes from the database named by `trust.sources_db` (lists imported with `newsprism
sources import`); without one it is unknown.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from newsprism.registry import Analyzer, Item, register
from newsprism.trust.features import corpus_evidence
from newsprism.trust.score import load_model, trust_score
from newsprism.trust.sources import lookup

LAYER_SCORE = "trust"


def open_sources(path: str) -> sqlite3.Connection | None:
    """A read-only connection to the source-list database, or None when none is configured."""
    if not path or not Path(path).is_file():
        return None
    try:
        return sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error:
        return None


@register
class TrustAnalyzer(Analyzer):
    """Combines source prior, claim profile, persuasion and corroboration into `scores.trust`."""

    name = "trust.v1"
    requires = ("sentences",)
    produces = ("score:trust",)
    model_version = "fakes-logreg-2"

    def process(self, items: list[Item]) -> list[Item]:
        """Score a batch, the batch being the corroboration context."""
        model, _ = load_model()
        options = self.config.trust
        evidence = corpus_evidence([item.doc for item in items], self.config)
        conn = open_sources(options.sources_db)
        try:
            for item, found in zip(items, evidence, strict=True):
                outlet = item.doc.meta.get("url") or item.doc.meta.get("outlet")
                prior = lookup(conn, outlet if isinstance(outlet, str) else None)
                score = trust_score(item.doc, found, prior, model, options.source_weight)
                item.doc = item.doc.with_score(LAYER_SCORE, score)
        finally:
            if conn is not None:
                conn.close()
        return items
