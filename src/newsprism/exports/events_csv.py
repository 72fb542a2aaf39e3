"""Export events as ACLED-like CSV rows (one row per event, placed or not)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import IO, Any

from newsprism.document import Document
from newsprism.wording import place_label

COLUMNS = (
    "event_date",
    "event_type",
    "actor1",
    "actor2",
    "location",
    "latitude",
    "longitude",
    "country",
    "fatalities",
    "source",
    "claimed_by",
    "polarity",
    "notes",
    "doc_id",
    "event_id",
    # Last, so readers of the earlier columns by position are unaffected: where the place and
    # the date came from ("text", or inferred: "context"/"document"; "report"/"paragraph"/"stamp").
    "location_source",
    "date_source",
)


def _fatalities(counts: dict[str, Any]) -> int | None:
    """Killed count as one number: the exact value, or a range's lower bound (ACLED's rule of
    recording the lowest reported figure)."""
    value = counts.get("killed")
    if isinstance(value, int):
        return value
    if isinstance(value, dict):
        low = value.get("min")
        return int(low) if isinstance(low, int) else None
    return None


def event_rows(docs: Iterable[Document]) -> Iterable[dict[str, Any]]:
    """One dict per event, keyed by `COLUMNS`."""
    for doc in docs:
        outlet = doc.meta.get("outlet") or doc.meta.get("url") or doc.id
        for span in doc.layer("events"):
            attrs = span.attrs
            place = attrs.get("place") or {}
            counts = dict(attrs.get("counts") or {})
            source = attrs.get("source")
            yield {
                "event_date": attrs.get("date") or "",
                "event_type": span.label,
                "actor1": attrs.get("actor") or "",
                "actor2": attrs.get("target") or "",
                "location": place_label(place, "canonical"),
                "latitude": place.get("lat", ""),
                "longitude": place.get("lon", ""),
                "country": place.get("country") or "",
                "fatalities": _fatalities(counts) if _fatalities(counts) is not None else "",
                "source": f"{outlet}" + (f" citing {source}" if source else ""),
                "claimed_by": attrs.get("claimed_by") or "",
                "polarity": attrs.get("polarity") or "",
                # The evidence text, on one line: CSV readers mishandle embedded newlines.
                "notes": " ".join(doc.span_text(span).split()),
                "doc_id": doc.id,
                "event_id": span.id,
                "location_source": attrs.get("place_source") or "",
                "date_source": attrs.get("date_source") or "",
            }


def write_events_csv(docs: Iterable[Document], stream: IO[str]) -> int:
    """Write the CSV (header included); returns the number of event rows."""
    writer = csv.DictWriter(stream, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in event_rows(docs):
        writer.writerow(row)
        count += 1
    return count
