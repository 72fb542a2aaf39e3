"""Read-only queries over a newsprism database; each returns the JSON-ready data of one page.

The pages' JSON twins are exactly these dicts, so an HTML page and its `.json` twin never
disagree. Only SELECTs run here, on a Store opened read-only (`PRAGMA query_only` as well).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from newsprism.analyzers.sections import NOT_ARTICLE
from newsprism.corpus.store import Store
from newsprism.document import Document

TOP_OUTLETS = 20
"""Bars in the outlets chart; the rest are summed as 'other outlets'."""
MAX_DAY_BARS = 40
"""Beyond this many distinct days the dates chart counts months instead."""
TRUST_BINS = 10
"""Bins of the trust histogram over [0, 1]."""
PER_PAGE = 50
"""Documents per page of the document list."""

_NO_OUTLET = "(no outlet)"
_ISO_DAY = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"


def _rows(store: Store, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """Rows of `sql` as dicts keyed by column name."""
    cursor = store.connection.execute(sql, tuple(params))
    names = [column[0] for column in cursor.description or ()]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def has_table(store: Store, name: str) -> bool:
    """True when the database holds table `name` (older schemas lack the corpus tables)."""
    row = store.connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
    ).fetchone()
    return row is not None


def _loads(value: Any, default: Any) -> Any:
    """JSON from a column, or `default` when it is NULL or malformed."""
    if not isinstance(value, str):
        return default
    try:
        return json.loads(value)
    except ValueError:
        return default


# -- overview ----------------------------------------------------------------------------------


def version_token(store: Store) -> tuple[Any, ...]:
    """Changes whenever a batch or the corpus analysis writes: cheap keys (rowid maxima, counts
    over indexes) for caching whole-corpus aggregates that need full scans."""
    conn = store.connection
    docs = conn.execute("SELECT max(seq), count(*) FROM documents").fetchone()
    errors = conn.execute("SELECT max(rowid) FROM errors").fetchone()[0]
    analyzed = None
    if has_table(store, "corpus_state"):
        row = conn.execute("SELECT value FROM corpus_state WHERE key = 'analyzed_at'").fetchone()
        analyzed = row[0] if row else None
    return (*docs, errors, analyzed)


def _outlet_counts(store: Store) -> list[tuple[str, int]]:
    rows = _rows(
        store,
        "SELECT coalesce(nullif(outlet, ''), ?) AS outlet, count(*) AS n FROM documents "
        "GROUP BY 1 ORDER BY n DESC, outlet",
        (_NO_OUTLET,),
    )
    counts = [(str(r["outlet"]), int(r["n"])) for r in rows]
    if len(counts) > TOP_OUTLETS:
        rest = sum(n for _, n in counts[TOP_OUTLETS - 1 :])
        counts = [
            *counts[: TOP_OUTLETS - 1],
            (f"{len(counts) - TOP_OUTLETS + 1} other outlets", rest),
        ]
    return counts


def _date_counts(store: Store) -> tuple[str, list[tuple[str, int]], int]:
    """('day' or 'month', counts in date order, undated documents)."""
    days = _rows(
        store,
        "SELECT substr(published, 1, 10) AS day, count(*) AS n FROM documents "
        "WHERE published GLOB ? GROUP BY 1 ORDER BY 1",
        (_ISO_DAY,),
    )
    dated = sum(int(r["n"]) for r in days)
    undated = store.count() - dated
    if len(days) <= MAX_DAY_BARS:
        return "day", [(str(r["day"]), int(r["n"])) for r in days], undated
    months: Counter[str] = Counter()
    for r in days:
        months[str(r["day"])[:7]] += int(r["n"])
    return "month", sorted(months.items()), undated


def _label_counts(store: Store, layer: str, story_only: bool = False) -> list[tuple[str, int]]:
    """Spans of `layer` per label; with `story_only` those in reader comments and boilerplate
    are left out (the article's own spans, as its `propaganda_density` counts them)."""
    where = f" AND {_IN_STORY}" if story_only else ""
    rows = _rows(
        store,
        f"SELECT label, count(*) AS n FROM spans p WHERE layer = ?{where} GROUP BY label "
        "ORDER BY n DESC, label",
        (layer,),
    )
    return [(str(r["label"]), int(r["n"])) for r in rows]


_IN_STORY = (
    "NOT EXISTS (SELECT 1 FROM spans s WHERE s.doc_id = p.doc_id AND s.layer = 'sections' "
    f"AND s.label IN ({', '.join(repr(label) for label in sorted(NOT_ARTICLE))}) "
    'AND s.start <= (p.start + p."end") / 2 AND (p.start + p."end") / 2 < s."end")'
)
"""SQL condition on a span `p`: its middle lies in no comment or boilerplate section."""


def _trust_histogram(store: Store) -> tuple[list[tuple[str, int]], int]:
    """Documents per trust bin, and how many documents carry a trust score at all."""
    bins = [0] * TRUST_BINS
    scored = 0
    # Binned inside SQLite (JSON1): the scores of a large corpus never travel into Python.
    rows = store.connection.execute(
        "SELECT min(CAST(v * ? AS INTEGER), ? - 1) AS bin, count(*) FROM ("
        "SELECT json_extract(scores_json, '$.trust.value') AS v, "
        "json_type(scores_json, '$.trust.value') AS t FROM documents "
        "WHERE json_valid(scores_json)) "
        "WHERE t IN ('integer', 'real') AND v BETWEEN 0 AND 1 GROUP BY bin",
        (TRUST_BINS, TRUST_BINS),
    )
    for index, count in rows:
        bins[int(index)] = int(count)
        scored += int(count)
    width = 1 / TRUST_BINS
    labels = [f"{i * width:.1f}–{(i + 1) * width:.1f}" for i in range(TRUST_BINS)]
    return list(zip(labels, bins, strict=True)), scored


def overview(store: Store) -> dict[str, Any]:
    """Corpus totals and the distributions the overview page charts."""
    granularity, dates, undated = _date_counts(store)
    trust, scored = _trust_histogram(store)
    stories = (
        store.connection.execute("SELECT count(*) FROM stories").fetchone()[0]
        if has_table(store, "stories")
        else 0
    )
    return {
        "documents": store.count(),
        "stories": int(stories),
        "outlets": [{"outlet": o, "documents": n} for o, n in _outlet_counts(store)],
        "dates": {
            "granularity": granularity,
            "counts": [{"date": d, "documents": n} for d, n in dates],
            "undated": undated,
        },
        "techniques": [
            {"technique": t, "spans": n}
            for t, n in _label_counts(store, "propaganda", story_only=True)
        ],
        "event_types": [{"type": t, "events": n} for t, n in _label_counts(store, "events")],
        "trust": {"scored": scored, "bins": [{"range": r, "documents": n} for r, n in trust]},
        "errors": int(store.connection.execute("SELECT count(*) FROM errors").fetchone()[0]),
    }


# -- documents ---------------------------------------------------------------------------------


def document_list(store: Store, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
    """One page of documents in stored order, with their layer counts."""
    total = store.count()
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = _rows(
        store,
        "SELECT id, title, outlet, published FROM documents ORDER BY seq LIMIT ? OFFSET ?",
        (per_page, (page - 1) * per_page),
    )
    ids = [r["id"] for r in rows]
    counts: dict[str, dict[str, int]] = {doc_id: {} for doc_id in ids}
    if ids:
        marks = ",".join("?" * len(ids))
        for r in _rows(
            store,
            f"SELECT doc_id, layer, count(*) AS n FROM spans p WHERE doc_id IN ({marks}) "
            "AND layer IN ('attributions', 'propaganda', 'events') "
            f"AND (layer != 'propaganda' OR {_IN_STORY}) GROUP BY doc_id, layer",
            ids,
        ):
            counts[r["doc_id"]][r["layer"]] = int(r["n"])
    return {
        "page": page,
        "pages": pages,
        "total": total,
        "documents": [
            {
                "id": r["id"],
                "title": r["title"],
                "outlet": r["outlet"],
                "published": r["published"],
                "claims": counts[r["id"]].get("attributions", 0),
                "techniques": counts[r["id"]].get("propaganda", 0),
                "events": counts[r["id"]].get("events", 0),
            }
            for r in rows
        ],
    }


def document_context(store: Store, doc: Document) -> dict[str, Any]:
    """What the corpus analysis says about `doc`: its story, duplicates and span grades."""
    context: dict[str, Any] = {"story": None, "duplicates": [], "grades": {}}
    if not has_table(store, "story_members"):
        return context
    member = _rows(
        store,
        "SELECT m.story_id, m.source, m.original_id, s.title, s.size FROM story_members m "
        "LEFT JOIN stories s ON s.id = m.story_id WHERE m.doc_id = ?",
        (doc.id,),
    )
    if member:
        m = member[0]
        context["story"] = {
            "id": m["story_id"],
            "title": m["title"],
            "size": m["size"],
            "source": m["source"],
            "original_id": m["original_id"],
        }
    context["duplicates"] = _rows(
        store,
        "SELECT doc_id, original_id, kind, similarity, evidence FROM duplicates "
        "WHERE doc_id = ? OR original_id = ? ORDER BY doc_id, original_id",
        (doc.id, doc.id),
    )
    context["grades"] = {
        r["span_id"]: {"grade": r["grade"], "sources": r["sources"]}
        for r in _rows(
            store, "SELECT span_id, grade, sources FROM grades WHERE doc_id = ?", (doc.id,)
        )
    }
    return context


def document_page(store: Store, doc: Document) -> dict[str, Any]:
    """The article page's data: the document in its contract JSON form plus its corpus context."""
    return {"document": doc.to_dict(), **document_context(store, doc)}


# -- stories -----------------------------------------------------------------------------------


def corpus_state(store: Store) -> dict[str, Any]:
    """When the corpus analysis last ran (None when it never did), from `corpus_state`."""
    if not has_table(store, "corpus_state"):
        return {"analyzed_at": None, "available": False}
    state = {r["key"]: r["value"] for r in _rows(store, "SELECT key, value FROM corpus_state")}
    return {"analyzed_at": state.get("analyzed_at"), "available": True}


def story_list(store: Store, page: int = 1, per_page: int = PER_PAGE) -> dict[str, Any]:
    """One page of stories, largest first, with their member documents."""
    state = corpus_state(store)
    if not state["available"]:
        return {"state": state, "page": 1, "pages": 1, "total": 0, "stories": []}
    total = int(store.connection.execute("SELECT count(*) FROM stories").fetchone()[0])
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    stories = _rows(
        store,
        "SELECT s.id, s.title, s.first, s.last, s.size, s.sources, "
        "(SELECT count(*) FROM conflicts c WHERE c.story_id = s.id) AS conflicts "
        "FROM stories s ORDER BY s.size DESC, s.first, s.id LIMIT ? OFFSET ?",
        (per_page, (page - 1) * per_page),
    )
    members: dict[str, list[str]] = {s["id"]: [] for s in stories}
    if stories:
        marks = ",".join("?" * len(stories))
        for r in _rows(
            store,
            "SELECT m.story_id, m.doc_id FROM story_members m JOIN documents d ON d.id = m.doc_id "
            f"WHERE m.story_id IN ({marks}) ORDER BY d.published IS NULL, d.published, d.seq",
            list(members),
        ):
            members[r["story_id"]].append(r["doc_id"])
    for story in stories:
        story["articles"] = members[story["id"]]
    return {"state": state, "page": page, "pages": pages, "total": total, "stories": stories}


def _span_texts(
    store: Store, refs: Iterable[tuple[str, int, int]]
) -> dict[tuple[str, int, int], str]:
    """Text of (doc_id, start, end) ranges (SQLite substr counts code points, as Python does)."""
    out: dict[tuple[str, int, int], str] = {}
    for doc_id, start, end in set(refs):
        row = store.connection.execute(
            "SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
            (start + 1, max(0, end - start), doc_id),
        ).fetchone()
        out[(doc_id, start, end)] = row[0] if row and isinstance(row[0], str) else ""
    return out


def story_exists(store: Store, story_id: str) -> bool:
    """True when the database holds story `story_id`."""
    if not has_table(store, "stories"):
        return False
    row = store.connection.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone()
    return row is not None


def story_detail(store: Store, story_id: str) -> dict[str, Any] | None:
    """A story: its articles side by side, aligned claims, conflicts and dated items.

    None when the story does not exist.
    """
    if not has_table(store, "stories"):
        return None
    found = _rows(
        store, "SELECT id, title, first, last, size, sources FROM stories WHERE id = ?", (story_id,)
    )
    if not found:
        return None
    story = found[0]
    articles = _rows(
        store,
        "SELECT d.id, d.title, d.outlet, d.published, d.url, m.source, m.original_id "
        "FROM story_members m JOIN documents d ON d.id = m.doc_id WHERE m.story_id = ? "
        "ORDER BY d.published IS NULL, d.published, d.seq",
        (story_id,),
    )
    alignment_rows = _rows(
        store,
        'SELECT a.id, a.label, a.summary, m.doc_id, m.span_id, m.layer, m.start, m."end" AS '
        "end_, m.polarity, m.speaker, m.source FROM alignments a "
        "JOIN alignment_members m ON m.alignment_id = a.id WHERE a.story_id = ? "
        "ORDER BY a.id, m.doc_id, m.start",
        (story_id,),
    )
    conflict_rows = _rows(
        store,
        "SELECT id, alignment_id, kind, a_doc, a_span, a_start, a_end, b_doc, b_span, b_start, "
        "b_end, note FROM conflicts WHERE story_id = ? ORDER BY kind, id",
        (story_id,),
    )
    texts = _span_texts(
        store,
        [(r["doc_id"], r["start"], r["end_"]) for r in alignment_rows]
        + [(r["a_doc"], r["a_start"], r["a_end"]) for r in conflict_rows]
        + [(r["b_doc"], r["b_start"], r["b_end"]) for r in conflict_rows],
    )
    conflicted: dict[str, list[str]] = {}
    for r in conflict_rows:
        conflicted.setdefault(r["alignment_id"], []).append(r["kind"])
    alignments: dict[str, dict[str, Any]] = {}
    for r in alignment_rows:
        entry = alignments.setdefault(
            r["id"],
            {
                "id": r["id"],
                "label": r["label"],
                "summary": r["summary"],
                "conflicts": sorted(set(conflicted.get(r["id"], []))),
                "members": [],
            },
        )
        entry["members"].append(
            {
                "doc": r["doc_id"],
                "span": r["span_id"],
                "layer": r["layer"],
                "start": r["start"],
                "end": r["end_"],
                "text": texts[(r["doc_id"], r["start"], r["end_"])],
                "polarity": r["polarity"],
                "speaker": r["speaker"],
                "source": r["source"],
            }
        )
    conflicts = [
        {
            "id": r["id"],
            "kind": r["kind"],
            "alignment": r["alignment_id"],
            "note": r["note"],
            "a": {
                "doc": r["a_doc"],
                "span": r["a_span"],
                "start": r["a_start"],
                "end": r["a_end"],
                "text": texts[(r["a_doc"], r["a_start"], r["a_end"])],
            },
            "b": {
                "doc": r["b_doc"],
                "span": r["b_span"],
                "start": r["b_start"],
                "end": r["b_end"],
                "text": texts[(r["b_doc"], r["b_start"], r["b_end"])],
            },
        }
        for r in conflict_rows
    ]
    return {
        "story": story,
        "articles": articles,
        "alignments": list(alignments.values()),
        "conflicts": conflicts,
        "events": _story_events(store, [a["id"] for a in articles]),
    }


def _story_events(store: Store, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Dated events of the story's documents (for the timeline), in date order."""
    if not doc_ids:
        return []
    marks = ",".join("?" * len(doc_ids))
    out = []
    for r in _rows(
        store,
        f'SELECT doc_id, span_id, label, start, "end" AS end_, attrs_json FROM spans '
        f"WHERE layer = 'events' AND doc_id IN ({marks}) ORDER BY doc_id, ord",
        doc_ids,
    ):
        attrs = _loads(r["attrs_json"], {})
        when = attrs.get("date") if isinstance(attrs, dict) else None
        if isinstance(when, str) and when:
            out.append({"doc": r["doc_id"], "span": r["span_id"], "type": r["label"], "date": when})
    return sorted(out, key=lambda e: (e["date"], e["doc"], e["span"]))
