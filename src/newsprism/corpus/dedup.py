"""Republications and near-duplicates, and the independent source each article counts as.

Near-duplicates: MinHash signatures of the body's word shingles (datasketch), candidate pairs
from MinHash LSH banding (datasketch's bands, matched here by sorting; never all pairs), kept
when the estimated Jaccard reaches `corpus.duplicate_jaccard` or the longer body holds
`corpus.duplicate_containment` of the shorter (a wire report another outlet trimmed or wrapped
in its own paragraphs: a low Jaccard, yet one text). Republications: a credit line
("Originally published at X", "This report was provided by X") that names another outlet.
Either way the later article repeats the earlier one and counts as the same independent source:
a republication never corroborates.
"""

from __future__ import annotations

import functools
import re
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from newsprism.config import CorpusOptions
from newsprism.corpus.articles import Article
from newsprism.errors import missing_extra

_WORD = re.compile(r"\w+")
_SEED = 7
"""Fixed MinHash seed: signatures (and so the duplicates found) are the same on every run."""


@dataclass(frozen=True, slots=True)
class DuplicateLink:
    """`doc_id` repeats `original_id` (the earlier article)."""

    doc_id: str
    original_id: str
    kind: str
    """`near_duplicate` or `republication`."""
    similarity: float | None
    evidence: str


class UnionFind:
    """Disjoint sets over string keys (path halving, union by size)."""

    def __init__(self, keys: Sequence[str] = ()) -> None:
        self._parent: dict[str, str] = {k: k for k in keys}
        self._size: dict[str, int] = dict.fromkeys(keys, 1)

    def find(self, key: str) -> str:
        """The representative of `key`'s set (adds `key` when new)."""
        parent = self._parent.setdefault(key, key)
        self._size.setdefault(key, 1)
        while parent != key:
            grand = self._parent[parent]
            self._parent[key] = grand
            key, parent = parent, self._parent[grand]
        return key

    def union(self, a: str, b: str) -> str:
        """Join the sets of `a` and `b`; returns the new representative."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return ra
        if self._size[ra] < self._size[rb]:
            ra, rb = rb, ra
        self._parent[rb] = ra
        self._size[ra] += self._size[rb]
        return ra

    def groups(self) -> dict[str, list[str]]:
        """Representative -> members (in insertion order)."""
        out: dict[str, list[str]] = {}
        for key in self._parent:
            out.setdefault(self.find(key), []).append(key)
        return out


def shingles(text: str, size: int) -> set[bytes]:
    """Lower-cased word `size`-grams of `text` (the whole text when it is shorter)."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def _order_key(article: Article, position: int) -> tuple[int, str, int]:
    """Earlier published first; undated after dated; then the order stored."""
    if not article.published_at:
        return (1, "", position)
    return (0, article.published_at, position)


@dataclass(frozen=True, slots=True)
class BodySignature:
    """A body's MinHash values (4 bytes per permutation: datasketch keeps them under 2**32) and
    its shingle count."""

    hashvalues: NDArray[np.uint32]
    shingles: int

    @property
    def minhash(self) -> Any:
        """The signature as datasketch's `LeanMinHash` (for its LSH index)."""
        from datasketch import LeanMinHash

        scheme = _template(len(self.hashvalues)).scheme
        return LeanMinHash(seed=_SEED, hashvalues=self.hashvalues, scheme=scheme)

    def jaccard(self, other: BodySignature) -> float:
        """Estimated Jaccard similarity of the two bodies' shingle sets (the share of equal
        MinHash values, as datasketch estimates it)."""
        same = np.count_nonzero(self.hashvalues == other.hashvalues)
        return float(same) / float(len(self.hashvalues))

    def containment(self, other: BodySignature, jaccard: float) -> float:
        """Estimated share of the smaller shingle set inside the larger, from their `jaccard`:
        the intersection is J (|A| + |B|) / (1 + J)."""
        smaller = min(self.shingles, other.shingles)
        if smaller <= 0:
            return 0.0
        shared = jaccard * (self.shingles + other.shingles) / (1 + jaccard)
        return min(1.0, shared / smaller)


