"""trust.v1 in a pipeline: a calibrated value, weighted components, evidence that resolves."""

from __future__ import annotations

from pathlib import Path

from newsprism.config import Config
from newsprism.document import Document
from newsprism.pipeline import build_pipeline

REPORT = (
    "Strike on Idlib\n\nWarplanes struck the town of Khan Sheikhoun in Idlib province on Tuesday, "
    "killing 58 people, the Syrian Observatory for Human Rights said. Rescuers said hundreds "
    "were wounded.\n"
)


def test_trust_scores_a_batch(config: Config) -> None:
    pipeline = build_pipeline(config, names=["sections.v1", "sentences.v1", "trust.v1"])
    docs = [
        Document("a", REPORT, {"outlet": "alpha.example", "published": "2017-04-04"}),
        Document("b", REPORT, {"outlet": "beta.example", "published": "2017-04-05"}),
        Document(
            "c",
            "Hello\n\nNothing happened anywhere today.\n",
            {"outlet": "gamma.example", "published": "2017-04-04"},
        ),
        Document("d", REPORT, {"outlet": "delta.example"}),
    ]
    # Unrelated reports of the same days, so that the story's words carry tf-idf weight.
    fillers = [
        "Parliament debated the budget for schools and hospitals again.",
        "The football club signed a striker from Brazil for the season.",
        "Heavy snow closed mountain roads and delayed trains in the north.",
        "Oil prices fell after the cartel agreed to raise production.",
    ]
    docs += [
        Document(f"z{i}", t, {"outlet": f"f{i}.example", "published": "2017-04-04"})
        for i, t in enumerate(fillers)
    ]
    out = list(pipeline.run(docs))
    for doc in out:
        trust = doc.scores["trust"]
        assert 0.0 <= trust["value"] <= 1.0
        names = [c["name"] for c in trust["components"]]
        assert names[0] == "checkworthy_claims"
        assert set(names) == {
            "checkworthy_claims",
            "source_prior",
            "corroboration",
            "claim_profile",
            "persuasion",
        }
        prior = next(c for c in trust["components"] if c["name"] == "source_prior")
        assert prior["value"] is None and prior["contribution"] == 0.0
        for component in trust["components"]:
            for ref in component["evidence"]:
                if not ref.startswith(("doc:", "outlet:")):
                    assert doc.find_span(ref) is not None
    corroboration = next(
        c for c in out[0].scores["trust"]["components"] if c["name"] == "corroboration"
    )
    assert "doc:b" in corroboration["evidence"]
    # Corroboration by another outlet raises trust over the uncorroborated document.
    assert out[0].scores["trust"]["value"] > out[2].scores["trust"]["value"]
    # An undated report cannot be placed among the others' days: its outlet counts are unknown,
    # not zero, and weigh nothing.
    undated = next(c for c in out[3].scores["trust"]["components"] if c["name"] == "corroboration")
    assert undated["details"]["reason"] == "undated" and undated["details"]["assessed"] is False
    assert undated["value"]["same_place_outlets"] is None and undated["contribution"] == 0.0
    assert "reason" not in corroboration["details"] and corroboration["details"]["assessed"]


def test_an_article_alone_is_neither_corroborated_nor_uncorroborated(config: Config) -> None:
    """One dated article with no other outlet in its days: the corroboration inputs are unknown
    (they weigh nothing) instead of counting as no outlet at all, which read as not credible."""
    pipeline = build_pipeline(config, names=["sections.v1", "sentences.v1", "trust.v1"])
    meta = {"outlet": "alpha.example", "published": "2017-04-04"}
    (alone,) = pipeline.run([Document("a", REPORT, meta)])
    trust = alone.scores["trust"]
    corroboration = next(c for c in trust["components"] if c["name"] == "corroboration")
    assert corroboration["details"]["reason"] == "no other outlet in context"
    assert corroboration["contribution"] == 0.0
    same_outlet = Document("b", REPORT, {"outlet": "alpha.example", "published": "2017-04-04"})
    # Its own outlet's articles cannot corroborate it either.
    pair = list(pipeline.run([Document("a", REPORT, meta), same_outlet]))
    assert all(
        c["contribution"] == 0.0
        for doc in pair
        for c in doc.scores["trust"]["components"]
        if c["name"] == "corroboration"
    )


def test_source_prior_from_db(tmp_path: Path, shared_data: Path) -> None:
    from dataclasses import replace

    from newsprism.corpus.store import Store
    from newsprism.trust.sources import import_list

    db = tmp_path / "s.db"
    with Store(db) as store:
        import_list(
            store.connection, shared_data / "sources/opensources/sources.csv", "opensources"
        )
    config = replace(Config(), trust=replace(Config().trust, sources_db=str(db)))
    pipeline = build_pipeline(config, names=["sections.v1", "sentences.v1", "trust.v1"])
    listed = pipeline.analyze(Document("x", REPORT, {"url": "http://www.24newsflash.com/a"}))
    plain = pipeline.analyze(Document("y", REPORT, {"url": "http://unlisted.example/a"}))
    assert listed.scores["trust"]["value"] < plain.scores["trust"]["value"]
    prior = next(c for c in listed.scores["trust"]["components"] if c["name"] == "source_prior")
    assert prior["details"]["labels"] == [{"list": "opensources", "label": "fake"}]
