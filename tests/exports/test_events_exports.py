"""GeoJSON and ACLED-like CSV exports of events (hand-built documents)."""

from __future__ import annotations

import csv
import io
import json

from newsprism.document import Document, Span
from newsprism.exports.events_csv import COLUMNS, write_events_csv
from newsprism.exports.geojson import event_features, to_geojson


def _doc() -> Document:
    text = 'Strikes hit Raqqa, killing 12.\nSomething happened, "quoted".'
    placed = Span(
        0,
        30,
        "airstrike",
        None,
        {
            "actor": "Russia",
            "target": None,
            "date": "2015-10-02",
            "counts": {"killed": 12},
            "place": {
                "name": "Raqqa",
                "canonical": "Ar Raqqah",
                "lat": 35.95,
                "lon": 39.0,
                "country": "SY",
                "geonameid": 172955,
            },
            "claimed_by": None,
            "source": "SANA",
            "polarity": "assert",
            "place_source": "text",
            "date_source": "paragraph",
        },
    )
    unplaced = Span(
        31,
        len(text),
        "attack",
        None,
        {"place": None, "counts": {"killed": {"min": 24, "max": 99}}, "polarity": "deny"},
    )
    return Document("d1", text, {"outlet": "example.org"}, {"events": [placed, unplaced]})


def test_geojson_point_lon_lat_and_properties() -> None:
    collection = to_geojson([_doc()])
    assert json.loads(json.dumps(collection))["type"] == "FeatureCollection"
    (feature,) = collection["features"]
    assert feature["geometry"]["coordinates"] == [39.0, 35.95]
    assert feature["properties"]["event_type"] == "airstrike"
    assert feature["properties"]["evidence"] == "Strikes hit Raqqa, killing 12."
    assert event_features([_doc()])[1] == 1


def test_events_csv_columns_and_rows() -> None:
    stream = io.StringIO()
    assert write_events_csv([_doc()], stream) == 2
    rows = list(csv.DictReader(io.StringIO(stream.getvalue())))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["fatalities"] == "12" and rows[0]["location"] == "Ar Raqqah"
    assert rows[0]["source"] == "example.org citing SANA"
    assert rows[1]["fatalities"] == "24" and rows[1]["polarity"] == "deny"
    # Where the place and date came from, so an analyst can keep only stated ones.
    assert (rows[0]["location_source"], rows[0]["date_source"]) == ("text", "paragraph")
    assert (rows[1]["location_source"], rows[1]["date_source"]) == ("", "")


def test_a_street_or_quarter_leads_the_location() -> None:
    """The event's place is its town (coordinates, country); the street or quarter the text
    names comes first in the CSV's location, as ACLED writes "Salah al-Din, Aleppo"."""
    doc = _doc()
    first = doc.layer("events")[0]
    place = {**first.attrs["place"], "quarter": "al-Sulaymaniyah"}
    quartered = Span(first.start, first.end, first.label, None, {**first.attrs, "place": place})
    stream = io.StringIO()
    write_events_csv([Document("d2", doc.text, doc.meta, {"events": [quartered]})], stream)
    (row,) = csv.DictReader(io.StringIO(stream.getvalue()))
    assert row["location"] == "al-Sulaymaniyah, Ar Raqqah" and row["latitude"] == "35.95"
