"""Claim profile and persuasion read the article's own sentences, never its comments."""

from __future__ import annotations

from newsprism.document import Document, Span
from newsprism.trust.profile import claim_profile, persuasion

TEXT = "The ministry said 12 died. Sources said more. Rain fell. Great comment here!"


def _doc() -> Document:
    s1, s2, s3, s4 = (0, 26), (27, 45), (46, 56), (57, 76)
    doc = Document("p", TEXT)
    doc = doc.with_layer("sections", [Span(0, 56, "body"), Span(s4[0], s4[1], "comment")])
    doc = doc.with_layer("sentences", [Span(a, b, "sentence") for a, b in (s1, s2, s3, s4)])
    doc = doc.with_layer(
        "attributions",
        [
            Span(0, 26, "attribution", attrs={"speaker_type": "official", "polarity": "assert"}),
            Span(
                27,
                45,
                "attribution",
                attrs={"speaker_type": "anonymous", "polarity": "deny", "via": "attributions.0"},
            ),
        ],
    )
    return doc.with_layer("propaganda", [Span(57, 70, "Loaded_Language"), Span(46, 55, "Doubt")])


def test_claim_profile_shares() -> None:
    profile = claim_profile(_doc())
    assert profile.factual == 3
    assert profile.named == ("sentences.0",) and profile.anonymous == ("sentences.1",)
    assert profile.unattributed == ("sentences.2",) and profile.denials == ("sentences.1",)
    assert profile.max_relay_depth == 1
    assert abs(profile.features()["named_share"] - 1 / 3) < 1e-9


def test_persuasion_skips_comments() -> None:
    found = persuasion(_doc())
    assert found.present and found.spans == ("propaganda.1",)
    assert found.kinds == {"Doubt": 1}


def test_empty_document() -> None:
    profile = claim_profile(Document("e", ""))
    assert profile.factual == 0 and profile.features()["named_share"] == 0.0
    assert not persuasion(Document("e", "")).present
