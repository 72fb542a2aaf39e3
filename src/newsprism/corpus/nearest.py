"""Each document's best candidate partners found so far, kept in fixed-size arrays.

The story search proposes candidate pairs table by table (random-hyperplane LSH); every
document keeps the `limit` partners with the highest lead cosine, and the pairs worth scoring
are those in either document's list. The lists live in two (documents, limit) arrays, partner
and cosine (8 bytes a slot), merged block by block of documents: a growing list of pairs sorted
whole after every table held about 2.7 KB a document of sort temporaries at 100k documents,
the largest structure of the clustering.

Order among partners: higher value first; equal values, by `ties`: "index" puts the partners
after the document in index order before those before it, each ascending (the order of the
pairs by index, which the LSH's pair-list version used); "pair" prefers the pair (i, j), i < j,
with the larger i, then the larger j (the order of (score, i, j) tuples, which the story links'
heaps used). The story clustering keeps each article's best scored links the same way.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

Indices = NDArray[np.signedinteger[Any]]
"""Document indices: int32 where the corpus allows (the LSH's pair arrays), else int64."""

_BLOCK = 2048
"""Documents whose lists are merged at a time (bounded temporaries)."""
_LOOKUP = 65536
"""Pairs looked up in the lists at a time."""


class NearestPartners:
    """The `limit` best partners of each of `count` documents (slots -1 while empty), with the
    value of each link (`cosines`: float32 lead cosines, or float64 story scores)."""

    def __init__(
        self,
        count: int,
        limit: int,
        ties: Literal["index", "pair"] = "index",
        dtype: type[np.floating[Any]] = np.float32,
    ) -> None:
        self.count = count
        self.limit = limit
        self.ties = ties
        index_type = np.int32 if count < 2**31 else np.int64
        self.partners: Indices = np.full((count, limit), -1, dtype=index_type)
        self.cosines: NDArray[np.floating[Any]] = np.full((count, limit), -np.inf, dtype=dtype)

    def known(self, pairs: Indices) -> tuple[NDArray[np.bool_], NDArray[np.floating[Any]]]:
        """For [m, 2] pairs: whether either document lists the other, and then its value."""
        found = np.zeros(len(pairs), dtype=bool)
        cosines = np.zeros(len(pairs), dtype=self.cosines.dtype)
        for start in range(0, len(pairs), _LOOKUP):
            chunk = pairs[start : start + _LOOKUP]
            for own, other in ((0, 1), (1, 0)):
                hit = self.partners[chunk[:, own]] == chunk[:, other, None]
                rows = np.flatnonzero(hit.any(axis=1))
                cols = hit[rows].argmax(axis=1)
                cosines[start + rows] = self.cosines[chunk[rows, own], cols]
                found[start + rows] = True
        return found, cosines

    def offer(self, pairs: Indices, cosines: NDArray[np.floating[Any]]) -> None:
        """Merge [m, 2] distinct pairs (with their values) into both documents' lists."""
        if len(pairs) == 0:
            return
        docs = np.concatenate([pairs[:, 0], pairs[:, 1]])
        partners = np.concatenate([pairs[:, 1], pairs[:, 0]])
        values = np.concatenate([cosines, cosines])
        order = np.argsort(docs, kind="stable")
        docs, partners, values = docs[order], partners[order], values[order]
        touched = np.unique(docs)
        for start in range(0, len(touched), _BLOCK):
            rows = touched[start : start + _BLOCK]
            low = int(np.searchsorted(docs, rows[0], side="left"))
            high = int(np.searchsorted(docs, rows[-1], side="right"))
            self._merge(rows, docs[low:high], partners[low:high], values[low:high])

    def _merge(
        self,
        rows: Indices,
        docs: Indices,
        partners: Indices,
        values: NDArray[np.floating[Any]],
    ) -> None:
        listed = self.partners[rows]
        filled = listed >= 0
        all_docs = np.concatenate([np.repeat(rows, self.limit)[filled.ravel()], docs])
        all_partners = np.concatenate([listed[filled], partners])
        all_values = np.concatenate([self.cosines[rows][filled], values])
        # One entry per (document, partner): a pair proposed again has the same cosine.
        _keys, first = np.unique(
            all_docs.astype(np.int64) * self.count + all_partners, return_index=True
        )
        all_docs, all_partners, all_values = all_docs[first], all_partners[first], all_values[first]
        if self.ties == "index":
            order = np.lexsort((all_partners, all_partners < all_docs, -all_values, all_docs))
        else:
            first_doc = np.minimum(all_docs, all_partners)
            second_doc = np.maximum(all_docs, all_partners)
            order = np.lexsort((-second_doc, -first_doc, -all_values, all_docs))
        all_docs, all_partners, all_values = all_docs[order], all_partners[order], all_values[order]
        position = np.arange(len(all_docs))
        run_start = np.where(np.r_[True, all_docs[1:] != all_docs[:-1]], position, 0)
        rank = position - np.maximum.accumulate(run_start)
        keep = rank < self.limit
        slot_rows = np.searchsorted(rows, all_docs[keep])
        block_partners = np.full_like(listed, -1)
        block_cosines = np.full((len(rows), self.limit), -np.inf, dtype=self.cosines.dtype)
        block_partners[slot_rows, rank[keep]] = all_partners[keep]
        block_cosines[slot_rows, rank[keep]] = all_values[keep]
        self.partners[rows] = block_partners
        self.cosines[rows] = block_cosines

    def pairs(self) -> NDArray[np.int64]:
        """[k, 2] distinct pairs (i < j) in either document's list."""
        return self.valued_pairs()[0]

    def valued_pairs(self) -> tuple[NDArray[np.int64], NDArray[np.floating[Any]]]:
        """`pairs` with the value of each, in document order. A pair is read from its first
        document's list, or from its second's when the first does not list it: no sort over
        every slot (at 100k documents that sort was the clustering's peak)."""
        pairs: list[NDArray[np.int64]] = []
        values: list[NDArray[np.floating[Any]]] = []
        # Blocks of documents: each gathers its partners' lists (limit slots per slot).
        for start in range(0, self.count, _BLOCK):
            listed = self.partners[start : start + _BLOCK]
            docs = np.arange(start, start + len(listed), dtype=np.int64)[:, None]
            after = listed > docs
            before = (listed >= 0) & (listed < docs)
            rows, cols = np.nonzero(before)
            # (partner, doc) with partner < doc: kept unless the partner lists the doc itself.
            lower = listed[rows, cols].astype(np.int64)
            upper = docs[rows, 0]
            unlisted = ~(self.partners[lower] == upper[:, None]).any(axis=1)
            first_rows, first_cols = np.nonzero(after)
            pairs.append(
                np.concatenate(
                    [
                        np.stack([docs[first_rows, 0], listed[after].astype(np.int64)], axis=1),
                        np.stack([lower[unlisted], upper[unlisted]], axis=1),
                    ]
                )
            )
            block_values = self.cosines[start : start + _BLOCK]
            values.append(
                np.concatenate(
                    [block_values[first_rows, first_cols], block_values[rows, cols][unlisted]]
                )
            )
        if not pairs:
            return np.zeros((0, 2), dtype=np.int64), np.zeros(0, dtype=self.cosines.dtype)
        return np.concatenate(pairs), np.concatenate(values)
