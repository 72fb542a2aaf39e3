"""The fixed-size partner lists keep what ranking every pair ever proposed would keep."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from newsprism.corpus import nearest
from newsprism.corpus.nearest import NearestPartners


def _best_of_all(
    offers: list[tuple[np.ndarray, np.ndarray]], count: int, limit: int
) -> set[tuple[int, int]]:
    """Pairs among the `limit` best of either document over every pair ever offered: higher
    cosine first, ties by the order of the pairs by index (partners after the document, then
    partners before it, each ascending)."""
    cosine: dict[tuple[int, int], float] = {}
    for pairs, values in offers:
        for (i, j), value in zip(pairs.tolist(), values.tolist(), strict=True):
            cosine[(i, j)] = value
    kept: set[tuple[int, int]] = set()
    for doc in range(count):
        mine = [(p, c) for p, c in cosine.items() if doc in p]

        def order(item: tuple[tuple[int, int], float], doc: int = doc) -> tuple[float, bool, int]:
            (i, j), value = item
            partner = j if i == doc else i
            return (-value, partner < doc, partner)

        kept.update(p for p, _ in sorted(mine, key=order)[:limit])
    return kept


@pytest.mark.parametrize("block", [2, 7, 2048])
def test_lists_keep_each_documents_best_over_all_offers(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    monkeypatch.setattr(nearest, "_BLOCK", block)
    rng = np.random.default_rng(11)
    count, limit = 40, 4
    # Cosines fixed per pair (a pair proposed again by another table has the same one), from a
    # few values so that ties are common.
    table = {
        p: float(rng.choice([0.1, 0.25, 0.5, 0.75, 0.9]))
        for p in itertools.combinations(range(count), 2)
    }
    lists = NearestPartners(count, limit)
    offers = []
    for _table in range(6):
        chosen = rng.choice(len(table), size=120, replace=False)
        keys = list(table)
        pairs = np.array([keys[k] for k in sorted(chosen)], dtype=np.int32)
        values = np.array([table[tuple(p)] for p in pairs.tolist()], dtype=np.float32)
        offers.append((pairs, values))
        listed, known = lists.known(pairs)
        # What the lists already hold comes back with its cosine.
        assert np.array_equal(known[listed], values[listed])
        lists.offer(pairs, values)
        expected = _best_of_all(offers, count, limit)
        got = {(int(i), int(j)) for i, j in lists.pairs().tolist()}
        assert got == expected
    assert bool((lists.pairs()[:, 0] < lists.pairs()[:, 1]).all())
    assert int((lists.partners >= 0).sum(axis=1).max()) == limit


def test_empty_offers_and_a_corpus_of_one() -> None:
    lists = NearestPartners(1, 3)
    lists.offer(np.zeros((0, 2), np.int32), np.zeros(0, np.float32))
    assert lists.pairs().shape == (0, 2)
