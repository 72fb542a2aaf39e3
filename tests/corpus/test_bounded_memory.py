"""The compact forms the corpus analysis uses on large corpora find what the plain ones find:
LSH banding by sorting (vs datasketch's index), candidate arrays (vs sets of tuples), the leads'
tf-idf as one sparse matrix (vs a dict per lead)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import replace
from random import Random

import numpy as np
import pytest
from datasketch import MinHashLSH

from corpus.corpus_docs import WIRE, make_doc
from newsprism.config import CorpusOptions
from newsprism.corpus.articles import Article, make_article
from newsprism.corpus.dedup import body_signature, near_duplicates
from newsprism.corpus.lead_terms import LeadTerms, lead_terms
from newsprism.corpus.stories import candidate_pairs, day_numbers, lsh_pairs, name_pairs

PLACES = ("Dalmyr",)


def _edited(rng: Random, edits: int) -> str:
    """WIRE with `edits` words replaced by words of its own (copy edits of varying weight)."""
    words = WIRE.split()
    for _ in range(edits):
        words[rng.randrange(len(words))] = rng.choice(words)
    return " ".join(words)


def _articles(count: int) -> list[Article]:
    rng = Random(5)
    out = []
    for k in range(count):
        # 25 people named by 8 articles each (all pairs), 12 towns by about 17 (the windowed
        # pairs of a name more common than max_bucket), one region by all (too common).
        names = [
            (f"Town{k % 12}", "GPE"),
            (f"Official{k % 25}", "PERSON"),
            (PLACES[0], "GPE"),
        ]
        text = _edited(rng, rng.randrange(0, 40)) + " " + " ".join(n for n, _ in names)
        day = f"2015-10-{1 + k % 9:02d}" if k % 11 else None
        out.append(make_article(make_doc(f"d{k}", text, f"Outlet {k % 13}", day, entities=names)))
    return out


def test_near_duplicates_find_the_pairs_of_datasketchs_lsh_index() -> None:
    articles = _articles(120)
    options = CorpusOptions()
    signatures = {a.id: body_signature(a, options) for a in articles}
    assert all(s is not None for s in signatures.values())
    kept = {k: s for k, s in signatures.items() if s is not None}
    lsh = MinHashLSH(threshold=options.duplicate_lsh_jaccard, num_perm=options.minhash_perms)
    for article in articles:
        lsh.insert(article.id, kept[article.id].minhash)
    expected, contained = set(), set()
    for article in articles:
        for other in lsh.query(kept[article.id].minhash):
            a, b = kept[article.id], kept[other]
            similarity = float(a.minhash.jaccard(b.minhash))
            # The containment test, spelled out from the set sizes: |A & B| = J (|A|+|B|) / (1+J).
            shared = similarity * (a.shingles + b.shingles) / (1 + similarity)
            inside = shared / min(a.shingles, b.shingles)
            if other == article.id:
                continue
            if similarity >= options.duplicate_jaccard:
                expected.add(frozenset((article.id, other)))
            elif inside >= options.duplicate_containment:
                expected.add(frozenset((article.id, other)))
                contained.add(frozenset((article.id, other)))
    found = near_duplicates(articles, options, kept)
    assert expected  # the edits leave both near-duplicates and distinct texts
    assert len(expected) < len(articles) * (len(articles) - 1) // 2
    assert {frozenset((k.doc_id, k.original_id)) for k in found} == expected
    assert len(found) == len(expected)
    by_pair = {frozenset((k.doc_id, k.original_id)): k.evidence for k in found}
    assert all("of the shorter body in the other" in by_pair[p] for p in contained)


def test_candidate_pairs_are_the_lsh_and_name_pairs() -> None:
    articles = _articles(200)
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((len(articles), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    options = CorpusOptions(max_bucket=8, lsh_candidates=5)
    days = day_numbers(articles)
    array = candidate_pairs(articles, vectors, options, days)
    expected = lsh_pairs(vectors, options, days) | name_pairs(articles, options, days)
    assert {(int(i), int(j)) for i, j in array.tolist()} == expected
    assert len(array) == len(expected)
    assert bool((array[:, 0] < array[:, 1]).all())


def test_sparse_lead_terms_equal_the_per_lead_tf_idf_cosine() -> None:
    """One CSR matrix for every lead gives the cosines of the plain definition: per lead a dict
    of (1 + log tf) * log(n / df), normalised."""
    articles = _articles(60)
    # Two leads with nothing to weigh: empty, and function words only.
    articles += [
        replace(articles[0], id=f"e{k}", lead=lead) for k, lead in enumerate(["", "the and"])
    ]
    stop = {"the", "and", "for", "with", "from", "that", "this", "was", "were", "has", "have"}
    stop |= {"had", "are", "its", "into", "than", "after", "over", "said", "says", "say", "more"}
    stop |= {"least"}
    counts = [
        Counter(
            w
            for w in re.findall(r"[^\W\d_][\w'-]+|\d+", a.lead.lower())
            if len(w) > 2 and w not in stop
        )
        for a in articles
    ]
    df = Counter(w for c in counts for w in c)
    plain = []
    for c in counts:
        v = {w: (1 + math.log(k)) * math.log(len(articles) / df[w]) for w, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values()))
        plain.append({w: x / norm for w, x in v.items()} if norm > 0 else {})
    terms = lead_terms(articles)
    rng = np.random.default_rng(3)
    first, second = rng.integers(0, len(articles), size=(2, 400))
    expected = [
        sum(x * plain[j].get(w, 0.0) for w, x in plain[i].items())
        for i, j in zip(first, second, strict=True)
    ]
    np.testing.assert_allclose(terms.pairs(first, second), expected, atol=1e-12)
    block = terms.block(range(10), [58, 59, 60, 61, 3])
    np.testing.assert_allclose(block[:, 4], [terms.similarity(i, 3) for i in range(10)], atol=1e-12)
    assert not block[:, 2:4].any()  # leads with no word to weigh match nothing
    assert terms.similarity(5, 5) == pytest.approx(1.0)
    off = LeadTerms.empty(len(articles))
    assert len(off) == len(articles) and not off.pairs(first, second).any()
