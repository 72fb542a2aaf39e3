"""Joint fine-tuning: the heads it trains in torch are exactly the numpy heads the analyzer runs."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.config import Config
from newsprism.errors import NewsprismError
from newsprism.evaluate.ptc import PtcArticle, TechniqueSpan
from newsprism.propaganda.infer import head_inputs, span_pool_inputs
from newsprism.train.encoder import (
    TuneOptions,
    _build_model,
    _fit_scalers,
    article_states,
    bio_tags,
    encoded_articles,
    numpy_heads,
    prepare_articles,
)

torch = pytest.importorskip("torch")

TEXT = (
    'Obama\'s "peace plan" is a DISASTER!\n\n'
    "The so-called experts never learn. They never learn, and America pays the price.\n"
    "Officials said on Monday that 27 people were killed in the strike near Raqqa."
)
TECHNIQUES = ("Doubt", "Loaded_Language", "Repetition")


def _article() -> PtcArticle:
    def span(technique: str, fragment: str, nth: int = 0) -> TechniqueSpan:
        start = -1
        for _ in range(nth + 1):
            start = TEXT.index(fragment, start + 1)
        return TechniqueSpan(technique, start, start + len(fragment))

    return PtcArticle(
        "1",
        TEXT,
        (
            span("Doubt", '"peace plan"'),
            span("Loaded_Language", "DISASTER"),
            span("Doubt", "so-called experts"),
            span("Repetition", "never learn", 1),
        ),
    )


@pytest.mark.parametrize("tagger", ["lstm", "linear"])
def test_torch_heads_equal_the_numpy_heads(
    upstream: dict[str, np.ndarray], config: Config, tagger: str
) -> None:
    options = TuneOptions(tagger=tagger, tc_hidden=16, proj=8, hidden=6)
    (prepared,) = prepare_articles([_article()], config, TECHNIQUES)
    model = _build_model(torch, upstream, options, len(TECHNIQUES))
    _fit_scalers(torch, model, [prepared])
    model.eval()
    with torch.no_grad():
        tokens, vectors = article_states(torch, model.encoder, prepared)
        tag_probs = torch.softmax(model.tag_logits(prepared, tokens), -1).numpy()
        tc_probs = torch.softmax(model.tc_logits(prepared, tokens, vectors), -1).numpy()
    si_head, tc_head = numpy_heads(model, options, TECHNIQUES)
    (encoded,) = encoded_articles(torch, model.encoder, [prepared])
    got = si_head.tag_probs(head_inputs(si_head, encoded), encoded.sentence)
    np.testing.assert_allclose(got, tag_probs, atol=2e-5)
    spans = [(s.start, s.end) for s in prepared.article.spans]
    pooled = span_pool_inputs(encoded, spans, tc_head.mix, (2, 4, 6))
    np.testing.assert_allclose(tc_head.probs(pooled), tc_probs, atol=2e-5)


def test_prepared_article_tags_and_spans(config: Config) -> None:
    try:
        (prepared,) = prepare_articles([_article()], config, TECHNIQUES)
    except NewsprismError as error:
        pytest.skip(error.message)
    article = prepared.article
    # Three sentences on three lines; the encoder sees each as one sequence.
    assert len(prepared.sentence_spans) == 4
    assert len(prepared.sequences) == len(prepared.sentence_spans)
    assert sum(len(s) for s in prepared.sequences) == len(prepared.offsets)
    tagged = prepared.offsets[prepared.tags > 0]
    # Every tagged piece lies inside a gold span, and every gold span has a B piece.
    assert all(any(s.start <= a < s.end for s in article.spans) for a, _ in tagged)
    assert (prepared.tags == 1).sum() == len(article.spans)
    assert prepared.labels.tolist() == [0, 1, 0, 2]
    # "never learn" (the second) pools exactly its own pieces.
    pieces = prepared.offsets[prepared.span_tokens[3]]
    assert TEXT[pieces[0, 0] : pieces[-1, 1]] == "never learn"


def test_a_span_across_sentences_restarts_with_b() -> None:
    offsets = np.array([[0, 3], [4, 8], [9, 12], [13, 16]])
    sentence = np.array([0, 0, 1, 1])
    assert bio_tags(offsets, sentence, [(4, 12)]).tolist() == [0, 1, 1, 0]


def test_training_units_tile_the_article_and_keep_crossing_spans_whole(config: Config) -> None:
    from newsprism.train.encoder import training_units

    crossing = TEXT.index("learn. They") + len("learn")  # "never learn. They never learn"
    article = _article()
    spans = (*article.spans, TechniqueSpan("Repetition", crossing - 11, crossing + 17))
    try:
        (prepared,) = prepare_articles(
            [PtcArticle("1", TEXT, spans)], config, ("Doubt", "Loaded_Language", "Repetition")
        )
    except NewsprismError as error:
        pytest.skip(error.message)
    units = training_units(prepared)
    # Four sentences; the crossing span ties the two sentences of line 3 into one unit.
    assert [len(u.sentence_spans) for u in units] == [1, 2, 1]
    assert np.concatenate([u.offsets for u in units]).tolist() == prepared.offsets.tolist()
    assert np.concatenate([u.tags for u in units]).tolist() == prepared.tags.tolist()
    assert sum(len(u.labels) for u in units) == len(spans)
    for unit in units:
        assert unit.sentence.min() == 0 and unit.sequence_sentence.max() < len(unit.sentence_spans)
        for inside, fragment in zip(unit.span_tokens, unit.article.spans, strict=True):
            pieces = unit.offsets[inside]
            assert pieces[0, 0] <= fragment.start + 1 and pieces[-1, 1] >= fragment.end - 1
