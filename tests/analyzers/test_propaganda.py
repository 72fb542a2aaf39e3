"""The `propaganda.v1` analyzer on a seed and a PTC article: valid labels, bounds and scores."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsprism.analyzers.propaganda import LAYER, PropagandaAnalyzer, load_heads
from newsprism.config import Config
from newsprism.document import Document
from newsprism.errors import NewsprismError
from newsprism.evaluate.ptc import load_techniques, read_exact
from newsprism.pipeline import build_pipeline
from newsprism.propaganda.encoding import config_with_layers

PIPELINE = ["sections.v1", "sentences.v1", "encoder.v1", "propaganda.v1"]


def _check(doc: Document, techniques: set[str]) -> None:
    spans = doc.layer(LAYER)
    for span in spans:
        assert span.label in techniques
        assert 0 <= span.start < span.end <= len(doc.text)
        assert span.score is not None and 0.0 <= span.score <= 1.0
        assert 0.0 <= span.attrs["span_score"] <= 1.0
        assert doc.span_text(span).strip() == doc.span_text(span)  # whole words, no padding
    density = doc.scores["propaganda_density"]
    assert 0.0 <= density["value"] <= 1.0
    assert density["spans"] + sum(density["outside_article"].values()) == len(spans)


def test_analyzer_on_seed_and_ptc_article(
    config: Config, seed_000: Path, shared_data: Path
) -> None:
    techniques = set(load_techniques(shared_data / "ptc"))
    pipeline = build_pipeline(config_with_layers(config), names=PIPELINE)
    seed = Document(id="seed", text=read_exact(seed_000))
    article_path = shared_data / "ptc" / "train" / "train-articles" / "article111111111.txt"
    article = Document(id="111111111", text=read_exact(article_path))
    seed_out, article_out = pipeline.run([seed, article])
    _check(seed_out, techniques)
    _check(article_out, techniques)
    # The PTC article is annotated with 12 techniques' spans; the heads find some propaganda.
    assert article_out.layer(LAYER)
    assert article_out.versions["analyzers"]["propaganda.v1"] == PropagandaAnalyzer.model_version
    # JSON round trip keeps the layer.
    assert Document.from_json(article_out.to_json()).layer(LAYER) == article_out.layer(LAYER)


def test_analyzer_reencodes_when_layers_are_missing(config: Config) -> None:
    # The default config may encode only the last layer: the analyzer still works.
    pipeline = build_pipeline(config, names=PIPELINE)
    doc = pipeline.analyze(Document(id="x", text="They are TRAITORS! Traitors, all of them."))
    _check(doc, set(load_heads()[1].techniques))


def test_missing_heads_are_a_coded_error(tmp_path: Path) -> None:
    with pytest.raises(NewsprismError) as info:
        load_heads(tmp_path)
    assert "E305" in str(info.value)


def test_density_counts_each_visible_character_once_on_hostile_text() -> None:
    """The density is covered non-blank characters over all non-blank ones, per character as
    `str.isspace` defines blank (no-break, ideographic and separator control characters blank,
    zero-width space not), with overlapping and nested spans counted once."""
    import random

    from newsprism.analyzers.propaganda import density_score
    from newsprism.document import Span

    rng = random.Random(0)
    alphabet = "ab \n\t\u00a0\u2003\u200bxy.\u3000\x1c\u0301"
    for _ in range(1500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 60)))
        spans = []
        for _ in range(rng.randint(0, 5)):
            start = rng.randrange(len(text))
            end = rng.randint(start, len(text))
            if end > start:
                spans.append(Span(start, end, "Doubt"))
        covered = {i for span in spans for i in range(span.start, span.end)}
        visible = sum(not c.isspace() for c in text) or 1
        inside = sum(not text[i].isspace() for i in covered)
        score = density_score(Document("d", text), spans)
        assert score["value"] == round(inside / visible, 4)
        assert score["spans"] == len(spans)


def test_reader_comments_do_not_make_the_article_persuasive(config: Config, seed_002: Path) -> None:
    """Seed 002's comment section is hateful and full of technique spans; the article's density
    counts only its own text, and the report's legend counts what the story shows."""
    from rich.console import Console

    from newsprism.analyzers.propaganda import density_score
    from newsprism.analyzers.sections import NOT_ARTICLE
    from newsprism.report import render_document

    pipeline = build_pipeline(config_with_layers(config), names=PIPELINE)
    doc = pipeline.analyze(Document(id="seed", text=read_exact(seed_002)))
    spans = doc.layer(LAYER)
    outside = [(s.start, s.end) for s in doc.layer("sections") if s.label in NOT_ARTICLE]
    in_comments = [
        span for span in spans if any(a <= (span.start + span.end) // 2 < b for a, b in outside)
    ]
    density = doc.scores["propaganda_density"]
    assert len(in_comments) > density["spans"] > 0
    assert density["outside_article"] == {"comment": len(in_comments)}
    assert set(density["evidence"]) == {s.id for s in spans} - {s.id for s in in_comments}
    whole_text = density_score(doc.with_layer("sections", []), spans)
    assert density["value"] < whole_text["value"] / 10
    console = Console(record=True, width=150)
    console.print(render_document(doc))
    legend = next(line for line in console.export_text().splitlines() if "Techniques:" in line)
    assert f"outside the story: {len(in_comments)} in reader comments" in legend
