"""Each page's context: `data` (exactly the JSON twin) plus the render objects built from it.

Templates read `data` for everything they print, and charts or segments only for shapes, so a
page and its JSON twin show the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from newsprism.analyzers.comments import reader_comments
from newsprism.analyzers.events import disputed_by_the_text
from newsprism.corpus.store import Store
from newsprism.document import Document
from newsprism.trust.display import reading, trust_rows
from newsprism.web import charts, queries, render
from newsprism.wording import date_provenance, place_provenance

MAX_SEARCH_LIMIT = 200
"""Cap on `?limit=` so one request cannot ask for the whole corpus."""


def overview(store: Store) -> dict[str, Any]:
    """The overview page: totals and charts."""
    data = queries.overview(store)
    date_unit = data["dates"]["granularity"]
    chart_list = [
        charts.bar_chart(
            "Articles per outlet", [(r["outlet"], r["documents"]) for r in data["outlets"]]
        ),
        charts.bar_chart(
            f"Articles per {date_unit}",
            [(r["date"], r["documents"]) for r in data["dates"]["counts"]],
        ),
        charts.bar_chart(
            "Persuasion techniques (spans)",
            [(r["technique"], r["spans"]) for r in data["techniques"]],
        ),
        charts.bar_chart(
            "Trust scores (documents)",
            [(r["range"], r["documents"]) for r in data["trust"]["bins"]]
            if data["trust"]["scored"]
            else [],
        ),
        charts.bar_chart("Event types", [(r["type"], r["events"]) for r in data["event_types"]]),
    ]
    return {"data": data, "charts": chart_list, "title": "Overview", "json_href": "/index.json"}


def documents(store: Store, page: int) -> dict[str, Any]:
    """The document list page."""
    data = queries.document_list(store, page)
    return {
        "data": data,
        "title": "Documents",
        "json_href": f"/docs.json?page={data['page']}",
    }


def _located(doc: Document) -> list[tuple[float, float, str, str]]:
    """(lat, lon, label, span id) of located events, then of located entities."""
    out: list[tuple[float, float, str, str]] = []
    for span in doc.layer("events"):
        place = span.attrs.get("place")
        if isinstance(place, Mapping):
            lat, lon = place.get("lat"), place.get("lon")
            if _is_number(lat) and _is_number(lon):
                label = f"{span.label} — {render.place_name(span.attrs) or ''}".rstrip(" —")
                out.append((float(lat), float(lon), label, span.id))
    if not out:
        for span in doc.layer("entities"):
            lat, lon = span.attrs.get("lat"), span.attrs.get("lon")
            if _is_number(lat) and _is_number(lon):
                out.append((float(lat), float(lon), doc.span_text(span), span.id))
    return out


def _is_number(value: Any) -> TypeGuard[float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _claims(doc: Document, grades: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The attributions as table rows (speaker, kind, polarity, content, grade)."""
    rows = []
    for span in doc.layer("attributions"):
        attrs = span.attrs
        content = attrs.get("content")
        text = doc.span_text(span)
        if isinstance(content, list | tuple) and len(content) == 2:
            start, end = content
            if (
                isinstance(start, int)
                and isinstance(end, int)
                and 0 <= start <= end <= len(doc.text)
            ):
                text = doc.text[start:end]
        rows.append(
            {
                "id": span.id,
                "speaker": render.speaker_of(span),
                "speaker_type": attrs.get("speaker_type"),
                "polarity": attrs.get("polarity"),
                "direct": attrs.get("direct"),
                "via": attrs.get("via"),
                "text": text,
                "grade": grades.get(span.id, {}).get("grade"),
            }
        )
    return rows


