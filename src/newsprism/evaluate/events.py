"""Score predicted events against gold events: recall/precision, place, date and counts accuracy.

Gold format (JSON; `tests/fixtures/seeds_events.json` is an example)::

    {"documents": [
      {"id": "DOC_ID",                        # the Document id in the analysed JSONL
       "published": "2015-10-03",             # informative: the date relative dates resolve on
       "events": [
         {"type": "airstrike",                # one of events.EVENT_TYPES (informative)
          "evidence": "exact text of the event in the document",
          "place": {"name": "Raqqa", "country": "SY", "lat": 35.95, "lon": 39.01} | null,
          "date": "2015-10-02" | null,        # ISO day
          "counts": {"strikes": 18, "killed": 12,     # roles as in counts.ROLE_OF_HEAD;
                     "wounded": {"min": 24, "max": 99}},   # the stated number ("at least 12"
                                                       # is 12); vague words and ranges as ranges
          "polarity": "assert" | "deny"}]}]}

Matching: a gold event matches a predicted event of the same document whose span overlaps the
gold evidence (found in the text by exact search); each prediction matches at most one gold event,
preferring the largest overlap and then the same place name. Over matched pairs: place accuracy
(gold place given: same country and within 50 km), date accuracy (gold date given: same day) and
counts exact (gold counts given: every gold role has the gold value; a lower bound
{"min": n, "max": null} and the number n are the same count). A gold place with null lat/lon is
checked by country only (a village the annotator could not locate with confidence). Unplaced
accuracy: of the matched events whose gold place is null (the text says no place), the share
given no place below a country's level either (a place carried over from another sentence is
wrong there).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from newsprism.document import Document, Span
from newsprism.errors import Code, NewsprismError
from newsprism.geo.gazetteer import haversine_km

PLACE_KM = 50.0
"""A place within this distance (and in the same country) counts as right (the issue's rule)."""


def load_gold(path: str | Path) -> dict[str, list[dict[str, Any]]]:
    """Gold events by document id (E100 when missing, E504 when malformed)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NewsprismError(Code.NOT_FOUND, str(path)) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as bad:
        raise NewsprismError(Code.BAD_GOLD, str(path), str(bad)) from None
    if not isinstance(data, dict) or not isinstance(data.get("documents"), list):
        raise NewsprismError(Code.BAD_GOLD, str(path), "expected {'documents': [...]}")
    out: dict[str, list[dict[str, Any]]] = {}
    for entry in data["documents"]:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("id"), str)
            or not (isinstance(entry.get("events"), list))
        ):
            raise NewsprismError(Code.BAD_GOLD, str(path), "each document needs id and events")
        for event in entry["events"]:
            if not isinstance(event, dict) or not isinstance(event.get("evidence"), str):
                raise NewsprismError(
                    Code.BAD_GOLD, str(path), f"{entry['id']}: each event needs an evidence string"
                )
        out[entry["id"]] = entry["events"]
    return out


def _place_ok(gold: Mapping[str, Any], pred: Mapping[str, Any] | None) -> bool:
    if not pred or pred.get("lat") is None or pred.get("country") != gold.get("country"):
        return False
    if gold.get("lat") is None or gold.get("lon") is None:
        return True
    return haversine_km(gold["lat"], gold["lon"], pred["lat"], pred["lon"]) <= PLACE_KM


def _stated(value: Any) -> Any:
    """A count as the number the text states: a lower bound {"min": n, "max": null} ("at least
    n") is n, an exact range {"min": n, "max": n} is n; other ranges stay as they are."""
    if isinstance(value, Mapping):
        low, high = value.get("min"), value.get("max")
        if low is not None and (high is None or high == low):
            return low
        return {"min": low, "max": high}
    return value


def _counts_ok(gold: Mapping[str, Any], pred: Mapping[str, Any]) -> bool:
    return all(_stated(pred.get(role)) == _stated(value) for role, value in gold.items())


def _named_place(place: object) -> bool:
    """Whether a predicted place is below a country's level (a country alone says little)."""
    return isinstance(place, Mapping) and bool(place.get("name")) and place.get("kind") != "country"


def _ratio(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def score_events(
    gold: Mapping[str, list[dict[str, Any]]], docs: Iterable[Document]
) -> dict[str, Any]:
    """Recall, precision, F1, place/date/counts accuracy and per-document misses."""
    gold_n = pred_n = matched_n = 0
    place, date, counts, unplaced = [0, 0], [0, 0], [0, 0], [0, 0]
    details: list[dict[str, Any]] = []
    seen: set[str] = set()
    for doc in docs:
        if doc.id not in gold:
            continue
        seen.add(doc.id)
        preds = list(doc.layer("events"))
        pred_n += len(preds)
        used: set[str] = set()
        for event in gold[doc.id]:
            gold_n += 1
            start = doc.text.find(event["evidence"])
            if start < 0:
                raise NewsprismError(
                    Code.BAD_GOLD, doc.id, f"evidence not in text: {event['evidence'][:60]!r}"
                )
            end = start + len(event["evidence"])
            match = _best(preds, used, start, end, event)
            if match is None:
                details.append({"doc": doc.id, "missed": event["evidence"][:80]})
                continue
            used.add(match.id)
            matched_n += 1
            if event.get("place"):
                place[1] += 1
                place[0] += _place_ok(event["place"], match.attrs.get("place"))
            elif "place" in event:
                # The text says no place: one inferred from elsewhere in the article is wrong.
                unplaced[1] += 1
                unplaced[0] += not _named_place(match.attrs.get("place"))
            if event.get("date"):
                date[1] += 1
                date[0] += match.attrs.get("date") == event["date"]
            if event.get("counts"):
                counts[1] += 1
                counts[0] += _counts_ok(event["counts"], match.attrs.get("counts") or {})
    recall = _ratio(matched_n, gold_n)
    precision = _ratio(matched_n, pred_n)
    f1 = round(2 * recall * precision / (recall + precision), 4) if recall and precision else 0.0
    return {
        "documents": len(seen),
        "missing_documents": sorted(set(gold) - seen),
        "gold": gold_n,
        "predicted": pred_n,
        "matched": matched_n,
        "recall": recall,
        "precision": precision,
        "f1": f1,
        "place_accuracy": _ratio(*place),
        "unplaced_accuracy": _ratio(*unplaced),
        "date_accuracy": _ratio(*date),
        "counts_exact": _ratio(*counts),
        "misses": details,
    }


def _best(
    preds: list[Span], used: set[str], start: int, end: int, event: Mapping[str, Any]
) -> Span | None:
    """The unused prediction overlapping [start, end) most, same place name breaking ties."""
    gold_place = ((event.get("place") or {}).get("name") or "").lower()
    best: tuple[int, int] | None = None
    chosen: Span | None = None
    for span in preds:
        if span.id in used:
            continue
        shared = min(end, span.end) - max(start, span.start)
        if shared <= 0:
            continue
        place = ((span.attrs.get("place") or {}).get("name") or "").lower()
        key = (int(bool(gold_place) and place == gold_place), shared)
        if best is None or key > best:
            best, chosen = key, span
    return chosen
