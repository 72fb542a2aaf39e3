"""The cross-source corpus analysis over a store: duplicates, stories, alignments, conflicts and
grades, computed when the stored analysis is stale and written to the v2 tables in one go (the
alignment rows staged story by story in TEMP tables, then copied in one short transaction).

A corpus of more than `corpus.segment_docs` documents finds its stories one date segment at a
time (`segments.py`), its slim articles kept on disk meanwhile (`spill.py`); a smaller one is
read into memory whole. Either way the alignment reads each story's documents back from the
store.

Stale means the fingerprint differs: a hash of every document's id, content hash and config
hash plus the [corpus] options. `analyze_corpus` is what `newsprism stories`, `newsprism
conflicts` and the demo call; `read_stories` / `read_conflicts` give their stable JSON.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from newsprism.config import Config, CorpusOptions
from newsprism.corpus.align import Alignment, Claim, align_story, claims_of, story_regions
from newsprism.corpus.articles import Article, header, make_article, slim
from newsprism.corpus.conflicts import Conflict, find_conflicts
from newsprism.corpus.dedup import (
    BodySignature,
    DuplicateLink,
    SignatureMatrix,
    body_signature,
    independent_sources,
    merge_links,
    near_duplicates,
    republications,
    text_groups,
)
from newsprism.corpus.grades import Grade, grade_claims
from newsprism.corpus.segments import (
    CorpusCounts,
    plan_segments,
    segmented_stories,
    spilled_relatedness,
)
from newsprism.corpus.spill import SpilledArticles
from newsprism.corpus.store import Store
from newsprism.corpus.stories import Story, cluster_stories, day_numbers, lexical_terms
from newsprism.corpus.tolls import LeadToll, Relatedness, lead_toll, relatedness, toll_conflicts
from newsprism.corpus.vectors import document_vectors
from newsprism.errors import Code, NewsprismError
from newsprism.wording import counted

Progress = Callable[[str], object]
_TABLES = (
    "duplicates",
    "stories",
    "story_members",
    "alignments",
    "alignment_members",
    "conflicts",
    "grades",
)


@dataclass(slots=True)
class CorpusSummary:
    """What one corpus analysis found (or found last time, when nothing changed)."""

    db: str
    documents: int
    stories: int
    multi_article_stories: int
    duplicates: int
    alignments: int
    conflicts: dict[str, int] = field(default_factory=dict)
    grades: dict[str, int] = field(default_factory=dict)
    fingerprint: str = ""
    recomputed: bool = True
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)

    def line(self) -> str:
        """One line for logs and the demo summary."""
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.conflicts.items())) or "none"
        copies = counted(
            self.duplicates, "republication or near-duplicate", "republications or near-duplicates"
        )
        return (
            f"{counted(self.stories, 'story', 'stories')} ({self.multi_article_stories} with "
            f"several articles), {copies}, {counted(self.alignments, 'aligned claim')}; "
            f"conflicts: {kinds}"
        )


def fingerprint(store: Store, config: Config) -> str:
    """Hash of the stored documents (id, content, config) and the [corpus] options."""
    digest = hashlib.sha256()
    digest.update(json.dumps(asdict(config.corpus), sort_keys=True).encode("utf-8"))
    for row in store.connection.execute(
        "SELECT id, content_hash, config_hash FROM documents ORDER BY id"
    ):
        digest.update("\x1f".join(row).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()[:24]


def _state(store: Store, key: str) -> str | None:
    row = store.connection.execute(
        "SELECT value FROM corpus_state WHERE key = ?", (key,)
    ).fetchone()
    return None if row is None else str(row[0])


def open_store(db_path: str | Path) -> Store:
    """The writable store at `db_path` (E402 when the file does not exist)."""
    path = Path(db_path)
    if not path.is_file():
        raise NewsprismError(Code.STORE_NOT_FOUND, str(path))
    return Store(path)


def analyze_corpus(
    db_path: str | Path,
    config: Config,
    progress: Progress | None = None,
    force: bool = False,
) -> CorpusSummary:
    """Run the corpus analysis when stale (or `force`), store it, and summarise it."""
    began = time.perf_counter()
    with open_store(db_path) as store:
        mark = fingerprint(store, config)
        stored = _state(store, "summary_json")
        if not force and stored is not None and _state(store, "fingerprint") == mark:
            summary = CorpusSummary(**json.loads(stored))
            summary.recomputed = False
            return summary
        summary = _compute(store, config, mark, progress)
        summary.seconds = round(time.perf_counter() - began, 2)
        with store.transaction():
            store.connection.executemany(
                "INSERT OR REPLACE INTO corpus_state (key, value) VALUES (?, ?)",
                [
                    ("fingerprint", mark),
                    ("analyzed_at", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
                    ("summary_json", json.dumps(summary.to_dict())),
                ],
            )
        return summary


def _compute(store: Store, config: Config, mark: str, progress: Progress | None) -> CorpusSummary:
    options = config.corpus
    (count,) = store.connection.execute("SELECT count(*) FROM documents").fetchone()
    if count > options.segment_docs:
        spilled = SpilledArticles(store)
        try:
            found = _segmented(store, config, spilled, progress)
            return _analyse(store, config, mark, progress, *found)
        finally:
            spilled.close()
    return _analyse(store, config, mark, progress, *_whole(store, config, progress))


_Found = tuple[int, list[DuplicateLink], dict[str, str], list[Story], Relatedness]
"""What the story phase hands on: documents, duplicate links, independent sources, stories and
the pair score the lead tolls across stories are compared by."""


def _whole(store: Store, config: Config, progress: Progress | None) -> _Found:
    """The story phase over the whole corpus in memory (at most `segment_docs` documents)."""
    options = config.corpus
    if progress:
        progress("reading documents")
    # One streaming pass keeps compact features per document (no text, no layers): memory
    # grows with the corpus by a lead, names, a date and a MinHash signature per document.
    articles: list[Article] = []
    signatures: dict[str, BodySignature] = {}
    for doc in store.iter_documents():
        article = make_article(doc, options.lead_sentences, options.toll_lead_chars)
        signature = body_signature(article, options)
        if signature is not None:
            signatures[article.id] = signature
        articles.append(slim(article))
    links, sources = _duplicates(articles, signatures, options, progress)
    del signatures
    vectors = document_vectors(store, articles, config, progress)
    # The leads' tf-idf vectors serve the clustering and the toll comparison; once they are
    # made, the leads themselves (the largest part of a slim article) are no longer needed.
    terms = lexical_terms(articles, options)
    for k, article in enumerate(articles):
        articles[k] = replace(article, lead="")
    if progress:
        progress("clustering stories")
    stories = cluster_stories(articles, vectors, links, sources, options, terms)
    return len(articles), links, sources, stories, relatedness(articles, vectors, options, terms)


def _segmented(
    store: Store, config: Config, spilled: SpilledArticles, progress: Progress | None
) -> _Found:
    """The story phase one date segment at a time (`segments.py`): what stays in memory for
    every document is its `header`; its slim article waits in `spilled`."""
    options = config.corpus
    if progress:
        progress("reading documents (large corpus: stories found by date segment)")
    headers: list[Article] = []
    signatures = SignatureMatrix(options.minhash_perms)
    counts = CorpusCounts()
    batch: list[tuple[int, Article]] = []
    for position, doc in enumerate(store.iter_documents()):
        article = make_article(doc, options.lead_sentences, options.toll_lead_chars)
        signature = body_signature(article, options)
        if signature is not None:
            signatures.add(article.id, signature)
        counts.add(article)
        headers.append(header(article))
        batch.append((position, slim(article)))
        if len(batch) >= 256:
            spilled.add(batch)
            batch = []
    spilled.add(batch)
    links, sources = _duplicates(headers, signatures, options, progress)
    del signatures
    segments = plan_segments(
        day_numbers(headers),
        options.segment_docs,
        options.story_window_days + options.story_max_days,
    )
    positions = {a.id: k for k, a in enumerate(headers)}
    stories = segmented_stories(
        store, spilled, headers, links, sources, config, segments, counts, positions, progress
    )
    related = spilled_relatedness(store, spilled, positions, counts, config)
    return len(headers), links, sources, stories, related


def _duplicates(
    articles: list[Article],
    signatures: Mapping[str, BodySignature],
    options: CorpusOptions,
    progress: Progress | None,
) -> tuple[list[DuplicateLink], dict[str, str]]:
    """The duplicate links and each document's independent source."""
    if progress:
        progress(f"finding republications among {len(articles)} documents")
    links = merge_links(near_duplicates(articles, options, signatures) + republications(articles))
    return links, independent_sources(articles, links)


