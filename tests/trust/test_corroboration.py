"""Corroboration: other outlets, same place or story, within the day windows; never self."""

from __future__ import annotations

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
