"""A large corpus clustered by date segment: the plan (whole days, the carried days, undated
documents with their stored neighbours), the spilled articles, and the whole corpus's weights
computed for one segment or one pair as for the whole."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.test_bounded_memory import _articles
from newsprism.config import CorpusOptions
from newsprism.corpus.articles import header, make_article
from newsprism.corpus.dedup import SignatureMatrix, body_signature, near_duplicates
from newsprism.corpus.lead_terms import lead_cosine, lead_terms, lead_words
from newsprism.corpus.segments import CorpusCounts, plan_segments
from newsprism.corpus.spill import SpilledArticles
from newsprism.corpus.store import Store
from newsprism.corpus.stories import name_weights

DAY = 735880  # 2015-10-08 as an ordinal


def _owned(segments: list) -> list[int]:
    return sorted(p for s in segments for p in s.own)


def test_a_corpus_within_the_limit_is_one_segment() -> None:
    days = np.array([DAY, -1, DAY + 40, DAY], dtype=np.int64)
    (only,) = plan_segments(days, limit=4, carry_days=10)
    assert only.own == (0, 1, 2, 3) and only.carried == ()


def test_segments_are_whole_days_in_date_order_carrying_the_days_before() -> None:
    # Stored out of date order: three documents on day 0, three on day 5, two on day 30.
    days = np.array([DAY + 5, DAY, DAY + 30, DAY, DAY + 5, DAY, DAY + 30, DAY + 5], dtype=np.int64)
    segments = plan_segments(days, limit=4, carry_days=10)
    assert _owned(segments) == list(range(len(days)))  # each document decided once
    by_day = [sorted({int(days[p]) - DAY for p in s.own}) for s in segments]
    # Cuts fall between days: day 5 would overflow the first segment, day 30 the second.
    assert by_day == [[0], [5], [30]]
    assert segments[0].own == (1, 3, 5)
    # Day 5 carries day 0 in (within 10 days); day 30 carries nothing (day 5 is 25 days back).
    assert segments[1].carried == (1, 3, 5)
    assert segments[2].carried == ()


def test_a_day_busier_than_the_limit_is_cut_and_no_segment_grows_past_three_limits() -> None:
    busy = np.array([DAY] * 7 + [DAY + 1] * 2, dtype=np.int64)
    segments = plan_segments(busy, limit=3, carry_days=10)
    assert [s.own for s in segments] == [(0, 1, 2), (3, 4, 5), (6, 7, 8)]
    # Each carries the latest `limit` documents before it (the day's earlier chunk).
    assert [s.carried for s in segments] == [(), (0, 1, 2), (3, 4, 5)]
    # A corpus mostly undated: one segment takes at most `limit` of them; the rest go apart.
    mostly = np.array([DAY] + [-1] * 8, dtype=np.int64)
    cut = plan_segments(mostly, limit=3, carry_days=10)
    assert _owned(cut) == list(range(9))
    assert max(len(s.own) + len(s.carried) for s in cut) <= 3 * 3
    assert cut[0].own == (0, 1, 2, 3) and [s.own for s in cut[1:]] == [(4, 5, 6), (7, 8)]


def test_an_undated_document_goes_with_the_dated_one_stored_before_it() -> None:
    days = np.array([-1, DAY, -1, DAY + 20, DAY + 20, -1], dtype=np.int64)
    segments = plan_segments(days, limit=2, carry_days=10)
    assert _owned(segments) == list(range(len(days)))
    # The first document has no dated one before it: it goes with the next (position 1).
    assert segments[0].own == (0, 1, 2)
    assert segments[1].own == (3, 4, 5)
    # With no dated document at all, undated ones make segments of the limit in stored order.
    undated = plan_segments(np.full(5, -1, dtype=np.int64), limit=2, carry_days=10)
    assert [s.own for s in undated] == [(0, 1), (2, 3), (4,)]


def test_spilled_articles_come_back_whole(tmp_path: Path) -> None:
    articles = _articles(40)
    with Store(tmp_path / "spill.db") as store:
        spilled = SpilledArticles(store)
        spilled.add(enumerate(articles))
        back = spilled.load([7, 3, 39])
        spilled.close()
        assert store.connection.execute(
            "SELECT count(*) FROM temp.sqlite_master WHERE name = 'spilled_articles'"
        ).fetchone() == (0,)
    for got, want in zip(back, [articles[7], articles[3], articles[39]], strict=True):
        assert got.id == want.id and got.doc.id == want.id and got.doc.text == ""
        assert (got.names, got.lead, got.published, got.toll) == (
            want.names,
            want.lead,
            want.published,
            want.toll,
        )


def test_the_whole_corpus_weights_are_those_of_one_segment() -> None:
    """A segment's tf-idf rows with the corpus's word counts, and one pair's cosine computed
    alone, equal the rows and cosines of the whole corpus; so do the name weights."""
    articles = _articles(60)
    counts = CorpusCounts()
    for article in articles:
        counts.add(article)
    whole = lead_terms(articles)
    part = articles[10:30]
    segment = lead_terms(part, counts.words, counts.count)
    for i in range(len(part)):
        for j in (0, 5, 19):
            assert segment.similarity(i, j) == pytest.approx(whole.similarity(10 + i, 10 + j))
            assert lead_cosine(part[i].lead, part[j].lead, counts.words, counts.count) == (
                pytest.approx(whole.similarity(10 + i, 10 + j))
            )
    assert counts.name_weights() == pytest.approx(name_weights(articles))
    assert lead_words("The strike killed 12 in Kessen; the strike") == {
        "strike", "killed", "kessen"
    }  # fmt: skip


def test_a_header_keeps_what_the_corpus_wide_steps_read() -> None:
    article = _articles(1)[0]
    kept = header(article)
    assert (kept.id, kept.source, kept.published_at, kept.title, kept.credit) == (
        article.id,
        article.source,
        article.published_at,
        article.title,
        article.credit,
    )
    assert kept.lead == "" and not kept.names and kept.body == ()
    assert make_article(article.doc).names == article.names  # the article itself untouched


def test_signatures_in_one_matrix_find_the_same_duplicates() -> None:
    """The rows of a `SignatureMatrix` (what a large corpus keeps while it is read) give the
    near-duplicates that one `BodySignature` per document gives, copy edits of every weight."""
    articles = _articles(120)
    options = CorpusOptions()
    kept = {a.id: s for a in articles if (s := body_signature(a, options)) is not None}
    matrix = SignatureMatrix(options.minhash_perms, block=7)  # rows across several blocks
    for doc_id, signature in kept.items():
        matrix.add(doc_id, signature)
    assert len(matrix) == len(kept) and set(matrix) == set(kept)
    row, alone = matrix[articles[3].id], kept[articles[3].id]
    assert np.array_equal(row.hashvalues, alone.hashvalues) and row.shingles == alone.shingles
    found = near_duplicates(articles, options, matrix)
    assert found and found == near_duplicates(articles, options, kept)


def test_the_known_lsh_bands_are_datasketchs_choice() -> None:
    """`dedup.KNOWN_BANDS` spares the default settings scipy.integrate's import: each entry is
    what `MinHashLSH` picks, and the defaults have one."""
    from datasketch import MinHashLSH

    from newsprism.corpus.dedup import KNOWN_BANDS

    options = CorpusOptions()
    assert (options.duplicate_lsh_jaccard, options.minhash_perms) in KNOWN_BANDS
    for (threshold, perms), (bands, rows) in KNOWN_BANDS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=perms)
        assert (lsh.b, lsh.r) == (bands, rows)
