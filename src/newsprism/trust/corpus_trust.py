"""`newsprism trust --db`: the trust score of every stored document, the whole corpus being the
context, in memory that does not hold the corpus.

Two passes over the store. The first keeps what corroboration compares of each document (outlet,
day, places, located events, lead toll: `ContextDoc` without its word counts) and counts the
corpus's document frequencies. Corroboration then runs over the documents in date order; the
tf-idf vector of a document is made from its text when a neighbour within the date window first
asks for it, and a cache as large as the busiest window keeps it while it is needed, so each
text is read about once. The second pass reads each document again for its claim profile,
persuasion and check-worthy sentences and yields its row: the rows are written as they come.
The scores are those of `trust.features.corpus_evidence` over the whole corpus in memory (a
test compares them).
"""

from __future__ import annotations

import bisect
import functools
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import Any

from newsprism.config import Config
from newsprism.corpus.store import Store
from newsprism.trust.corroboration import (
    ContextDoc,
    Corroboration,
    context_doc,
    corpus_idf,
    text_terms,
    unit_vector,
)
from newsprism.trust.features import DocumentEvidence, corroborate_with
from newsprism.trust.graded import stored_grades
from newsprism.trust.profile import claim_profile, persuasion
from newsprism.trust.score import load_model, trust_score
from newsprism.trust.sources import lookup


def corpus_trust(store: Store, config: Config) -> Iterator[dict[str, Any]]:
    """`{"id", "trust", "components"}` of every stored document, in stored order."""
    model, _ = load_model()
    grades = stored_grades(store.connection)
    found = _corroboration(store, config)
    for doc in store.iter_documents():
        corroboration = found.get(doc.id)
        if corroboration is None:
            continue  # stored after the first pass began: not in this run's context
        evidence = DocumentEvidence(
            corroboration,
            claim_profile(doc),
            persuasion(doc),
            # In a graded corpus a document without graded claims has none supported or disputed.
            None if grades is None else grades.get(doc.id, {}),
        )
        outlet = doc.meta.get("url") or doc.meta.get("outlet")
        prior = lookup(store.connection, outlet if isinstance(outlet, str) else None)
        score = trust_score(doc, evidence, prior, model, config.trust.source_weight)
        yield {"id": doc.id, "trust": score["value"], "components": score["components"]}


def _corroboration(store: Store, config: Config) -> dict[str, Corroboration]:
    """Each stored document's corroboration (see the module docstring)."""
    options = config.trust
    contexts: list[ContextDoc] = []
    df: Counter[str] = Counter()
    for doc in store.iter_documents():
        context = context_doc(doc)
        df.update(context.terms.keys())
        contexts.append(replace(context, terms={}))
    idf = corpus_idf(df, len(contexts))
    del df
    # Date order, stored order within a day: the neighbours `corroborate` lists come in the
    # same order as over the stored order.
    ordered = sorted(contexts, key=lambda c: (c.day is None, c.day if c.day is not None else 0))
    window = max(options.place_days, options.similar_days, options.event_days)
    vector = functools.lru_cache(maxsize=_busiest(ordered, window) + 1)(
        functools.partial(_vector, store, idf)
    )
    found = corroborate_with(ordered, options, vectors=lambda i: vector(ordered[i].id))
    return {c.id: f for c, f in zip(ordered, found, strict=True)}


def _busiest(ordered: list[ContextDoc], window: int) -> int:
    """The most dated documents any span of 2 * `window` + 1 days holds (what one document's
    neighbours and the next ones' need at once)."""
    days = [c.day for c in ordered if c.day is not None]
    return max(
        (bisect.bisect_right(days, d + 2 * window) - k for k, d in enumerate(days)), default=0
    )


def _vector(store: Store, idf: Mapping[str, float], doc_id: str) -> dict[str, float]:
    """A document's tf-idf vector, from its stored text."""
    row = store.connection.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
    return unit_vector(text_terms(row[0] if row else ""), idf)