def _events(doc: Document, grades: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The events as table rows."""
    speakers = {span.id: render.speaker_of(span) for span in doc.layer("attributions")}
    rows = []
    for span in doc.layer("events"):
        attrs = span.attrs
        counts = attrs.get("counts")
        rows.append(
            {
                "id": span.id,
                "type": span.label,
                "text": doc.span_text(span),
                "actor": attrs.get("actor"),
                "target": attrs.get("target"),
                "place": render.place_name(attrs),
                "place_note": place_provenance(attrs),
                "date": attrs.get("date"),
                "date_note": date_provenance(attrs),
                "counts": _counts_text(counts),
                "claimed_by": attrs.get("claimed_by"),
                "claimed_by_speaker": speakers.get(str(attrs.get("claimed_by"))),
                "polarity": attrs.get("polarity"),
                "disputed": disputed_by_the_text(doc, span),
                "grade": grades.get(span.id, {}).get("grade"),
            }
        )
    return rows


def _flags(doc: Document) -> list[dict[str, Any]]:
    """The flagged reader comments as table rows (comments never feed the article's scores)."""
    return [
        {
            "id": span.id,
            "label": span.label,
            "score": span.score,
            "targets": render.flag_targets(span),
            "text": doc.span_text(span),
        }
        for span in doc.layer("comment_flags")
    ]


def _count_text(value: Any) -> str:
    """A count as text: 12, or a range {min, max} as 24–99 (open ends as ≥ / ≤)."""
    if isinstance(value, Mapping):
        low, high = value.get("min"), value.get("max")
        if low is not None and high is not None:
            return str(low) if low == high else f"{low}–{high}"
        if low is not None:
            return f"≥{low}"
        if high is not None:
            return f"≤{high}"
        return "?"
    return str(value)


def _counts_text(counts: Any) -> str:
    """Role counts of an event as `killed 14, wounded 24–99`."""
    if not isinstance(counts, Mapping):
        return ""
    return ", ".join(f"{role} {_count_text(value)}" for role, value in counts.items())


def _trust(doc: Document) -> dict[str, Any] | None:
    """The trust score for the article page: its value, how it reads, and a row per model
    input whose evidence links name the cited spans and the other documents."""
    score = doc.scores.get("trust")
    if not isinstance(score, Mapping):
        return None
    rows = []
    for row in trust_rows(score):
        spans = [
            {"id": span_id, "text": doc.span_text(span)}
            for span_id in row.span_ids
            if (span := doc.find_span(span_id)) is not None
        ]
        rows.append({"row": row, "spans": spans, "documents": list(row.document_ids)})
    value = score.get("value")
    return {"value": value, "reading": reading(value), "rows": rows}


def article(store: Store, doc_id: str) -> dict[str, Any]:
    """The article page: highlighted text, legends, claims, events and flagged comments
    tables, the plot."""
    doc = store.get(doc_id)
    data = queries.document_page(store, doc)
    legend = render.legend(doc)
    grades = data["grades"]
    return {
        "data": data,
        "doc": doc,
        "title": doc.title or doc.id,
        "json_href": f"/doc/{_q(doc.id)}.json",
        "segments": render.article_segments(doc),
        "toggles": render.LAYER_TOGGLES,
        "legend": legend,
        "claims": _claims(doc, grades),
        "trust": _trust(doc),
        "events": _events(doc, grades),
        "flags": _flags(doc),
        "comments": len(reader_comments(doc)),
        "plot": charts.coordinate_plot(_located(doc)),
        "url_href": render.safe_href(doc.meta.get("url")),
    }


def stories(store: Store, page: int = 1) -> dict[str, Any]:
    """The story list page."""
    data = queries.story_list(store, page)
    return {"data": data, "title": "Stories", "json_href": f"/stories.json?page={data['page']}"}


def story(store: Store, story_id: str) -> dict[str, Any] | None:
    """A story page: articles side by side, aligned claims, conflicts and a timeline."""
    data = queries.story_detail(store, story_id)
    if data is None:
        return None
    outlets = {a["id"]: a["outlet"] or a["id"] for a in data["articles"]}
    items = [
        (outlets[a["id"]], a["published"] or "", a["title"] or a["id"], a["id"])
        for a in data["articles"]
    ]
    items += [
        (
            f"event: {e['type']}",
            e["date"],
            f"{e['type']} ({outlets.get(e['doc'], e['doc'])})",
            e["doc"],
        )
        for e in data["events"]
    ]
    # Per-article cells of the alignment grid: member spans of each alignment by document.
    grid = []
    for alignment in data["alignments"]:
        cells: dict[str, list[dict[str, Any]]] = {}
        for member in alignment["members"]:
            cells.setdefault(member["doc"], []).append(member)
        grid.append((alignment, [cells.get(a["id"], []) for a in data["articles"]]))
    return {
        "data": data,
        "title": data["story"]["title"] or data["story"]["id"],
        "json_href": f"/story/{_q(story_id)}.json",
        "timeline": charts.timeline(items),
        "outlets": outlets,
        "grid": grid,
    }


def search(store: Store, query: str, limit: int) -> dict[str, Any]:
    """The search page: FTS5 hits with their snippets cut into (text, is_match) parts."""
    limit = min(max(1, limit), MAX_SEARCH_LIMIT)
    hits = store.search(query, limit) if query.strip() else []
    data = {"query": query, "hits": [hit.to_dict() for hit in hits]}
    return {
        "data": data,
        "title": f"Search: {query}" if query else "Search",
        "json_href": f"/search.json?q={_q(query)}",
        "parts": [hit.snippet_parts() for hit in hits],
    }


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")