def _analyse(
    store: Store,
    config: Config,
    mark: str,
    progress: Progress | None,
    documents: int,
    links: list[DuplicateLink],
    sources: dict[str, str],
    stories: list[Story],
    related: Relatedness,
) -> CorpusSummary:
    """Alignments, conflicts and grades story by story, the lead tolls across stories, and the
    rows written in one transaction."""
    options = config.corpus
    originals = {link.doc_id: link.original_id for link in links}
    groups = text_groups(links)
    counts = _Counts()
    known: set[tuple[str, str]] = set()
    tolls: list[LeadToll] = []
    if progress:
        progress("aligning claims")
    # Rows are staged story by story in connection-private TEMP tables (a file SQLite spills to,
    # not memory: a real corpus has a dozen grades an article), then copied in one short
    # transaction: readers keep the previous analysis until it commits, and a batch writing to
    # the same store is never locked out for the whole alignment phase.
    _stage(store)
    try:
        for story in stories:
            # The members' documents come back from the store one story at a time.
            members = [
                make_article(store.get(m), options.lead_sentences, options.toll_lead_chars)
                for m in story.members
            ]
            claims = _story_claims(members, sources, groups)
            alignments = align_story(story.id, claims, options.align_min_score)
            conflicts = find_conflicts(alignments, options, claims)
            grades = grade_claims(story.id, claims, alignments, conflicts)
            _stage_rows(store, alignments, conflicts, grades)
            counts.add(alignments, conflicts, grades)
            known.update(
                (min(c.a.doc_id, c.b.doc_id), max(c.a.doc_id, c.b.doc_id))
                for c in conflicts
                if c.kind == "number"
            )
            for article in members:
                toll = lead_toll(article, claims, story.id)
                if toll is not None:
                    tolls.append(toll)
        # Reports of one incident that the clustering put in different stories: their lead
        # tolls are compared across stories (tolls.py). Grades stay per story.
        across = toll_conflicts(tolls, related, options, known)
        _stage_rows(store, [], across, [])
        counts.add([], across, [])
        with store.transaction():
            _clear(store)
            _write_stories(store, links, stories, sources, originals)
            for table in _STAGED:
                store.connection.execute(
                    f"INSERT INTO main.{table} SELECT * FROM {_staged(table)} ORDER BY rowid"
                )
    finally:
        _unstage(store)
    return CorpusSummary(
        db=str(store.path),
        documents=documents,
        stories=len(stories),
        multi_article_stories=sum(1 for s in stories if len(s.members) > 1),
        duplicates=len(links),
        alignments=counts.alignments,
        conflicts=dict(counts.conflicts),
        grades=dict(counts.grades),
        fingerprint=mark,
    )


