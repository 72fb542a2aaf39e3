"""The leads' tf-idf vectors: one sparse matrix for a whole corpus, compared pair by pair in bulk.

The lead vectors of a war corpus are all alike ("airstrikes killed civilians in Syria"); the rare
words of a lead ("wedding", "bakery", "Qamishli", "44") are what tell two incidents apart, so the
story score blends in the cosine of the leads' tf-idf vectors. A corpus of 100k articles holds
about 30 distinct words per lead: as one CSR matrix that is about 12 bytes a word (a dict per
lead took 2.2 KB a lead), and a chunk of candidate pairs is scored in one sparse product.
"""

from __future__ import annotations

import math
import re
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.corpus.articles import Article

_WORD = re.compile(r"[^\W\d_][\w'-]+|\d+")
_FUNCTION_WORDS = frozenset(
    {"the", "and", "for", "with", "from", "that", "this", "was", "were", "has", "have", "had"}
    | {"are", "its", "into", "than", "after", "over", "said", "says", "say", "more", "least"}
)


@dataclass(frozen=True)
class LeadTerms:
    """Row `i` is article `i`'s lead as a unit tf-idf vector (all zero for an empty lead, and
    for every lead when the lexical blend is off)."""

    matrix: Any
    """A `scipy.sparse.csr_matrix` (articles x vocabulary), float64, sorted indices."""

    @classmethod
    def empty(cls, count: int) -> LeadTerms:
        """`count` all-zero rows (the lexical blend is off)."""
        from scipy.sparse import csr_matrix

        return cls(csr_matrix((count, 0), dtype=np.float64))

    def __len__(self) -> int:
        return int(self.matrix.shape[0])

    def pairs(self, first: NDArray[np.int64], second: NDArray[np.int64]) -> NDArray[np.float64]:
        """Cosine of the leads of each pair (`first[k]`, `second[k]`)."""
        if self.matrix.nnz == 0 or len(first) == 0:
            return np.zeros(len(first), dtype=np.float64)
        product = self.matrix[first].multiply(self.matrix[second])
        return np.asarray(product.sum(axis=1), dtype=np.float64).ravel()

    def block(self, left: Sequence[int], right: Sequence[int]) -> NDArray[np.float64]:
        """(len(left), len(right)) cosines of every lead of `left` with every lead of `right`."""
        if self.matrix.nnz == 0:
            return np.zeros((len(left), len(right)), dtype=np.float64)
        rows = self.matrix[np.asarray(left, dtype=np.int64)]
        columns = self.matrix[np.asarray(right, dtype=np.int64)]
        return np.asarray((rows @ columns.T).toarray(), dtype=np.float64)

    def similarity(self, i: int, j: int) -> float:
        """Cosine of the leads of articles `i` and `j`."""
        return float(self.pairs(np.array([i]), np.array([j]))[0])


def lead_terms(articles: Sequence[Article]) -> LeadTerms:
    """Each article's lead as a unit tf-idf vector over its lower-cased words and numbers.

    Idf is the corpus's own (log n/df), so a word every lead uses weighs nothing; term frequency
    is 1 + log(count)."""
    from scipy.sparse import csr_matrix

    # Two passes over the leads (document frequencies, then the rows) instead of keeping every
    # lead's counts; the rows are appended to flat arrays, never held as Python objects.
    vocabulary: dict[str, int] = {}
    df: Counter[int] = Counter()
    for article in articles:
        df.update(_lead_counts(article.lead, vocabulary).keys())
    n = max(1, len(articles))
    indptr = array("q", [0])
    indices = array("i")
    data = array("d")
    for article in articles:
        counts = _lead_counts(article.lead, vocabulary)
        row = sorted((w, (1 + math.log(c)) * math.log(n / df[w])) for w, c in counts.items())
        norm = math.sqrt(sum(v * v for _, v in row))
        if norm > 0:
            indices.extend(w for w, _ in row)
            data.extend(v / norm for _, v in row)
        indptr.append(len(indices))
    matrix = csr_matrix(
        (
            np.frombuffer(data, dtype=np.float64),
            np.frombuffer(indices, dtype=np.int32),
            np.frombuffer(indptr, dtype=np.int64),
        ),
        shape=(len(articles), len(vocabulary)),
    )
    return LeadTerms(matrix)


def _lead_counts(lead: str, vocabulary: dict[str, int]) -> Counter[int]:
    """The lead's word counts, by the word's column (a new word gets the next column)."""
    return Counter(
        vocabulary.setdefault(w, len(vocabulary))
        for w in _WORD.findall(lead.lower())
        if len(w) > 2 and w not in _FUNCTION_WORDS
    )