def body_signature(article: Article, options: CorpusOptions) -> BodySignature | None:
    """The MinHash signature of the article's body shingles, or None for an empty body."""
    try:
        from datasketch import MinHash
    except ImportError:  # pragma: no cover - the corpus extra is part of `all`
        raise missing_extra("datasketch", "corpus") from None
    grams = shingles(article.body_text, options.shingle_words)
    if not grams:
        return None
    template = _template(options.minhash_perms)
    signature = MinHash(
        num_perm=options.minhash_perms,
        seed=_SEED,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    signature.update_batch(sorted(grams))
    return BodySignature(signature.hashvalues.astype(np.uint32), len(grams))


class SignatureMatrix(Mapping[str, BodySignature]):
    """Many documents' signatures as rows of one uint32 matrix, by document id: 4 bytes a
    permutation and 4 for the shingle count, where a `BodySignature` object per document (its
    array, object and dict entry) cost about twice that, in small allocations a large corpus
    never gives back. What the corpus analysis keeps while it reads a large corpus."""

    def __init__(self, perms: int, block: int = 4096) -> None:
        self._perms = perms
        self._block = block
        self._blocks: list[NDArray[np.uint32]] = []
        self._counts = array("i")
        self._rows: dict[str, int] = {}

    @property
    def perms(self) -> int:
        """Values per signature."""
        return self._perms

    def add(self, doc_id: str, signature: BodySignature) -> None:
        """Keep `signature` as `doc_id`'s (an id added again keeps its first)."""
        if doc_id in self._rows:
            return
        row = len(self._counts)
        if row % self._block == 0:
            self._blocks.append(np.empty((self._block, self._perms), dtype=np.uint32))
        self._blocks[-1][row % self._block] = signature.hashvalues
        self._counts.append(signature.shingles)
        self._rows[doc_id] = row

    def row_values(self, doc_id: str) -> NDArray[np.uint32]:
        """The hash values of `doc_id`'s signature (a view into the matrix)."""
        row = self._rows[doc_id]
        values: NDArray[np.uint32] = self._blocks[row // self._block][row % self._block]
        return values

    def columns(self, start: int, stop: int) -> NDArray[np.uint32]:
        """[len(self), stop - start]: every signature's values `start:stop`, rows in the order
        the signatures were added (one band of the LSH, without a view object per row)."""
        if not self._blocks:
            return np.zeros((0, stop - start), dtype=np.uint32)
        stacked = np.concatenate([block[:, start:stop] for block in self._blocks])
        return stacked[: len(self._counts)]

    def __getitem__(self, doc_id: str) -> BodySignature:
        return BodySignature(self.row_values(doc_id), self._counts[self._rows[doc_id]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)


@functools.cache
def _template(num_perm: int) -> Any:
    """An empty MinHash of `_SEED` whose permutations every signature reuses (drawing them
    costs more than hashing one body)."""
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=_SEED)


def near_duplicates(
    articles: Sequence[Article],
    options: CorpusOptions,
    signatures: Mapping[str, BodySignature] | None = None,
) -> list[DuplicateLink]:
    """Pairs of articles whose bodies are one text: estimated Jaccard >= `duplicate_jaccard`, or
    the longer body holding `duplicate_containment` of the shorter's shingles (when the shorter
    has at least `duplicate_min_shingles`).

    `signatures`: `body_signature`s computed beforehand (by id; the articles may then be
    `slim`); computed here otherwise."""
    if signatures is None:
        made: dict[str, BodySignature] = {}
        for article in articles:
            signature = body_signature(article, options)
            if signature is not None:
                made[article.id] = signature
        signatures = made
    # Positions, not order keys: a key tuple per document was the largest part of this step on a
    # large corpus, and only the pairs' keys are ever compared.
    position = {a.id: i for i, a in enumerate(articles)}

    def order(doc_id: str) -> tuple[int, str, int]:
        return _order_key(articles[position[doc_id]], position[doc_id])

    ids = [a.id for a in articles if a.id in signatures]
    hashvalues: Sequence[NDArray[Any]] | SignatureMatrix
    if isinstance(signatures, SignatureMatrix) and ids == list(signatures):
        hashvalues = signatures  # its rows are in the articles' order: bands by columns
    else:
        hashvalues = [signatures[i].hashvalues for i in ids]
    links: list[DuplicateLink] = []
    candidates = _band_pairs(hashvalues, options.duplicate_lsh_jaccard)
    # As Python ints a chunk at a time: templated text (boilerplate, a synthetic corpus) makes
    # many more candidates than duplicates, and a list of every pair cost 100 bytes each.
    for start in range(0, len(candidates), _PAIR_CHUNK):
        for x, y in candidates[start : start + _PAIR_CHUNK].tolist():
            pair = (ids[x], ids[y]) if order(ids[x]) < order(ids[y]) else (ids[y], ids[x])
            evidence = _duplicate_evidence(signatures[pair[0]], signatures[pair[1]], options)
            if evidence is not None:
                similarity, text = evidence
                links.append(DuplicateLink(pair[1], pair[0], "near_duplicate", similarity, text))
    return links


def _duplicate_evidence(
    a: BodySignature, b: BodySignature, options: CorpusOptions
) -> tuple[float, str] | None:
    """(Jaccard, evidence) when the two bodies are one text by either test, else None."""
    jaccard = a.jaccard(b)
    if jaccard >= options.duplicate_jaccard:
        return round(jaccard, 3), "body shingles"
    if min(a.shingles, b.shingles) < options.duplicate_min_shingles:
        return None
    contained = a.containment(b, jaccard)
    if contained >= options.duplicate_containment:
        return round(jaccard, 3), f"body shingles: {contained:.0%} of the shorter body in the other"
    return None


_PAIR_CHUNK = 16384
"""Candidate pairs turned into Python ints at a time."""

KNOWN_BANDS = {(0.25, 128): (42, 3)}
"""datasketch's choice for the default settings (`duplicate_lsh_jaccard`, `minhash_perms`; a test
checks it): asking `MinHashLSH` imports scipy.integrate, 46 MB of resident memory for one pair
of numbers."""


@functools.cache
def _bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's `MinHashLSH` picks for `threshold`."""
    if (threshold, num_perm) in KNOWN_BANDS:
        return KNOWN_BANDS[(threshold, num_perm)]
    try:
        from datasketch import MinHashLSH
    except ImportError:  # pragma: no cover - the corpus extra is part of `all`
        raise missing_extra("datasketch", "corpus") from None
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return int(lsh.b), int(lsh.r)


def _band_pairs(
    hashvalues: Sequence[NDArray[Any]] | SignatureMatrix, threshold: float
) -> NDArray[np.int64]:
    """[k, 2] position pairs (x < y, sorted, distinct) whose signatures agree on a whole band.

    The candidates of datasketch's `MinHashLSH` (same bands, same rows per band: two keys
    collide when a band's hash values are equal), found one band at a time by sorting: the
    index datasketch keeps (a bytes key and a set per document and band) held about 6 KiB per
    document, the clustering's largest structure on a large corpus."""
    n = len(hashvalues)
    if n < 2:
        return np.zeros((0, 2), dtype=np.int64)
    perms = hashvalues.perms if isinstance(hashvalues, SignatureMatrix) else len(hashvalues[0])
    bands, rows = _bands(threshold, perms)
    # Pair keys (x * n + y) merged into the distinct ones band by band: near-duplicates collide in
    # most of the bands, and the pairs of every band as small arrays, kept to the end, held a
    # kilobyte a document on a large corpus.
    known = np.zeros(0, dtype=np.int64)
    for band in range(bands):
        if isinstance(hashvalues, SignatureMatrix):
            block = hashvalues.columns(band * rows, (band + 1) * rows)
        else:
            block = np.stack([h[band * rows : (band + 1) * rows] for h in hashvalues])
        order = np.lexsort(block.T[::-1])
        ordered = block[order]
        same = np.all(ordered[1:] == ordered[:-1], axis=1)
        if not same.any():
            continue
        # Runs of equal bands: every pair inside a run collides.
        starts = np.flatnonzero(np.r_[True, ~same])
        sizes = np.diff(np.r_[starts, n])
        found: list[NDArray[np.int64]] = []
        for start, size in zip(starts[sizes > 1].tolist(), sizes[sizes > 1].tolist(), strict=True):
            members = np.sort(order[start : start + size]).astype(np.int64)
            first, second = np.triu_indices(size, k=1)
            found.append(members[first] * n + members[second])
        known = np.union1d(known, np.concatenate(found))
    return np.stack([known // n, known % n], axis=1)


def republications(articles: Sequence[Article]) -> list[DuplicateLink]:
    """Articles whose credit line names another outlet of the corpus (linked to its earliest)."""
    # Each source's earliest article only (a list of every article per source held the whole
    # corpus twice over on a large one).
    earliest: dict[str, tuple[tuple[int, str, int], Article]] = {}
    for position, article in enumerate(articles):
        key = _order_key(article, position)
        kept = earliest.get(article.source)
        if kept is None or key < kept[0]:
            earliest[article.source] = (key, article)
    links: list[DuplicateLink] = []
    for article in articles:
        if article.credit is None or article.credit == article.source:
            continue
        found = earliest.get(article.credit)
        if found is None:
            continue
        original = found[1]
        links.append(
            DuplicateLink(article.id, original.id, "republication", None, article.credit_text)
        )
    return links


def independent_sources(
    articles: Sequence[Article], links: Sequence[DuplicateLink]
) -> dict[str, str]:
    """Document id -> the independent source it counts as.

    Articles joined by duplicate links form one group, which counts as the source of its
    earliest member. An article that credits an outlet absent from the corpus counts as that
    outlet (two outlets running the same wire story are one source).
    """
    # Only linked articles are in a group of several; any other counts as itself (a union-find
    # and two maps over every id were the largest part of this step on a large corpus).
    groups = _joined(links)
    linked = {doc_id for members in groups.groups().values() for doc_id in members}
    position = {a.id: i for i, a in enumerate(articles) if a.id in linked}
    out: dict[str, str] = {}
    for article in articles:
        if article.id not in linked:
            out[article.id] = article.credit if article.credit is not None else article.source
    for members in groups.groups().values():
        present = [m for m in members if m in position]
        if not present:
            continue  # links between documents outside `articles`
        index = min(present, key=lambda m: _order_key(articles[position[m]], position[m]))
        first = articles[position[index]]
        for member in members:
            out[member] = first.credit if first.credit is not None else first.source
    return out


def text_groups(links: Sequence[DuplicateLink]) -> dict[str, str]:
    """Document id -> a key shared by the documents that duplicate links join into one text
    (only linked documents are listed; any other document is a text of its own)."""
    groups = _joined(links).groups().values()
    return {member: min(members) for members in groups for member in members}


def _joined(links: Sequence[DuplicateLink], keys: Sequence[str] = ()) -> UnionFind:
    """`keys` (and every linked document) in sets joined by the duplicate links."""
    groups = UnionFind(keys)
    for link in links:
        groups.union(link.doc_id, link.original_id)
    return groups


def merge_links(links: Sequence[DuplicateLink]) -> list[DuplicateLink]:
    """One link per (doc, original) pair: a credit line names the kind, MinHash the similarity."""
    merged: dict[tuple[str, str], DuplicateLink] = {}
    for link in links:
        key = (link.doc_id, link.original_id)
        old = merged.get(key)
        if old is None:
            merged[key] = link
            continue
        republished = link if link.kind == "republication" else old
        similarity = link.similarity if link.similarity is not None else old.similarity
        evidence = "; ".join(e for e in dict.fromkeys((old.evidence, link.evidence)) if e)
        merged[key] = DuplicateLink(
            link.doc_id, link.original_id, republished.kind, similarity, evidence
        )
    return list(merged.values())
