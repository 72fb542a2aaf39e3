"""Export analysed documents' events as a GeoJSON FeatureCollection (one Feature per placed event).

Events without coordinates have no geometry to draw and are left out; `event_features` counts
them so a caller can say how many were skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from newsprism.document import Document


def event_features(docs: Iterable[Document]) -> tuple[list[dict[str, Any]], int]:
    """(Features of events with a place, number of events without coordinates)."""
    features: list[dict[str, Any]] = []
    unplaced = 0
    for doc in docs:
        for span in doc.layer("events"):
            place = span.attrs.get("place") or {}
            lat, lon = place.get("lat"), place.get("lon")
            if lat is None or lon is None:
                unplaced += 1
                continue
            properties = {
                "doc_id": doc.id,
                "event_id": span.id,
                "event_type": span.label,
                "evidence": doc.span_text(span),
                "start": span.start,
                "end": span.end,
                "url": doc.meta.get("url"),
                "outlet": doc.meta.get("outlet"),
                "published": doc.meta.get("published"),
                **{k: v for k, v in span.attrs.items()},
            }
            features.append(
                {
                    "type": "Feature",
                    # GeoJSON (RFC 7946) orders coordinates longitude first.
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": properties,
                }
            )
    return features, unplaced


def to_geojson(docs: Iterable[Document]) -> dict[str, Any]:
    """A FeatureCollection of every placed event in `docs`."""
    features, _unplaced = event_features(docs)
    return {"type": "FeatureCollection", "features": features}
