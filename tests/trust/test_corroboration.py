"""Corroboration: other outlets, same place or story, within the day windows; never self."""

from __future__ import annotations

import math

from newsprism.document import Document
from newsprism.trust.corroboration import context_doc, corroborate

STORY = (
    "Warplanes struck the town of Khan Sheikhoun in Idlib province, killing dozens of civilians "
    "and wounding hundreds, rescuers and the observatory said on Tuesday."
)


def _doc(doc_id: str, outlet: str, day: str, text: str, place: str = "idlib") -> Document:
    meta = {"outlet": outlet, "published": day, "fields": {"location": place}}
    return Document(doc_id, text, meta)


def test_other_outlets_corroborate() -> None:
    docs = [
        _doc("a", "alpha", "2017-04-04", STORY),
        _doc("b", "beta", "2017-04-05", STORY.replace("Tuesday", "Wednesday")),
        _doc("c", "alpha", "2017-04-04", STORY),
        _doc("d", "gamma", "2017-04-20", STORY),
        _doc("e", "delta", "2017-04-04", "Markets rallied in Tokyo.", place="tokyo"),
        Document("f", STORY, {"outlet": "epsilon"}),
    ]
    # Unrelated reports, so that the story's words are rare enough to carry tf-idf weight.
    fillers = [
        "Parliament debated the budget for schools and hospitals again.",
        "The football club signed a striker from Brazil for the season.",
        "Heavy snow closed mountain roads and delayed trains in the north.",
        "Oil prices fell after the cartel agreed to raise production.",
        "A new museum of modern art opened its doors downtown.",
        "Scientists reported a vaccine trial with promising results.",
    ]
    docs += [_doc(f"z{i}", f"filler{i}", "2017-04-04", t, "x") for i, t in enumerate(fillers)]
    found = corroborate([context_doc(d) for d in docs])
    assert found[0].same_place_outlets == ("beta",)
    assert found[0].similar_outlets == ("beta",)
    # Same outlet never corroborates itself; 16 days apart is outside every window.
    assert "alpha" not in found[2].similar_outlets
    assert found[3].similar_outlets == () and found[3].same_place_outlets == ()
    assert found[4].similar_outlets == ()
    assert not found[5].dated and found[5].similar_outlets == ()
    assert found[0].features()["similar_outlets"] > 0


def _event_doc(doc_id: str, outlet: str, lat: float, lon: float, killed: object) -> Document:
    """A document with one `events` span at (lat, lon) on 2017-04-04 with a killed count."""
    from newsprism.document import Span

    place = {"name": "x", "lat": lat, "lon": lon, "country": "SY", "geonameid": 1}
    attrs = {"place": place, "date": "2017-04-04", "counts": {"killed": killed}}
    span = Span(0, 9, "airstrike", attrs=attrs, id=f"{doc_id}-e1")
    meta = {"outlet": outlet, "published": "2017-04-05"}
    return Document(doc_id, "Warplanes struck.", meta).with_layer("events", [span])


def test_events_corroborate_and_tolls_agree_or_conflict() -> None:
    docs = [
        _event_doc("a", "alpha", 35.43, 36.64, 25),  # Khan Sheikhoun
        _event_doc("b", "beta", 36.05, 36.63, 27),  # ~55-70 km north of the others: too far
        _event_doc("c", "gamma", 35.50, 36.70, {"min": 26, "max": 30}),  # ~10 km: agrees
        _event_doc("d", "delta", 35.45, 36.60, 80),  # ~4 km: conflicts
        _event_doc("e", "alpha", 35.43, 36.64, 90),  # same outlet: never counted
    ]
    found = corroborate([context_doc(d) for d in docs])
    assert found[0].event_outlets == ("delta", "gamma")
    assert found[0].killed_agree_outlets == ("gamma",)
    assert found[0].killed_conflict_outlets == ("delta",)
    assert found[1].event_outlets == ()
    assert found[0].features()["killed_conflict_outlets"] > 0


def _toll_doc(doc_id: str, outlet: str, killed: int | None, day: str = "2017-04-04") -> Document:
    """A document at Idlib (its `location` field) whose first event states `killed`."""
    from newsprism.document import Span

    spans = []
    if killed is not None:
        attrs = {"counts": {"killed": killed}, "date": day}
        spans.append(Span(0, 9, "airstrike", attrs=attrs, id=f"{doc_id}-e1"))
    doc = _doc(doc_id, outlet, day, "Warplanes struck Idlib.")
    return doc.with_layer("events", spans)


def test_lead_toll_against_the_other_outlets_median() -> None:
    docs = [
        _toll_doc("a", "alpha", 58),
        _toll_doc("b", "beta", 20),
        _toll_doc("c", "beta", 100),  # beta speaks once: the median of its tolls, 60
        _toll_doc("d", "gamma", 30),
        _toll_doc("e", "alpha", 500),  # same outlet as "a": never its consensus
        _toll_doc("f", "delta", None),  # same place, no toll: not in the consensus
        _toll_doc("g", "omega", 7, day="2017-04-20"),  # outside the place window
    ]
    found = corroborate([context_doc(d) for d in docs])
    a = found[0]
    assert a.toll == 58 and a.toll_outlets == ("beta", "gamma")
    assert a.toll_others == 45.0  # median of beta's 60 and gamma's 30
    assert math.isclose(a.features()["toll_vs_others"], math.log1p(58) - math.log1p(45))
    assert found[5].toll is None and found[5].features()["toll_vs_others"] == 0.0
    assert found[6].toll_others is None and found[6].features()["toll_vs_others"] == 0.0