@dataclass(slots=True)
class _Counts:
    """What the summary reports of the rows written story by story."""

    alignments: int = 0
    conflicts: Counter[str] = field(default_factory=Counter)
    grades: Counter[str] = field(default_factory=Counter)

    def add(
        self, alignments: list[Alignment], conflicts: list[Conflict], grades: list[Grade]
    ) -> None:
        """Count one story's rows."""
        self.alignments += len(alignments)
        self.conflicts.update(c.kind for c in conflicts)
        self.grades.update(g.grade for g in grades)


def _story_claims(
    members: list[Article], sources: dict[str, str], groups: dict[str, str]
) -> list[Claim]:
    vocabulary = frozenset(p for a in members for p in a.places)
    regions = story_regions(members)
    claims: list[Claim] = []
    for article in members:
        group = groups.get(article.id, article.id)
        claims.extend(claims_of(article, sources[article.id], vocabulary, regions, group))
    return claims


_STAGED = ("alignments", "alignment_members", "conflicts", "grades")
"""The tables the analysis fills story by story (staged first)."""


def _staged(table: str) -> str:
    """The TEMP table that stages `table`'s rows while the analysis runs."""
    return f"temp.staged_{table}"


def _stage(store: Store) -> None:
    """Empty TEMP copies of the `_STAGED` tables (columns only; `conflicts.id` is left NULL
    there and numbered when the rows are copied, in staging order)."""
    _unstage(store)
    for table in _STAGED:
        store.connection.execute(
            f"CREATE TABLE {_staged(table)} AS SELECT * FROM main.{table} WHERE 0"
        )


def _unstage(store: Store) -> None:
    """Drop the staging tables (their file goes with them)."""
    for table in _STAGED:
        store.connection.execute(f"DROP TABLE IF EXISTS {_staged(table)}")


def _clear(store: Store) -> None:
    """Empty the analysis tables (inside the caller's transaction)."""
    for table in _TABLES:
        store.connection.execute(f"DELETE FROM {table}")


