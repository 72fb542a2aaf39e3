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
from collections.abc import Iterator, Mapping, Sequence
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


def lead_terms(
    articles: Sequence[Article], df: Mapping[str, int] | None = None, count: int = 0
) -> LeadTerms:
    """Each article's lead as a unit tf-idf vector over its lower-cased words and numbers.

    Idf is the corpus's own (log n/df), so a word every lead uses weighs nothing; term frequency
    is 1 + log(count). `df` and `count`: the document frequencies (`lead_words`) and size of a
    larger corpus the articles belong to, whose idf to use instead (one date segment of it)."""
    from scipy.sparse import csr_matrix

    # Two passes over the leads (document frequencies, then the rows) instead of keeping every
    # lead's counts; the rows are appended to flat arrays, never held as Python objects.
    vocabulary: dict[str, int] = {}
    frequencies: Counter[int] = Counter()
    for article in articles:
        frequencies.update(_lead_counts(article.lead, vocabulary).keys())
    n = max(1, len(articles))
    if df is not None:
        frequencies = Counter({column: df[word] for word, column in vocabulary.items()})
        n = max(1, count)
    indptr = array("q", [0])
    indices = array("i")
    data = array("d")
    for article in articles:
        counts = _lead_counts(article.lead, vocabulary)
        row = sorted((w, _weight(c, n, frequencies[w])) for w, c in counts.items())
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
    return Counter(vocabulary.setdefault(w, len(vocabulary)) for w in _words(lead))


def _words(lead: str) -> Iterator[str]:
    """The lead's lower-cased words and numbers that count (not short, not function words)."""
    return (w for w in _WORD.findall(lead.lower()) if len(w) > 2 and w not in _FUNCTION_WORDS)


def lead_words(lead: str) -> set[str]:
    """The distinct words of `lead` that `lead_terms` weighs (for document frequencies)."""
    return set(_words(lead))


def lead_cosine(a: str, b: str, df: Mapping[str, int], count: int) -> float:
    """Cosine of two leads' tf-idf vectors as `lead_terms` makes them over a corpus of `count`
    leads whose words have the document frequencies `df`, computed for one pair alone."""
    first, second = _unit_row(a, df, count), _unit_row(b, df, count)
    return sum(v * second[w] for w, v in first.items() if w in second)


def _weight(occurrences: int, leads: int, df: int) -> float:
    """One word's tf-idf weight in a lead: (1 + log tf) * log(n / df)."""
    return (1 + math.log(occurrences)) * math.log(leads / df)


def _unit_row(lead: str, df: Mapping[str, int], count: int) -> dict[str, float]:
    counts = Counter(_words(lead))
    row = {w: _weight(c, max(1, count), df[w]) for w, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in row.values()))
    return {w: v / norm for w, v in row.items()} if norm > 0 else {}
