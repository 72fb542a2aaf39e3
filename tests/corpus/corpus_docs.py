"""Hand-built analysed documents for the corpus-analysis tests (no pipeline, no model)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newsprism.config import Config
from newsprism.document import Document, Span

WIRE = (
    "Airstrikes on the town of Kessen killed at least 14 civilians on Friday, local officials "
    "said. The strikes hit a crowded market street and a residential block near the central "
    "square shortly after 10 a.m., said the deputy head of the district council. Witnesses saw "
    "two jets circle the town before the first explosion. Doctors at the main hospital said "
    "they were treating more than 40 wounded people and were running short of blood."
)
"""A wire report long enough for shingles and MinHash (the dedup and memory tests copy it)."""


def find(text: str, needle: str, start: int = 0) -> tuple[int, int]:
    """[start, end) of `needle` in `text` (fails the test when absent)."""
    at = text.index(needle, start)
    return at, at + len(needle)


def make_doc(
    doc_id: str,
    text: str,
    outlet: str | None = None,
    published: str | None = None,
    entities: Sequence[tuple[str, str]] = (),
    events: Sequence[tuple[str, str, dict[str, Any]]] = (),
    attributions: Sequence[tuple[str, dict[str, Any]]] = (),
) -> Document:
    """A document whose whole text is body, with entities (text, label), events (clause, label,
    attrs) and attributions (content, attrs) located by their first occurrence."""
    meta: dict[str, Any] = {"title": text.split(".")[0][:60]}
    if outlet:
        meta["outlet"] = outlet
    if published:
        meta["published"] = published
    ents = [Span(*find(text, t), label) for t, label in entities]
    evs = [Span(*find(text, clause), label, attrs=attrs) for clause, label, attrs in events]
    atts = []
    for content, attrs in attributions:
        s, e = find(text, content)
        atts.append(Span(s, e, "attribution", attrs={"content": [s, e], **attrs}))
    return Document(
        doc_id,
        text,
        meta,
        {
            "sections": (Span(0, len(text), "body"),),
            "entities": tuple(ents),
            "attributions": tuple(atts),
            "events": tuple(evs),
        },
    )


def batch_or_skip(paths: Sequence[str], db: Path, config: Config) -> Path:
    """`paths` batch-analysed into `db` by the real default pipeline; skips when only a trained
    head is missing (E305), fails on any other error."""
    import pytest

    from newsprism.corpus.batch import run_batch
    from newsprism.corpus.store import Store
    from newsprism.errors import Code

    summary = run_batch(list(paths), db, config, workers=1)
    if summary.failed:
        with Store(db, readonly=True) as store:
            codes = {e.code for e in store.errors()}
        if codes == {Code.HEAD_MISSING.code}:
            pytest.skip("a trained head of the default pipeline is missing (E305)")
        pytest.fail(f"{', '.join(paths)} did not analyse: {codes}")
    return db