def _write_stories(
    store: Store,
    links: list[DuplicateLink],
    stories: list[Story],
    sources: dict[str, str],
    originals: dict[str, str],
) -> None:
    """The duplicate links, the stories and their members (rows generated as they are written)."""
    conn = store.connection
    conn.executemany(
        "INSERT INTO duplicates (doc_id, original_id, kind, similarity, evidence) "
        "VALUES (?, ?, ?, ?, ?)",
        ((k.doc_id, k.original_id, k.kind, k.similarity, k.evidence) for k in links),
    )
    conn.executemany(
        "INSERT INTO stories (id, title, first, last, size, sources) VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                s.id,
                s.title,
                s.first.isoformat() if s.first else None,
                s.last.isoformat() if s.last else None,
                len(s.members),
                s.sources,
            )
            for s in stories
        ),
    )
    conn.executemany(
        "INSERT INTO story_members (doc_id, story_id, source, original_id, score) "
        "VALUES (?, ?, ?, ?, ?)",
        (
            (m, s.id, sources[m], originals.get(m), round(s.scores.get(m, 1.0), 4))
            for s in stories
            for m in s.members
        ),
    )


def _stage_rows(
    store: Store, alignments: list[Alignment], conflicts: list[Conflict], grades: list[Grade]
) -> None:
    """Alignments (with their members), conflicts and grades into the staging tables: one
    story's, or the toll conflicts found across stories."""
    conn = store.connection
    conn.executemany(
        f"INSERT INTO {_staged('alignments')} (id, story_id, label, summary) VALUES (?, ?, ?, ?)",
        [(a.id, a.story_id, a.label, a.summary) for a in alignments],
    )
    conn.executemany(
        f"INSERT INTO {_staged('alignment_members')} (alignment_id, doc_id, span_id, layer, start, "
        '"end", polarity, speaker, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [
            (
                a.id,
                c.doc_id,
                c.span_id,
                c.layer,
                c.start,
                c.end,
                c.polarity,
                c.speaker,
                c.source,
            )
            for a in alignments
            for c in a.members
        ],
    )
    conn.executemany(
        f"INSERT INTO {_staged('conflicts')} (story_id, alignment_id, kind, a_doc, a_span, "
        "a_start, a_end, b_doc, b_span, b_start, b_end, note) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.story_id,
                c.alignment_id,
                c.kind,
                c.a.doc_id,
                c.a.span_id,
                c.a.start,
                c.a.end,
                c.b.doc_id,
                c.b.span_id,
                c.b.start,
                c.b.end,
                c.note,
            )
            for c in conflicts
        ],
    )
    conn.executemany(
        f"INSERT INTO {_staged('grades')} (doc_id, span_id, layer, story_id, alignment_id, grade, "
        "sources, evidence_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                g.doc_id,
                g.span_id,
                g.layer,
                g.story_id,
                g.alignment_id,
                g.grade,
                g.sources,
                json.dumps(g.evidence),
            )
            for g in grades
        ],
    )


def read_stories(store: Store) -> list[dict[str, Any]]:
    """`[{"id","title","articles","first","last"}]`, earliest story first."""
    members: dict[str, list[str]] = {}
    for doc_id, story in store.connection.execute(
        "SELECT m.doc_id, m.story_id FROM story_members m JOIN documents d ON d.id = m.doc_id "
        "ORDER BY coalesce(d.published, '9999'), d.seq"
    ):
        members.setdefault(story, []).append(doc_id)
    rows = store.connection.execute(
        "SELECT id, title, first, last FROM stories ORDER BY coalesce(first, '9999'), id"
    )
    return [
        {"id": r[0], "title": r[1], "articles": members.get(r[0], []), "first": r[2], "last": r[3]}
        for r in rows
    ]


def read_conflicts(store: Store) -> list[dict[str, Any]]:
    """`[{"kind","story","a":{"doc","start","end","text"},"b":{...},"note"}]` in stored order."""
    rows = store.connection.execute(
        "SELECT c.kind, c.story_id, c.a_doc, c.a_span, c.a_start, c.a_end, "
        "substr(da.text, c.a_start + 1, c.a_end - c.a_start), "
        "c.b_doc, c.b_span, c.b_start, c.b_end, "
        "substr(db.text, c.b_start + 1, c.b_end - c.b_start), c.note, c.alignment_id "
        "FROM conflicts c JOIN documents da ON da.id = c.a_doc "
        "JOIN documents db ON db.id = c.b_doc ORDER BY c.id"
    )
    return [
        {
            "kind": r[0],
            "story": r[1],
            "a": {"doc": r[2], "span": r[3], "start": r[4], "end": r[5], "text": r[6]},
            "b": {"doc": r[7], "span": r[8], "start": r[9], "end": r[10], "text": r[11]},
            "note": r[12],
            "alignment": r[13],
        }
        for r in rows
    ]
